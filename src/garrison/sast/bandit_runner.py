"""Bandit as a library (I/O module): the target's Python files through Bandit's manager.

The files come from garrison's one walk (excludes, symlink rules), minus virtualenvs,
caches and top-level build output. Bandit's `# nosec` works as in Bandit. A file Bandit
cannot parse or crashes on becomes a warning naming it (with the syntax error's line);
the rest are scanned. Bandit's log records never reach stderr: what matters of them comes
back as warnings.

Many files (or many bytes) are spread over forked worker processes in consecutive chunks
of Bandit's own order (by path), so the hits and warnings are those of one process, in
the same order. A worker that dies costs only the file it died on: that file's warning.
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
from garrison.workers import Failed, chunked, in_processes_isolating, worth_processes

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
PARALLEL_MIN_BYTES = 256 * 1024  # about half a second of Bandit on one core
PARALLEL_MIN_FILES = 200
CHUNKS_PER_JOB = 8  # small enough chunks that a slow one does not leave a core idle

PythonFile = tuple[str, str, int]  # (relative POSIX path, absolute path to open, size)


def run(context: Context) -> Outcome:
    """Bandit's issues in the target's Python files."""
    if not context.options.bandit:
        return Outcome()
    files, warnings = python_files(context)
    if not files:
        return Outcome(warnings=tuple(warnings))
    if not _bandit_loaded():
        return Outcome(
            warnings=tuple(warnings), notes=(f"{NAME}: not installed; Python files not analysed",)
        )
    outcome = analysed(files, os.cpu_count() or 1)
    return Outcome(hits=outcome.hits, warnings=(*warnings, *outcome.warnings))


def analysed(files: Sequence[PythonFile], jobs: int) -> Outcome:
    """Bandit over the files, here or over up to `jobs` processes when there is enough to
    pay for them: the same hits and warnings, in the same order, either way."""
    todo = _in_bandit_order(files)
    total = sum(size for _, _, size in todo)
    if not worth_processes(jobs, total, len(todo), PARALLEL_MIN_BYTES, PARALLEL_MIN_FILES):
        return analyse(todo)
    chunks = chunked(todo, max(1, total // (jobs * CHUNKS_PER_JOB)))
    if len(chunks) < 2:
        return analyse(todo)
    parts = in_processes_isolating(analyse, chunks, jobs)
    return _joined([_worker_failed(part) if isinstance(part, Failed) else part for part in parts])


def analyse(files: Sequence[PythonFile]) -> Outcome:
    """Bandit over files (in a worker process too), its logs silenced. When Bandit fails as
    a whole, each file again alone, so a failure is the warning of the file it comes from."""
    with _quiet_logs():
        return _analyse(files)


def python_files(context: Context) -> tuple[list[PythonFile], list[ScanWarning]]:
    """The Python files Bandit should read, and warnings for those too big to read."""
    if context.tree is None:
        target = context.target
        one = (target.name, os.path.abspath(target), 0)  # its size: one file is never spread
        return ([one] if _is_python(target.name) else []), []
    files: list[PythonFile] = []
    warnings: list[ScanWarning] = []
    for entry in context.tree.entries:
        parts = entry.rel.parts
        if not _is_python(entry.rel.name) or _skipped_dir(parts):
            continue
        try:
            size = entry.size
        except OSError as exc:
            message = f"not readable ({exc.strerror or exc}); not analysed by bandit"
            warnings.append(ScanWarning(entry.rel.as_posix(), message, Gap.SKIPPED))
            continue
        if size > MAX_BYTES:
            message = f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not analysed by bandit"
            warnings.append(ScanWarning(entry.rel.as_posix(), message, Gap.SKIPPED))
            continue
        files.append((entry.rel.as_posix(), os.path.abspath(entry.path), size))
    return files, warnings


def _is_python(name: str) -> bool:
    return name.endswith(SUFFIXES)


def _skipped_dir(parts: Sequence[str]) -> bool:
    directories = parts[:-1]
    if directories and directories[0] in SKIPPED_TOP:
        return True
    return any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in directories)


def _in_bandit_order(files: Sequence[PythonFile]) -> list[PythonFile]:
    """The files once each (the first name of a path), sorted by path as Bandit runs them."""
    first: dict[str, PythonFile] = {}
    for item in files:
        first.setdefault(item[1], item)
    return sorted(first.values(), key=lambda item: item[1])


def _analyse(files: Sequence[PythonFile]) -> Outcome:
    try:
        return _bandit_outcome(files)
    except Exception as exc:  # Bandit's own failure: the file's warning, the others scanned
        if len(files) == 1:
            message = f"bandit failed ({type(exc).__name__}); file not analysed"
            return Outcome(warnings=(ScanWarning(files[0][0], message),))
        return _joined([_analyse([item]) for item in files])


def _bandit_outcome(files: Sequence[PythonFile]) -> Outcome:
    issues, skipped, docs_url = _run_bandit([path for _, path, _ in files])
    rel_of = {path: rel for rel, path, _ in files}
    hits = tuple(_hit(issue, rel_of.get(issue.fname, issue.fname), docs_url) for issue in issues)
    return Outcome(hits, tuple(_skipped(name, reason, rel_of) for name, reason in skipped))


def _joined(parts: Sequence[Outcome]) -> Outcome:
    hits = tuple(hit for part in parts for hit in part.hits)
    return Outcome(hits, tuple(warning for part in parts for warning in part.warnings))


def _worker_failed(failed: Failed) -> Outcome:
    """A file whose worker process died (or failed) under it: its warning."""
    message = f"bandit: worker process failed ({type(failed.error).__name__}); file not analysed"
    return Outcome(warnings=tuple(ScanWarning(rel, message) for rel, _, _ in failed.chunk))


def _bandit_loaded() -> bool:
    """Import Bandit (its plugins load once, before any worker forks); False when absent."""
    with _quiet_logs():
        try:
            from bandit.core import manager  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            return False
    return True


def _run_bandit(paths: list[str]) -> tuple[list[Any], list[tuple[str, str]], Any]:
    """Bandit's issues and skipped files; imported here so a scan without SAST never loads it."""
    from bandit.core import config, docs_utils, manager

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
