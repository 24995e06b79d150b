"""`garrison scan TARGET`: every scanner that applies, the team's policy, the reports."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from garrison.cli.common import (
    add_age_flags,
    add_db_flags,
    add_inventory_flags,
    err,
    settings_from,
    target_options,
)
from garrison.cli.gate import add_report_flags, report_and_exit_code, report_pairs
from garrison.cli.progress import phase_progress
from garrison.model import ScanResult
from garrison.perf import gc_paused
from garrison.scan import SCANNERS, check_scanners, run_scan
from garrison.sizes import parse_size
from garrison.vulndb.freshness import check_age
from garrison.vulndb.store import VulnDB

SALT_VARIABLE = "GARRISON_SECRET_SALT"
DEFAULT_SCANNERS = "vuln"


def register(commands: Any) -> None:
    parser = commands.add_parser("scan", help="scan a target and apply the policy")
    parser.add_argument(
        "target",
        help="a directory, lockfile, SBOM, image archive or OCI layout, or an image reference",
    )
    parser.add_argument(
        "--scanners",
        default=DEFAULT_SCANNERS,
        help=f"comma-separated scanners: {', '.join(SCANNERS)} or all (default: vuln)",
    )
    parser.add_argument(
        "--diff", metavar="BASE",
        help="report only the findings BASE..HEAD brought in (BASE: a commit, tag or branch; "
        "a branch means its merge base with HEAD); the target must be a directory in a git "
        "work tree",
    )  # fmt: skip
    parser.add_argument(
        "--timings", action="store_true", help="print the time of each phase on stderr"
    )
    add_report_flags(parser)
    add_inventory_flags(parser)
    add_file_scanner_flags(parser)
    add_db_flags(parser)
    add_age_flags(parser)
    parser.set_defaults(handler=run)


def add_file_scanner_flags(parser: argparse.ArgumentParser) -> None:
    secrets = parser.add_argument_group("secret scanner")
    secrets.add_argument(
        "--secret-max-size", default="10MiB", metavar="SIZE",
        help="skip (with a warning) files larger than SIZE (default 10MiB)",
    )  # fmt: skip
    secrets.add_argument(
        "--no-gitignore", action="store_true", help="also scan files .gitignore excludes"
    )
    sast = parser.add_argument_group("sast scanner")
    sast.add_argument("--no-bandit", action="store_true", help="do not run Bandit")
    sast.add_argument(
        "--semgrep-rules", action="append", default=[], metavar="PATH",
        help="local Semgrep rule file or directory (Semgrep runs only with these); repeatable",
    )  # fmt: skip
    sast.add_argument("--semgrep-binary", metavar="PATH", help="else $GARRISON_SEMGREP or PATH")
    sast.add_argument(
        "--sarif-in", action="append", default=[], metavar="FILE",
        help="read another analyzer's SARIF 2.1.0 results into the scan; repeatable",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    with gc_paused():  # building and rendering the report allocates no cycles either
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    report_pairs(args)  # usage errors before any work
    result, known = scan_target(args)
    if args.timings:
        phases = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in result.timings)
        err(f"timings: {phases}")
    return report_and_exit_code(args, result, known)


def _print_notes(options: Any) -> None:
    for text in options.notes:  # filled while the target is read (e.g. a registry pull)
        err(f"note: {text}")


def scanners_of(text: str) -> tuple[str, ...]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    return SCANNERS if names == ["all"] else check_scanners(names)


def scan_target(args: argparse.Namespace) -> tuple[ScanResult, Any]:
    """Scan as the flags say; also returns a `known_ids(id) -> bool` over the advisory
    database (for VEX documents), or None when the vuln scanner did not run."""
    from garrison.sast import SastOptions
    from garrison.secrets.scanner import SecretOptions

    settings = settings_from(args)
    scanners = scanners_of(args.scanners)
    options = target_options(args)
    secret = SecretOptions(
        excludes=tuple(args.exclude),
        max_bytes=parse_size(args.secret_max_size, "--secret-max-size"),
        respect_gitignore=not args.no_gitignore,
        salt=os.environ.get(SALT_VARIABLE) or SecretOptions().salt,
    )
    sast = SastOptions(
        excludes=tuple(args.exclude),
        semgrep_rules=tuple(Path(p) for p in args.semgrep_rules),
        sarif_files=tuple(Path(p) for p in args.sarif_in),
        semgrep_binary=args.semgrep_binary,
        bandit=not args.no_bandit,
    )
    progress = phase_progress()
    if "vuln" not in scanners:
        result = _scan(args, None, (), options, scanners, secret, sast, progress)
        _print_notes(options)
        return result, None
    with VulnDB(settings.db_path) as db:
        note = check_age(
            db.updated_at(), datetime.now(UTC), settings.db_warn_age, settings.db_max_age
        )
        if note:
            err(f"warning: {note}")
        notes = (note,) if note else ()
        result = _scan(args, db, notes, options, scanners, secret, sast, progress)
        known = {ident for f in result.findings for ident in (f.id, *f.aliases)}
    _print_notes(options)
    return result, _known_ids(settings.db_path, known)


def _scan(args: argparse.Namespace, *rest: Any) -> ScanResult:
    """A plain scan; with --diff BASE, only what BASE..HEAD introduced."""
    if getattr(args, "diff", None):  # `baseline create` scans without --diff
        from garrison.diffscan import run_diff_scan

        return run_diff_scan(args.diff, args.target, *rest)
    return run_scan(args.target, *rest)


def _known_ids(db_path: Path, seen: set[str]) -> Any:
    """VEX statements must name vulnerabilities the database knows."""

    def known(ident: str) -> bool:
        if ident in seen:
            return True
        with VulnDB(db_path) as db:
            return bool(db.documents(ident))

    return known
