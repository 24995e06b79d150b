"""`garrison checks list|show|test`: the IaC checks (built-in, the repository's
`.garrison/checks/`, plugins) and their own unit tests."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from garrison.cli.common import err, write_output
from garrison.errors import InputError
from garrison.iac.engine import Check
from garrison.iac.registry import SOURCES, load_checks
from garrison.iac.selftest import run_check_tests


def register(commands: Any) -> None:
    parser = commands.add_parser("checks", help="list, show and test the IaC checks")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    listing = actions.add_parser("list", help="list the checks")
    listing.add_argument("--source", choices=SOURCES, help="only checks of this source")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    _add_dir(listing)
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="show one check in full")
    show.add_argument("id", help="the check id, e.g. GAR-K8S-001")
    _add_dir(show)
    show.set_defaults(handler=run_show)
    test = actions.add_parser("test", help="run the checks' own tests (exit 1 if any fails)")
    test.add_argument(
        "dir", nargs="?", default=".", help="repository whose .garrison/checks/ to include"
    )
    test.add_argument("--id", action="append", default=[], help="only this check; repeat")
    test.set_defaults(handler=run_test)


def _add_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", default=".", help="repository whose .garrison/checks/ to include (default .)"
    )


def run_list(args: argparse.Namespace) -> int:
    checks = [c for c in load_checks(Path(args.dir)) if args.source in (None, c.source)]
    if args.format == "json":
        write_output(json.dumps([describe(c) for c in checks], indent=2) + "\n", None)
        return 0
    table = Table(show_lines=False, box=None)
    for column in ("ID", "Severity", "Source", "Kinds", "Title", "Origin"):
        table.add_column(column, overflow="fold")
    for check in checks:
        kinds = ", ".join(sorted(check.kinds))
        table.add_row(check.id, check.severity.name, check.source, kinds, check.title, check.origin)
    write_output(_render(table) + f"{len(checks)} check(s)\n", None)
    return 0


def run_show(args: argparse.Namespace) -> int:
    found = {c.id: c for c in load_checks(Path(args.dir))}
    check = found.get(args.id)
    if check is None:
        raise InputError(f"no check {args.id} (see `garrison checks list`)")
    text = yaml.safe_dump(
        [dict(check.raw)] if check.raw else [describe(check)],
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    write_output(f"# {check.id} from {check.origin}\n{text}", None)
    return 0


def run_test(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        raise InputError(f"{args.dir}: not a directory")
    checks = [c for c in load_checks(root) if not args.id or c.id in args.id]
    results = run_check_tests(checks)
    lines = []
    for result in results:
        status = "PASS" if result.passed else "FAIL"
        detail = f": {result.detail}" if result.detail else ""
        lines.append(f"{status} {result.check_id} [{result.expect}] {result.name}{detail}\n")
    failed = sum(not r.passed for r in results)
    untested = [c.id for c in checks if not c.tests]
    lines.append(f"{len(results)} test(s) of {len(checks)} check(s): {failed} failed\n")
    write_output("".join(lines), None)
    if untested:
        err(f"note: {len(untested)} check(s) have no tests: {', '.join(untested[:10])}")
    return 1 if failed else 0


def describe(check: Check) -> dict[str, Any]:
    """A check's metadata as JSON-ready data."""
    return {
        "id": check.id,
        "title": check.title,
        "severity": check.severity.name,
        "source": check.source,
        "kinds": sorted(check.kinds),
        "description": check.description,
        "remediation": check.remediation,
        "references": list(check.references),
        "frameworks": list(check.frameworks),
        "equivalents": {tool: list(ids) for tool, ids in check.equivalents.items()},
        "origin": check.origin,
        "tests": len(check.tests),
    }


def _render(table: Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=160, force_terminal=False, no_color=True).print(table)
    return buffer.getvalue()
