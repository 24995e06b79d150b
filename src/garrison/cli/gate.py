"""The end every scanning command shares: policy, baseline and VEX applied, each report
written, the exit code chosen (0 passed, 1 the gate failed or `--exit-code`, 2 input)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from garrison.cli.common import enforce_strict, err, write_output
from garrison.errors import InputError
from garrison.model import ScanResult
from garrison.policy import evaluate, find_policy, load_baseline, load_policy, load_vex
from garrison.policy.verdict import Verdict
from garrison.report import FORMATS

KnownIds = Callable[[str], bool]


class _FormatAction(argparse.Action):
    """`--format NAME`: a new report, in command-line order."""

    def __call__(self, parser: Any, namespace: Any, value: Any, option: Any = None) -> None:
        reports = list(getattr(namespace, "reports", None) or [])
        reports.append([value, None])
        namespace.reports = reports


class _OutputAction(argparse.Action):
    """`-o FILE`: the file of the --format just before it (or, given first, of the first
    report left without a file)."""

    def __call__(self, parser: Any, namespace: Any, value: Any, option: Any = None) -> None:
        reports = list(getattr(namespace, "reports", None) or [])
        if reports and reports[-1][1] is None:
            reports[-1] = [reports[-1][0], value]
            namespace.reports = reports
        else:
            namespace.pending_outputs = [
                *(getattr(namespace, "pending_outputs", None) or []),
                value,
            ]


def add_report_flags(parser: argparse.ArgumentParser) -> None:
    reports = parser.add_argument_group("policy and reports")
    reports.add_argument(
        "--format", action=_FormatAction, choices=sorted(FORMATS), metavar="FORMAT",
        help=f"report format, repeatable: {', '.join(sorted(FORMATS))} (default: table)",
    )  # fmt: skip
    reports.add_argument(
        "-o", "--output", action=_OutputAction, metavar="FILE",
        help="write the report of the --format before it to FILE (one report may use stdout)",
    )  # fmt: skip
    parser.set_defaults(reports=None, pending_outputs=None)
    reports.add_argument("--policy", metavar="FILE", help="policy file (default: garrison.yaml)")
    reports.add_argument(
        "--baseline", metavar="FILE", help="only findings not in this baseline count"
    )
    reports.add_argument(
        "--vex", action="append", default=[], metavar="FILE",
        help="OpenVEX or CycloneDX VEX document: not_affected statements suppress; repeatable",
    )  # fmt: skip
    reports.add_argument(
        "--exit-code", type=int, default=1, metavar="N",
        help="exit code when the gate fails (default 1; 0 reports without failing)",
    )  # fmt: skip


def report_pairs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) for every report asked for; at most one on stdout."""
    reports = [list(pair) for pair in (args.reports or [])]
    for output in args.pending_outputs or []:  # -o given before its --format
        free = next((pair for pair in reports if pair[1] is None), None)
        if free is None and reports:
            raise InputError(f"-o {output}: every --format already has a file")
        if free is None:
            reports.append(["table", output])
        else:
            free[1] = output
    pairs = [(str(name), None if out in (None, "-") else str(out)) for name, out in reports]
    pairs = pairs or [("table", None)]
    if sum(1 for _, out in pairs if out is None) > 1:
        raise InputError("only one report can go to stdout; give the others -o FILE")
    return pairs


def judge(
    args: argparse.Namespace, result: ScanResult, known_ids: KnownIds | None
) -> tuple[ScanResult, Verdict]:
    """The result (licence findings added) and the verdict under the team's policy."""
    target = Path(args.target)
    policy_path = Path(args.policy) if args.policy else find_policy(_policy_root(target))
    policy = load_policy(policy_path) if policy_path else None
    baseline = load_baseline(Path(args.baseline), args.target) if args.baseline else None
    vex = [load_vex(Path(path), known_ids) for path in args.vex]
    return evaluate(result, policy, today=datetime.now(UTC).date(), baseline=baseline, vex=vex)


def report_and_exit_code(
    args: argparse.Namespace, result: ScanResult, known_ids: KnownIds | None = None
) -> int:
    pairs = report_pairs(args)
    result, verdict = judge(args, result, known_ids)
    for name, output in pairs:
        write_output(FORMATS[name](result, verdict), output)
    if result.partial:
        err(f"warning: the scan is partial ({len(result.warnings)} warning(s) in the report)")
    enforce_strict(args.strict, result.warnings)
    return 0 if verdict.passed else int(args.exit_code)


def _policy_root(target: Path) -> Path:
    """Where garrison.yaml is looked for: the target directory, or a file's directory, or
    the working directory for images and SBOMs given by reference."""
    if target.is_dir():
        return target
    if target.exists():
        return target.parent
    return Path(".")
