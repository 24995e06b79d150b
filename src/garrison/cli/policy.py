"""`garrison init [DIR]`, `garrison policy check [FILE]`, `garrison baseline create TARGET`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from garrison.cli.common import (
    add_age_flags,
    add_db_flags,
    add_inventory_flags,
    enforce_strict,
    err,
)
from garrison.cli.scan import add_file_scanner_flags, scan_target
from garrison.errors import InputError, PolicyError
from garrison.perf import gc_paused
from garrison.policy import evaluate, find_policy, load_policy, write_baseline
from garrison.policy.document import POLICY_NAMES
from garrison.policy.exceptions import is_expired
from garrison.policy.model import Policy
from garrison.policy.starter import STARTER


def register(commands: Any) -> None:
    init = commands.add_parser("init", help="write a commented starter garrison.yaml")
    init.add_argument("directory", nargs="?", default=".", help="where (default: here)")
    init.set_defaults(handler=run_init)

    policy = commands.add_parser("policy", help="work with the policy file")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    check = policy_commands.add_parser("check", help="validate a policy file")
    check.add_argument("file", nargs="?", help="the policy (default: garrison.yaml found here)")
    check.set_defaults(handler=run_check)

    baseline = commands.add_parser("baseline", help="accept today's findings as a baseline")
    baseline_commands = baseline.add_subparsers(dest="baseline_command", required=True)
    create = baseline_commands.add_parser("create", help="scan TARGET and write its baseline")
    create.add_argument("target", help="what `garrison scan` would scan")
    create.add_argument("-o", "--output", required=True, metavar="FILE", help="baseline file")
    create.add_argument("--scanners", default="vuln", help="as for scan (default: vuln)")
    create.add_argument("--policy", metavar="FILE", help="policy (default: garrison.yaml found)")
    add_inventory_flags(create)
    add_file_scanner_flags(create)
    add_db_flags(create)
    add_age_flags(create)
    create.set_defaults(handler=run_baseline_create)


def run_init(args: argparse.Namespace) -> int:
    folder = Path(args.directory)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory")
    for name in POLICY_NAMES:
        if (folder / name).exists():
            raise InputError(f"{folder / name} exists; not overwritten")
    target = folder / POLICY_NAMES[0]
    try:
        with target.open("x", encoding="utf-8") as out:
            out.write(STARTER)
    except OSError as exc:
        raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {target}; check it with: garrison policy check {target}\n")
    return 0


def run_check(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else find_policy(Path("."))
    if path is None:
        raise PolicyError("no garrison.yaml here or at the repository root (garrison init)")
    policy = load_policy(path)
    sys.stdout.write(describe(policy, path, datetime.now(UTC).date()) + "\n")
    return 0


def describe(policy: Policy, path: Path, today: date) -> str:
    """`FILE: valid (N exceptions, M expiring within D days[, K expired])`."""
    days = policy.exception_warning_days
    expired = sum(1 for e in policy.exceptions if is_expired(e, today))
    expiring = sum(1 for e in policy.exceptions if 0 <= (e.expires - today).days <= days)
    counts = f"{len(policy.exceptions)} exceptions, {expiring} expiring within {days} days"
    return f"{path}: valid ({counts}" + (f", {expired} expired)" if expired else ")")


def run_baseline_create(args: argparse.Namespace) -> int:
    with gc_paused():
        result, _ = scan_target(args)
    if result.partial:
        err(f"warning: the scan is partial ({len(result.warnings)} warning(s))")
    enforce_strict(args.strict, result.warnings)
    policy_path = Path(args.policy) if args.policy else find_policy(Path(args.target))
    policy = load_policy(policy_path) if policy_path else None
    result, _ = evaluate(result, policy, today=datetime.now(UTC).date())
    output = Path(args.output)
    write_baseline(result, output)
    sys.stdout.write(f"wrote {output}: {len(result.findings)} finding(s) of {result.target}\n")
    return 0
