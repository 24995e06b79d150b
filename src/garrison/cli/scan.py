"""`garrison scan TARGET`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from garrison.cli.common import (
    add_age_flags,
    add_db_flags,
    add_inventory_flags,
    enforce_strict,
    err,
    settings_from,
    target_options,
    write_output,
)
from garrison.perf import gc_paused
from garrison.policy import default_gate
from garrison.report import FORMATS
from garrison.scan import check_scanners, run_scan
from garrison.vulndb.freshness import check_age
from garrison.vulndb.store import VulnDB


def register(commands: Any) -> None:
    parser = commands.add_parser("scan", help="scan a target and apply the policy")
    parser.add_argument(
        "target",
        help="a directory, lockfile, SBOM, image archive or OCI layout, or an image reference",
    )
    parser.add_argument(
        "--scanners",
        default="vuln",
        help="comma-separated scanners to run: vuln, misconfig (default: vuln)",
    )
    parser.add_argument("--format", choices=sorted(FORMATS), default="table")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    add_inventory_flags(parser)
    add_db_flags(parser)
    add_age_flags(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with gc_paused():  # building and rendering the report allocates no cycles either
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    scanners = check_scanners([s.strip() for s in args.scanners.split(",") if s.strip()])
    options = target_options(args)
    if "vuln" in scanners:
        with VulnDB(settings.db_path) as db:
            note = check_age(
                db.updated_at(), datetime.now(UTC), settings.db_warn_age, settings.db_max_age
            )
            if note:
                err(f"warning: {note}")
            result = run_scan(args.target, db, (note,) if note else (), options, scanners)
    else:
        result = run_scan(args.target, None, (), options, scanners)
    for note in options.notes:
        err(f"note: {note}")
    verdict = default_gate(result.findings)
    write_output(FORMATS[args.format](result, verdict), args.output)
    if result.partial:
        err(f"warning: the scan is partial ({len(result.warnings)} warning(s) in the report)")
    enforce_strict(args.strict, result.warnings)
    return 0 if verdict.passed else 1
