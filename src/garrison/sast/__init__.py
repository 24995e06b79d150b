"""Static analysis through one pipeline: Bandit (as a library), Semgrep (when installed and
given local rules) and SARIF files from any tool all become `Hit`s, and `findings.py` turns
every Hit into a Finding the same way (inline ignores, fingerprints).

Analyzers are listed explicitly in `ANALYZERS`; each is a module with `NAME` and
`run(Context) -> Outcome`.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from garrison.errors import SastError
from garrison.fs import WalkedTree
from garrison.sast import bandit_runner, sarif_in, semgrep_runner
from garrison.sast.base import Context, SastOptions, SastResult
from garrison.sast.findings import ignored_note, to_findings
from garrison.sast.sarif_in import read_sarif
from garrison.sast.sources import SourceLines

ANALYZERS: tuple[ModuleType, ...] = (bandit_runner, semgrep_runner, sarif_in)

__all__ = ["ANALYZERS", "SastOptions", "SastResult", "read_sarif", "run_sast"]


def run_sast(target: Path, options: SastOptions, tree: WalkedTree | None = None) -> SastResult:
    """Every analyzer over a directory or one file. `tree` is the scan's shared walk of the
    directory (walked here when not given). Missing inputs named by the user -> SastError."""
    target = Path(target)
    check_inputs(target, options)
    walked_here = target.is_dir() and tree is None and options.bandit  # only Bandit walks
    if walked_here:
        tree = WalkedTree.of(target, options.excludes)
    base = target if target.is_dir() else target.parent
    context = Context(target, base, options, tree if target.is_dir() else None)
    outcomes = [analyzer.run(context) for analyzer in ANALYZERS]
    findings, ignored = to_findings((h for o in outcomes for h in o.hits), SourceLines(base))
    warnings = [w for outcome in outcomes for w in outcome.warnings]
    if walked_here and tree is not None:
        warnings[:0] = tree.walk.warnings
    notes = tuple(note for outcome in outcomes for note in outcome.notes)
    return SastResult(
        findings, tuple(warnings), notes + ignored_note("sast", len(ignored)), ignored
    )


def check_inputs(target: Path, options: SastOptions) -> None:
    """The user's error, said in one line: a target, rule path or SARIF file that is not there."""
    if not target.exists():
        raise SastError(f"{target}: no such file or directory")
    for rule in options.semgrep_rules:
        if not rule.exists():
            raise SastError(f"{rule}: no such Semgrep rule file or directory")
    for path in options.sarif_files:
        sarif_in.check_exists(path)
