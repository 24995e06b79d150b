"""`garrison scan --diff BASE`: only what the range BASE..HEAD brought in.

The target (the working tree, as a plain scan reads it) is scanned; BASE is checked out
into a temporary work tree and its copy of the target scanned with the same scanners and
options (one advisory source for both); `diff.py` keeps the findings BASE did not have and
`gitrev.py` says which commit introduced each. The result is HEAD's: its components, its
warnings (BASE's are not mixed in), its notes plus one saying how many findings are new.
Findings read from `--sarif-in` files describe HEAD only, so they all count as new.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from garrison.diff import candidates, new_findings, place_of
from garrison.errors import InputError
from garrison.gitrev import (
    WorkTree,
    checked_out,
    introducing_commits,
    open_work_tree,
    resolve_base,
)
from garrison.model import Commit, Finding, ScanResult
from garrison.scan import PhaseProgress, run_scan
from garrison.targets import TargetOptions
from garrison.vulndb.match import AdvisorySource

if TYPE_CHECKING:
    from garrison.sast import SastOptions
    from garrison.secrets.scanner import SecretOptions


def run_diff_scan(
    base: str,
    target: str | Path,
    advisories: AdvisorySource | None,
    notes: tuple[str, ...] = (),
    options: TargetOptions | None = None,
    scanners: Sequence[str] = ("vuln",),
    secret: SecretOptions | None = None,
    sast: SastOptions | None = None,
    progress: PhaseProgress | None = None,
) -> ScanResult:
    """`run_scan` of `target` keeping only the findings that BASE's tree does not have,
    each with the commit that introduced it when git can tell. `progress` hears the
    phases of both scans (BASE's named "base <phase>")."""
    options = options or TargetOptions()
    if options.rootfs:
        raise InputError("--diff compares source directories; it cannot be used with --rootfs")
    tree = open_work_tree(target)
    commit = resolve_base(tree, base)
    head = run_scan(target, advisories, notes, options, scanners, secret, sast, progress)
    started = time.perf_counter()
    at_base = _AtBase(progress) if progress is not None else None
    before = _base_findings(tree, commit, advisories, options, scanners, secret, sast, at_base)
    scanned = time.perf_counter()
    found = head.findings
    commits = _introducers(tree, commit, found, candidates(before, found))
    new = new_findings(before, found, changed=commits.keys())
    kept = tuple(replace(found[i], introduced=commits.get(i) or found[i].introduced) for i in new)
    counted = _count_note(base, commit, len(new), len(found) - len(new))
    return replace(
        head,
        findings=kept,
        notes=(*head.notes, *_sarif_note(sast), counted),
        timings=(
            *head.timings,
            ("diff-base", scanned - started),
            ("diff-blame", time.perf_counter() - scanned),
        ),
    )


def _base_findings(
    tree: WorkTree,
    commit: str,
    advisories: AdvisorySource | None,
    options: TargetOptions,
    scanners: Sequence[str],
    secret: SecretOptions | None,
    sast: SastOptions | None,
    progress: PhaseProgress | None,
) -> tuple[Finding, ...]:
    """The findings of the target's directory at `commit` (none when it has no such
    directory). Its notes and warnings are dropped: the report is about HEAD."""
    with checked_out(tree, commit) as directory:
        if directory is None:
            return ()
        own = replace(options, notes=[])
        if sast is not None and sast.sarif_files:
            sast = replace(sast, sarif_files=())
        result = run_scan(directory, advisories, (), own, scanners, secret, sast, progress)
        return result.findings


class _AtBase:
    """Progress of the BASE scan: its phases are named "base <phase>"."""

    def __init__(self, progress: PhaseProgress) -> None:
        self.progress = progress

    def started(self, phase: str) -> None:
        self.progress.started(f"base {phase}")

    def finished(self, phase: str, detail: str, seconds: float) -> None:
        self.progress.finished(f"base {phase}", detail, seconds)


def _introducers(
    tree: WorkTree, commit: str, findings: Sequence[Finding], indexes: Sequence[int]
) -> dict[int, Commit]:
    """The introducing commit of each finding named by `indexes`, when git can tell."""
    places = {index: place_of(findings[index]) for index in indexes}
    known = introducing_commits(tree, commit, {p for p in places.values() if p is not None})
    return {i: known[p] for i, p in places.items() if p is not None and p in known}


def _count_note(base: str, commit: str, new: int, old: int) -> str:
    return f"diff: {new} new finding(s) since {base} ({commit}); {old} already there"


def _sarif_note(sast: SastOptions | None) -> tuple[str, ...]:
    if sast is None or not sast.sarif_files:
        return ()
    count = len(sast.sarif_files)
    return (f"diff: {count} --sarif-in file(s) describe HEAD only; their findings count as new",)
