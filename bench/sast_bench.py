"""Benchmark: SAST, garrison's Bandit-as-a-library pipeline against the Bandit CLI (and
Semgrep with local rules, when installed), one run.

    .venv/bin/python bench/sast_bench.py [--corpus DIR ...] [--peers .peers] [--repeat 3]
                                         [--semgrep-rules tests/data/sast/semgrep/rules.yaml]

The corpus defaults to real Python packages installed in the project's virtualenv (rich,
pydantic, httpx, yaml, packaging, cvss...), each scanned as its own target. For each
target: the best wall time of `run_sast` (Bandit in-process, findings built, garrison:ignore
and fingerprints applied) and of `bandit -r -f json` (the peer CLI, a separate process
including its start-up), and the agreement of their issues as (test id, file, line) sets.
Both run Bandit, so any difference is garrison's file selection (virtualenvs, caches,
top-level build/dist skipped; symlinks outside the target not followed) or an inline ignore.
With `--semgrep-rules`, also the time of garrison's Semgrep run (one process per scan).

Numbers from a loaded machine are provisional: run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if not (REPO / "src" / "garrison").is_dir():  # run from elsewhere: the current checkout
    REPO = Path.cwd()
sys.path.insert(0, str(REPO / "src"))

from garrison.sast import SastOptions, run_sast  # noqa: E402

DEFAULT_PACKAGES = ("rich", "pydantic", "httpx", "yaml", "packaging", "cvss", "jsonschema")


def default_corpus() -> list[Path]:
    site = Path(sysconfig.get_paths()["purelib"])
    return [site / name for name in DEFAULT_PACKAGES if (site / name).is_dir()]


def best_of(repeat: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = action()
        best = min(best, time.perf_counter() - start)
    return best, value


def garrison_issues(target: Path, options: SastOptions) -> set[tuple[str, str, int]]:
    result = run_sast(target, options)
    return {
        (f.id, f.location.path, f.location.line or 0)
        for f in result.findings
        if f.tool == "bandit" and f.location
    }


def bandit_cli_issues(bandit: Path, target: Path) -> set[tuple[str, str, int]]:
    done = subprocess.run(
        [str(bandit), "-r", "-q", "-f", "json", "."], cwd=target, capture_output=True, check=False
    )
    document = json.loads(done.stdout or b"{}")
    return {
        (r["test_id"], os.path.relpath(r["filename"], "."), r["line_number"])
        for r in document.get("results", [])
    }


def python_files(target: Path) -> int:
    return sum(1 for _ in target.rglob("*.py"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="*", default=None)
    parser.add_argument("--peers", type=Path, default=REPO / ".peers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--semgrep-rules", type=Path, default=None)
    args = parser.parse_args()
    corpus = args.corpus or default_corpus()
    bandit = args.peers / "bin" / "bandit"
    semgrep = args.peers / "semgrep" / "bin" / "semgrep"
    print(f"{'target':<14}{'files':>6}{'garrison s':>12}{'bandit CLI s':>14}"
          f"{'issues':>8}{'same':>6}{'only g':>8}{'only b':>8}")  # fmt: skip
    totals = [0.0, 0.0]
    for target in corpus:
        g_time, ours = best_of(args.repeat, lambda t=target: garrison_issues(t, SastOptions()))
        b_time, theirs = best_of(args.repeat, lambda t=target: bandit_cli_issues(bandit, t))
        totals[0] += g_time
        totals[1] += b_time
        print(f"{target.name:<14}{python_files(target):>6}{g_time:>12.2f}{b_time:>14.2f}"
              f"{len(theirs):>8}{len(ours & theirs):>6}{len(ours - theirs):>8}"
              f"{len(theirs - ours):>8}")  # fmt: skip
        for issue in sorted(ours ^ theirs)[:5]:
            side = "garrison only" if issue in ours else "bandit only"
            print(f"    {side}: {issue}")
    print(f"{'total':<14}{'':>6}{totals[0]:>12.2f}{totals[1]:>14.2f}")
    if args.semgrep_rules and semgrep.exists():
        options = SastOptions(semgrep_rules=(args.semgrep_rules,), semgrep_binary=str(semgrep),
                              bandit=False)  # fmt: skip
        for target in corpus:
            s_time, result = best_of(1, lambda t=target: run_sast(t, options))
            print(f"semgrep {target.name:<14}{s_time:>8.2f} s  {len(result.findings)} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
