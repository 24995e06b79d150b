"""The SAST scanner's own types: options, result, and the `Hit` every analyzer emits.

An analyzer (Bandit, Semgrep, SARIF files) reports `Hit`s; `findings.py` turns them into
`Finding`s in one place (inline ignores, fingerprints), so every tool is treated alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from garrison.fs import WalkedTree
from garrison.model import Finding, Location, ScanWarning, Severity


@dataclass(frozen=True, slots=True)
class SastOptions:
    """What to run. Semgrep runs only with local rule paths; SARIF files are read as given."""

    excludes: tuple[str, ...] = ()
    semgrep_rules: tuple[Path, ...] = ()  # local rule files/dirs; Semgrep runs only when non-empty
    sarif_files: tuple[Path, ...] = ()  # --sarif-in FILE (repeatable)
    semgrep_binary: str | None = None  # else $GARRISON_SEMGREP or `semgrep` on PATH
    bandit: bool = True


@dataclass(frozen=True, slots=True)
class SastResult:
    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "semgrep: not installed; 2 rule paths not run"
    ignored: tuple[Finding, ...] = ()  # named by a garrison:ignore comment, marked inline_ignore


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of one tool, before inline ignores and fingerprints.

    `snippet` is the tool's copy of the first offending line and `identity` a tool's own
    line-shift-stable key (SARIF partialFingerprints); both only feed the fingerprint and
    are never kept in a Finding.
    """

    tool: str
    rule_id: str
    summary: str
    severity: Severity
    confidence: str | None
    location: Location | None
    references: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    snippet: str | None = field(default=None, repr=False)
    identity: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one analyzer produced."""

    hits: tuple[Hit, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """One SAST run: the target, its base directory for relative paths, the options, and
    the shared walk of the target (None when the target is a single file)."""

    target: Path
    base: Path
    options: SastOptions
    tree: WalkedTree | None
