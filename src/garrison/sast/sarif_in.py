"""SARIF 2.1.0 files from any tool -> Findings (I/O module: reads the files).

`--sarif-in FILE` (repeatable) reads what other analyzers wrote (CodeQL, ESLint, gosec,
Semgrep, Bandit...). A file that is not JSON, not SARIF 2.1.0 or too big is a warning
naming it (and the line or JSON path of the problem); the other files and analyzers
still run. A file that does not exist is the user's error (`SastError`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from garrison.errors import SastError
from garrison.model import Gap, ScanWarning
from garrison.sast.base import Context, Outcome, SastResult
from garrison.sast.findings import ignored_note, to_findings
from garrison.sast.sarif_map import SarifRead, map_sarif
from garrison.sast.sources import SourceLines

NAME = "sarif"
MAX_BYTES = 200 * 1024 * 1024
_NOT_REPORTED = (
    ("suppressed", "suppressed"),
    ("absent", "absent from the baseline"),
    ("not a failure", "not failures (kind)"),
)


class _Refused(Exception):
    """A SARIF file that cannot be read at all: the message and the line, if any."""

    def __init__(self, message: str, line: int | None = None, gap: Gap = Gap.READER_FAILED) -> None:
        super().__init__(message)
        self.line = line
        self.gap = gap


def run(context: Context) -> Outcome:
    """Every --sarif-in file, paths relative to the scan target."""
    outcomes = [read_outcome(path, context.base) for path in context.options.sarif_files]
    return Outcome(
        hits=tuple(hit for outcome in outcomes for hit in outcome.hits),
        warnings=tuple(warning for outcome in outcomes for warning in outcome.warnings),
        notes=tuple(note for outcome in outcomes for note in outcome.notes),
    )


def read_sarif(path: Path, base: Path | None = None) -> SastResult:
    """The findings of one SARIF file; `base` is the directory its paths are relative to
    (None: paths are kept as the file writes them, and no source line is read)."""
    check_exists(path)
    outcome = read_outcome(path, base)
    findings, ignored = to_findings(outcome.hits, SourceLines(base))
    notes = outcome.notes + ignored_note(str(path), len(ignored))
    return SastResult(findings, outcome.warnings, notes, ignored)


def check_exists(path: Path) -> None:
    if not path.is_file():
        raise SastError(f"{path}: no such SARIF file")


def read_outcome(path: Path, base: Path | None, tool: str | None = None) -> Outcome:
    """One SARIF file as Hits; whatever is wrong with it becomes a warning naming it."""
    source = str(path)
    try:
        document = _load(path)
    except _Refused as refused:
        return Outcome(warnings=(ScanWarning(source, str(refused), refused.gap, refused.line),))
    return outcome_of(document, source, roots_of(base), tool)


def roots_of(base: Path | None) -> tuple[str, ...]:
    """The target's absolute paths, as given and with symlinks resolved."""
    if base is None:
        return ()
    return tuple(dict.fromkeys((os.path.abspath(base), os.path.realpath(base))))


def outcome_of(document: Any, source: str, roots: tuple[str, ...], tool: str | None) -> Outcome:
    """A parsed SARIF document as Hits, with its problems as warnings naming `source`."""
    read = map_sarif(document, roots, tool)
    warnings = [ScanWarning(source, problem) for problem in read.problems]
    warnings.extend(ScanWarning(source, error) for error in read.tool_errors)
    note = _note(source, read)
    return Outcome(read.hits, tuple(warnings), (note,) if note else ())


def _note(source: str, read: SarifRead) -> str | None:
    counts = read.counts
    parts = [f"{counts[key]} {label}" for key, label in _NOT_REPORTED if counts[key]]
    text = f"not reported: {', '.join(parts)}" if parts else ""
    outside = counts["outside the target"]
    if outside:
        kept = f"{outside} result{'s' if outside > 1 else ''} outside the target (URI kept)"
        text = f"{text}; {kept}" if text else kept
    return f"{source}: {text}" if text else None


def _load(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            megabytes, limit = size // (1024 * 1024), MAX_BYTES // (1024 * 1024)
            message = f"SARIF file of {megabytes} MiB is over the {limit} MiB limit; not read"
            raise _Refused(message, gap=Gap.SKIPPED)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _Refused(f"SARIF file not readable ({exc.strerror or exc})") from None
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise _Refused(f"not JSON (line {exc.lineno}: {exc.msg}); not read", exc.lineno) from None
    except UnicodeDecodeError:
        raise _Refused("not JSON (not UTF-8, UTF-16 or UTF-32 text); not read") from None
    except RecursionError:
        raise _Refused("JSON nested too deeply; not read") from None
    except ValueError as exc:  # a duplicate key
        raise _Refused(f"{exc}; not read") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result
