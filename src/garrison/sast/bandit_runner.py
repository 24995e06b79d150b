"""Bandit as a library (I/O module): the target's Python files through Bandit's manager.

The files come from garrison's one walk (excludes, symlink rules), minus virtualenvs,
caches and top-level build output. Bandit's `# nosec` works as in Bandit. A file Bandit
cannot parse or crashes on becomes a warning naming it (with the syntax error's line);
the rest are scanned. Bandit's log records never reach stderr: what matters of them comes
back as warnings.
"""

from __future__ import annotations

import ast
import logging
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from garrison.model import Gap, Location, ScanWarning
from garrison.sast.base import Context, Hit, Outcome
from garrison.sast.severity import bandit_rating

NAME = "bandit"
SUFFIXES = (".py", ".pyw")
SKIPPED_DIRS = frozenset(
    {".venv", "venv", "site-packages", "node_modules", "__pycache__", ".tox", ".nox", ".eggs",
     ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)  # fmt: skip
SKIPPED_TOP = frozenset({"build", "dist"})  # setuptools' output, directly under the target
MAX_BYTES = 8 * 1024 * 1024
CWE_URL = "https://cwe.mitre.org/data/definitions/{}.html"
_LOGGERS = ("bandit", "stevedore")

PythonFile = tuple[str, str]  # (relative POSIX path, absolute path to open)


def run(context: Context) -> Outcome:
    """Bandit's issues in the target's Python files."""
    if not context.options.bandit:
        return Outcome()
    files, warnings = python_files(context)
    if not files:
        return Outcome(warnings=tuple(warnings))
    with _quiet_logs():
        try:
            issues, skipped, docs_url = _run_bandit([path for _, path in files])
        except ImportError:
            return Outcome(notes=("bandit: not installed; Python files not analysed",))
        except Exception as exc:  # Bandit's own failure: the other analyzers still run
            failure = ScanWarning(NAME, f"bandit failed ({type(exc).__name__}: {exc})")
            return Outcome(warnings=(*warnings, failure))
    rel_of: dict[str, str] = {}
    for rel, path in files:
        rel_of.setdefault(path, rel)
    hits = tuple(_hit(issue, rel_of.get(issue.fname, issue.fname), docs_url) for issue in issues)
    warnings.extend(_skipped(name, reason, rel_of) for name, reason in skipped)
    return Outcome(hits=hits, warnings=tuple(warnings))


def python_files(context: Context) -> tuple[list[PythonFile], list[ScanWarning]]:
    """The Python files Bandit should read, and warnings for those too big to read."""
    if context.tree is None:
        target = context.target
        return ([(target.name, os.path.abspath(target))] if _is_python(target.name) else []), []
    files: list[PythonFile] = []
    warnings: list[ScanWarning] = []
    for entry in context.tree.entries:
        parts = entry.rel.parts
        if not _is_python(entry.rel.name) or _skipped_dir(parts):
            continue
        try:
            too_big = entry.size > MAX_BYTES
        except OSError as exc:
            message = f"not readable ({exc.strerror or exc}); not analysed by bandit"
            warnings.append(ScanWarning(entry.rel.as_posix(), message, Gap.SKIPPED))
            continue
        if too_big:
            message = f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not analysed by bandit"
            warnings.append(ScanWarning(entry.rel.as_posix(), message, Gap.SKIPPED))
            continue
        files.append((entry.rel.as_posix(), os.path.abspath(entry.path)))
    return files, warnings


def _is_python(name: str) -> bool:
    return name.endswith(SUFFIXES)


def _skipped_dir(parts: Sequence[str]) -> bool:
    directories = parts[:-1]
    if directories and directories[0] in SKIPPED_TOP:
        return True
    return any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in directories)


def _run_bandit(paths: list[str]) -> tuple[list[Any], list[tuple[str, str]], Any]:
    """Bandit's issues and skipped files; imported here so a scan without SAST never loads it."""
    from bandit.core import config, docs_utils, manager  # type: ignore[import-untyped]

    bandit = manager.BanditManager(config.BanditConfig(), "file", quiet=True)
    bandit.discover_files(paths, recursive=False)
    bandit.run_tests()
    return bandit.get_issue_list(), bandit.get_skipped(), docs_utils.get_url


def _hit(issue: Any, rel: str, docs_url: Any) -> Hit:
    severity, confidence = bandit_rating(str(issue.severity), str(issue.confidence))
    lines = [line for line in issue.linerange or () if isinstance(line, int)]
    end_line = max([issue.lineno, *lines])
    column = issue.col_offset + 1 if isinstance(issue.col_offset, int) else None
    cwe = issue.cwe.id if issue.cwe is not None else 0
    references = tuple(url for url in (docs_url(issue.test_id), _cwe_url(cwe)) if url)
    return Hit(
        tool=NAME,
        rule_id=issue.test_id,
        summary=issue.text,  # findings.safe_summary cuts the password B105-B107 quote
        severity=severity,
        confidence=confidence,
        location=Location(rel, issue.lineno, end_line, column if column and column > 0 else None),
        references=references,
        aliases=(f"CWE-{cwe}",) if cwe else (),
    )


def _cwe_url(cwe: int) -> str | None:
    return CWE_URL.format(cwe) if cwe else None


def _skipped(name: str, reason: str, rel_of: dict[str, str]) -> ScanWarning:
    rel = rel_of.get(name, name)
    if "syntax error" in reason:
        line = _syntax_error_line(name)
        where = f" at line {line}" if line else ""
        return ScanWarning(rel, f"bandit: syntax error{where}; file not analysed", line=line)
    return ScanWarning(rel, f"bandit: {reason}; file not analysed")


def _syntax_error_line(path: str) -> int | None:
    """The line of a file's syntax error, as Python reports it (Bandit does not say)."""
    try:
        ast.parse(Path(path).read_bytes())
    except SyntaxError as exc:
        return exc.lineno
    except (OSError, ValueError):
        return None
    return None


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Bandit's and stevedore's log records and deprecation warnings go nowhere while Bandit
    runs (and its progress bar, shown at INFO, never starts); loggers are restored after."""
    saved = []
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate, logger.handlers[:]))
        logger.handlers = [logging.NullHandler()]
        logger.propagate = False
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        for logger, level, propagate, handlers in saved:
            logger.handlers = handlers
            logger.propagate = propagate
            logger.setLevel(level)
