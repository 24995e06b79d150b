"""Benchmark: misconfiguration checks, garrison against `trivy config` and Checkov, one run.

    .venv/bin/python bench/iac_bench.py [--corpus ../shared/corpora/iac] [--peers .peers]
                                        [--repeat 3] [--skip-checkov] [--keep DIR]
                                        [--trivy-report trivy.json]

Times the three tools on the same corpus of real Kubernetes, Terraform, Dockerfile and
Compose files, then measures detection against Trivy: for every Trivy failure whose check
has a garrison equivalent (`equivalents.trivy` in garrison's check metadata), is there a
garrison finding of that check in the same file? Prints the rate, the misses by Trivy id,
the Trivy ids with no equivalent and garrison's extra findings by check (every group).

`--keep DIR` keeps the raw reports (garrison.json, trivy.json) for studying cases;
`--trivy-report FILE` reuses a kept Trivy report instead of running Trivy (no Trivy time
then), for re-measuring after a change to garrison's checks.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def trivy_failures(report: Path) -> list[tuple[str, str, int]]:
    """(file, check id, start line) of each failed Trivy check."""
    document = json.loads(report.read_text() or "{}")
    found = []
    for result in document.get("Results") or []:
        for item in result.get("Misconfigurations") or []:
            if item.get("Status") == "FAIL":
                line = (item.get("CauseMetadata") or {}).get("StartLine") or 0
                found.append((result["Target"], item.get("ID") or item.get("AVDID"), line))
    return found


def garrison_findings(report: Path) -> list[tuple[str, str]]:
    """(file, check id) of each garrison misconfiguration finding."""
    document = json.loads(report.read_text())
    return [
        (f["location"]["path"], f["id"])
        for f in document["findings"]
        if f["kind"] == "misconfiguration"
    ]


def equivalents(garrison: str) -> dict[str, list[str]]:
    """Trivy id -> garrison check ids, from `garrison checks list --format json`."""
    out = subprocess.run([garrison, "checks", "list", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    mapping: dict[str, list[str]] = {}
    for check in json.loads(out):
        trivy = (check.get("equivalents") or {}).get("trivy")
        for ident in [trivy] if isinstance(trivy, str) else trivy or []:
            mapping.setdefault(ident, []).append(check["id"])
    return mapping


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpora" / "iac"))
    parser.add_argument("--peers", default=str(REPO / ".peers"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--keep", help="directory to keep the raw reports in")
    parser.add_argument("--trivy-report", help="a kept Trivy JSON report to reuse")
    args = parser.parse_args()
    garrison = str(Path(sys.executable).with_name("garrison"))
    with tempfile.TemporaryDirectory(prefix="garrison-iac-bench-") as name:
        tmp = Path(name)
        ours = tmp / "garrison.json"
        theirs = Path(args.trivy_report) if args.trivy_report else tmp / "trivy.json"
        commands = tool_commands(args, garrison, ours, theirs, tmp)
        print(f"| tool | time (best of {args.repeat}) |\n|---|---|")
        for tool, command in commands.items():
            repeat = 1 if tool == "checkov" else args.repeat
            print(f"| {tool} | {timed(command, repeat):.2f} s |", flush=True)
        if args.keep:
            keep(Path(args.keep), (ours, theirs))
        compare(trivy_failures(theirs), garrison_findings(ours), equivalents(garrison))


def keep(folder: Path, reports: tuple[Path, ...]) -> None:
    """Copy the raw reports into `folder` (a reused report already there stays as is)."""
    folder.mkdir(parents=True, exist_ok=True)
    for report in reports:
        target = folder / report.name
        if not target.exists() or not target.samefile(report):
            shutil.copy(report, target)


def tool_commands(
    args: argparse.Namespace, garrison: str, ours: Path, theirs: Path, tmp: Path
) -> dict[str, list[str]]:
    """The command of each tool to time (Trivy's only when no report is reused)."""
    corpus, peers = str(args.corpus), Path(args.peers)
    commands = {"garrison": [garrison, "scan", corpus, "--scanners", "misconfig",
                             "--format", "json", "-o", str(ours)]}  # fmt: skip
    if not args.trivy_report:
        commands["trivy config"] = [str(peers / "bin" / "trivy"), "config",
                                    "--skip-check-update", "--quiet", "--format", "json",
                                    "-o", str(theirs), corpus]  # fmt: skip
    if not args.skip_checkov:
        commands["checkov"] = [str(peers / "bin" / "checkov"), "-d", corpus,
                               "--quiet", "--compact", "-o", "json",
                               "--output-file-path", str(tmp / "checkov")]  # fmt: skip
    return commands


def compare(
    trivy: list[tuple[str, str, int]], found: list[tuple[str, str]], mapping: dict[str, list[str]]
) -> None:
    ours = set(found)
    covered = [(f, i, line) for f, i, line in trivy if i in mapping]
    hits = [(f, i, line) for f, i, line in covered if any((f, g) in ours for g in mapping[i])]
    misses = Counter(i for f, i, line in covered if (f, i, line) not in hits)
    rate = 100 * len(hits) / len(covered) if covered else 0.0
    print(f"\nTrivy failures: {len(trivy)}; with a garrison equivalent: {len(covered)}; "
          f"also reported by garrison: {len(hits)} ({rate:.1f}%)")  # fmt: skip
    print("misses by Trivy id:", ", ".join(f"{i} {n}" for i, n in misses.most_common()))
    unmapped = Counter(i for _, i, _ in trivy if i not in mapping)
    print("Trivy ids without a garrison equivalent:",
          ", ".join(f"{i} {n}" for i, n in unmapped.most_common()))  # fmt: skip
    extras(trivy, found, mapping)


def extras(
    trivy: list[tuple[str, str, int]], found: list[tuple[str, str]], mapping: dict[str, list[str]]
) -> None:
    """garrison findings of a check with a Trivy equivalent that Trivy did not report in
    that file, by check (each group needs a verdict in docs/benchmarks.md)."""
    theirs = {(f, i) for f, i, _ in trivy}
    trivy_ids: dict[str, list[str]] = {}
    for trivy_id, ours in mapping.items():
        for check in ours:
            trivy_ids.setdefault(check, []).append(trivy_id)
    mapped = [(f, c) for f, c in found if c in trivy_ids]
    extra = Counter(c for f, c in mapped if not any((f, t) in theirs for t in trivy_ids[c]))
    print(f"garrison findings with a Trivy equivalent: {len(mapped)}; "
          f"not reported by Trivy in the same file: {sum(extra.values())}")  # fmt: skip
    print("extra findings by check:", ", ".join(f"{c} {n}" for c, n in extra.most_common()))


if __name__ == "__main__":
    main()
