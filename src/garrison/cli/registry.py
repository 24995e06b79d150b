"""`garrison registry scan HOST[/PREFIX]`: scan every image of a registry, once per digest."""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from garrison.cli.common import add_age_flags, add_db_flags, err, settings_from, write_output
from garrison.image.auth import resolve_credentials
from garrison.image.inventory import inventory_of_image
from garrison.image.pull import open_image
from garrison.image.registry import RegistryClient
from garrison.image.registry_scan import Candidate, RegistryScanState, candidates, parse_scan_target
from garrison.model import ScanResult
from garrison.perf import gc_paused
from garrison.policy import Verdict, default_gate
from garrison.report import json_report
from garrison.vulndb.freshness import check_age
from garrison.vulndb.match import match_components
from garrison.vulndb.store import VulnDB


def register(commands: Any) -> None:
    parser = commands.add_parser("registry", help="scan the images of a container registry")
    sub = parser.add_subparsers(dest="registry_command", required=True, parser_class=type(parser))
    scan = sub.add_parser("scan", help="list repositories and tags, scan each new image digest")
    scan.add_argument("target", metavar="HOST[/PREFIX]")
    scan.add_argument("--insecure", action="store_true", help="plain HTTP (no TLS)")
    scan.add_argument("--username", help="registry user (else ~/.docker/config.json)")
    scan.add_argument("--platform", help="for multi-platform images: os/arch[/variant]")
    scan.add_argument(
        "--state", metavar="FILE", help="digests already scanned (default: in the state dir)"
    )
    scan.add_argument("-o", "--output", metavar="FILE", help="write the JSON summary to FILE")
    add_db_flags(scan)
    add_age_flags(scan)
    scan.set_defaults(handler=run_scan)


def _state_path(args: argparse.Namespace, host: str) -> Path:
    if args.state:
        return Path(args.state)
    safe = host.replace(":", "_").replace("/", "_")
    return Path(platformdirs.user_state_dir("garrison")) / f"registry-{safe}.json"


def run_scan(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    host, prefix = parse_scan_target(args.target)
    notes: list[str] = []
    creds = resolve_credentials(
        host, args.username, os.environ.get("GARRISON_REGISTRY_PASSWORD"), notes=notes
    )
    for note in notes:
        err(f"note: {note}")
    state = RegistryScanState(_state_path(args, host))
    if state.problem:
        err(f"warning: {state.problem}")
    images: list[dict[str, Any]] = []
    failed = False
    username, password = (creds.username, creds.password) if creds else (None, None)
    with (
        VulnDB(settings.db_path) as db,
        RegistryClient(
            host, insecure=args.insecure, username=username, password=password
        ) as client,
    ):
        check_age(db.updated_at(), datetime.now(UTC), settings.db_warn_age, settings.db_max_age)
        client.ping()
        for candidate in candidates(client, prefix, state):
            entry = _scan_one(client, candidate, db, args.platform)
            images.append(entry)
            failed = failed or entry.get("passed") is False
            if entry.get("digest") and not entry.get("error") and not candidate.seen:
                state.record(entry["digest"], candidate.reference)
                state.save()
    summary = {"registry": host, "prefix": prefix, "images": images}
    write_output(json.dumps(summary, indent=2) + "\n", args.output)
    return 1 if failed else 0


def _scan_one(
    client: RegistryClient, candidate: Candidate, db: VulnDB, platform: str | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"reference": candidate.reference, "digest": candidate.digest}
    if candidate.error:
        err(f"warning: {candidate.reference}: {candidate.error}")
        return {**entry, "error": candidate.error}
    if candidate.seen:
        return {**entry, "skipped": "digest already scanned"}
    image = open_image(
        client, candidate.repo, candidate.tag, platform=platform,
        reference=candidate.reference, manifest=candidate.manifest,
    )  # fmt: skip
    with gc_paused():
        inventory = inventory_of_image(image, today=datetime.now(UTC).date())
        matched = match_components(inventory.components, db)
    result = ScanResult(
        inventory.target, inventory.components, inventory.findings + matched.findings,
        inventory.warnings + matched.warnings, image=inventory.image,
    )  # fmt: skip
    verdict: Verdict = default_gate(result.findings)
    document = json_report.to_document(result, verdict)
    return {**entry, "passed": verdict.passed, "partial": result.partial,
            "summary": document["summary"], "verdict": document["verdict"]}  # fmt: skip
