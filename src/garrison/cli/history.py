"""`garrison history [REPO]`: secrets anywhere in a git repository's history, each blob read
once, with the commit that introduced each secret and whether HEAD still has it. Policy,
reports and exit codes are those of `scan`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from garrison.cli.gate import add_report_flags, report_and_exit_code, report_pairs
from garrison.errors import InputError
from garrison.model import ScanResult
from garrison.perf import gc_paused
from garrison.sizes import parse_size

SALT_VARIABLE = "GARRISON_SECRET_SALT"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "history", help="scan a git repository's history for secrets (every blob once)"
    )
    parser.add_argument(
        "target", nargs="?", default=".", metavar="REPO", help="the repository (default .)"
    )
    parser.add_argument(
        "--scanners", default="secret", help="what to look for in history (only: secret)"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--ref", action="append", default=[], metavar="REF",
        help="commits reachable from REF (repeat; default: every branch and tag)",
    )  # fmt: skip
    which.add_argument("--range", dest="rev_range", metavar="A..B", help="only commits in A..B")
    parser.add_argument("--since", metavar="DATE", help="only commits after DATE (git's dates)")
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB",
        help="skip paths matching GLOB (relative path or file name); repeat",
    )  # fmt: skip
    parser.add_argument(
        "--max-size", default="10MiB", metavar="SIZE",
        help="skip (with a warning) blobs larger than SIZE (default 10MiB)",
    )  # fmt: skip
    parser.add_argument("--jobs", type=int, metavar="N", help="processes (default: one per core)")
    parser.add_argument("--strict", action="store_true", help="exit 2 if anything was skipped")
    add_report_flags(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with gc_paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from garrison.secrets.history import scan_history
    from garrison.secrets.scanner import SecretOptions

    if [s.strip() for s in args.scanners.split(",") if s.strip()] != ["secret"]:
        raise InputError(f"history: only the secret scanner reads history, not {args.scanners!r}")
    report_pairs(args)
    options = SecretOptions(
        excludes=tuple(args.exclude),
        max_bytes=parse_size(args.max_size, "--max-size"),
        salt=os.environ.get(SALT_VARIABLE) or SecretOptions().salt,
        jobs=args.jobs,
    )
    found = scan_history(Path(args.target), args.ref, args.since, args.rev_range, options)
    return report_and_exit_code(args, as_scan_result(args.target, found))


def as_scan_result(repo: str, found: Any) -> ScanResult:
    """The history scan as a ScanResult; each finding carries its commit facts."""
    removed = sum(not item.present_at_head for item in found.findings)
    note = (
        f"history: {found.commits_scanned} commit(s), {found.blobs_scanned} distinct "
        f"blob(s) scanned; {len(found.findings)} secret(s), {removed} no longer at HEAD "
        "(still in history: rotate them anyway)"
    )
    skipped = ", ".join(f"{count} {reason}" for reason, count in found.skipped.items())
    notes = (note, f"skipped by rule: {skipped}") if skipped else (note,)
    return ScanResult(
        target=repo,
        components=(),
        findings=tuple(item.finding for item in found.findings),
        warnings=found.warnings,
        notes=notes,
    )
