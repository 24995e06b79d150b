"""The secret scanner over files (I/O module): walk a tree (or take one file), leave out
what `.gitignore`, excludes and the skip rules leave out, read each file (bounded), decode
it, find secrets and build findings. Big trees are spread over processes.

Nothing here puts file content into a warning or an error: warnings name the file, the
line and the reason only.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from garrison.errors import SecretsError
from garrison.fs import Entry, WalkedTree
from garrison.model import Finding, Gap, ScanWarning
from garrison.secrets.detect import find_all_secrets
from garrison.secrets.files import (
    DEFAULT_MAX_BYTES,
    Decoded,
    Skip,
    SkipReason,
    decode,
    skip_by_name,
    skip_by_size,
)
from garrison.secrets.findings import to_finding
from garrison.secrets.fingerprint import DEFAULT_SALT
from garrison.secrets.gitignore import IgnoreRules, IgnoringWalk, without_ignored
from garrison.workers import chunked, in_processes, worth_processes

CHUNK_MIN_BYTES = 256 * 1024
CHUNK_MAX_BYTES = 16 * 1024 * 1024
CHUNKS_PER_JOB = 8  # small enough chunks that a slow one does not leave a core idle


@dataclass(frozen=True, slots=True)
class SecretOptions:
    """How to scan: `excludes` are `--exclude` globs; `jobs` None means one per core."""

    excludes: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    respect_gitignore: bool = True
    salt: str = DEFAULT_SALT
    jobs: int | None = None


DEFAULT_OPTIONS = SecretOptions()


@dataclass(frozen=True, slots=True)
class SecretScanResult:
    """Findings sorted by (path, line, column, id); `skipped` counts files (and ignored
    directories) left out by rule: binary, minified, too-large, gitignored."""

    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...]
    files_scanned: int
    bytes_scanned: int
    skipped: dict[str, int] = field(default_factory=dict)
    ignored: tuple[Finding, ...] = ()  # named by a garrison:ignore mark, marked inline_ignore


@dataclass
class Tally:
    """What a part of a scan produced (also what a worker process sends back)."""

    findings: list[Finding] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)  # named by a garrison:ignore mark
    warnings: list[ScanWarning] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, rel: str, skip: Skip) -> None:
        self.skipped[skip.reason] += 1
        if skip.warning:
            self.warnings.append(ScanWarning(rel, skip.warning, Gap.SKIPPED))

    def add(self, other: Tally) -> None:
        self.findings += other.findings
        self.ignored += other.ignored
        self.warnings += other.warnings
        self.files += other.files
        self.bytes += other.bytes
        self.skipped.update(other.skipped)


def scan_secrets(
    target: Path, options: SecretOptions = DEFAULT_OPTIONS, tree: WalkedTree | None = None
) -> SecretScanResult:
    """Secrets in the files under a directory (walked here, or the scan's shared `tree`,
    made with the same excludes), or in one file."""
    tally = Tally()
    if target.is_dir():
        entries = _walk(target, options, tally) if tree is None else _shared(tree, options, tally)
    elif target.is_file():
        entries = [Entry(PurePosixPath(target.name), str(target))]
    else:
        raise SecretsError(f"{target}: no such file or directory")
    todo = _selected(entries, options.max_bytes, tally)
    for part in _run(todo, options):
        tally.add(part)
    return SecretScanResult(
        findings=tuple(sorted(tally.findings, key=finding_order)),
        warnings=tuple(sorted(tally.warnings, key=lambda w: (w.source, w.line or 0))),
        files_scanned=tally.files,
        bytes_scanned=tally.bytes,
        skipped={str(reason): count for reason, count in sorted(tally.skipped.items())},
        ignored=tuple(sorted(tally.ignored, key=finding_order)),
    )


def finding_order(finding: Finding) -> tuple[str, int, int, str]:
    location = finding.location
    if location is None:
        return ("", 0, 0, finding.id)
    return (location.path, location.line or 0, location.column or 0, finding.id)


def _walk(root: Path, options: SecretOptions, tally: Tally) -> list[Entry]:
    rules = IgnoreRules(root) if options.respect_gitignore else None
    walk = IgnoringWalk(root, options.excludes, rules=rules)
    entries = list(walk.files())
    tally.warnings += walk.warnings
    if rules is not None:
        tally.warnings += rules.warnings
        if walk.ignored:
            tally.skipped[SkipReason.GITIGNORED] += walk.ignored
    return entries


def _shared(tree: WalkedTree, options: SecretOptions, tally: Tally) -> list[Entry]:
    tally.warnings += tree.walk.warnings
    if not options.respect_gitignore:
        return list(tree.entries)
    entries, ignored, rules = without_ignored(tree.walk.root, tree.entries)
    tally.warnings += rules.warnings
    if ignored:
        tally.skipped[SkipReason.GITIGNORED] += ignored
    return entries


def _selected(entries: list[Entry], max_bytes: int, tally: Tally) -> list[tuple[str, str, int]]:
    """(rel, path, size) of the files to read: not skipped by name or size."""
    todo = []
    for entry in entries:
        rel = entry.rel.as_posix()
        skip = skip_by_name(rel)
        if skip is None:
            try:
                size = entry.size
            except OSError as exc:
                message = f"not readable ({exc.strerror or exc}); skipped"
                tally.warnings.append(ScanWarning(rel, message, Gap.SKIPPED))
                continue
            skip = skip_by_size(size, max_bytes)
        if skip is not None:
            tally.skip(rel, skip)
            continue
        todo.append((rel, entry.path, size))
    return todo


def _run(todo: list[tuple[str, str, int]], options: SecretOptions) -> list[Tally]:
    """Scan the files here, or over processes when there is enough to pay for them."""
    jobs = options.jobs or os.cpu_count() or 1
    total = sum(size for _, _, size in todo)
    if not worth_processes(jobs, total, len(todo)):
        return [scan_files(todo, options.max_bytes, options.salt)]
    chunk_bytes = min(CHUNK_MAX_BYTES, total // (jobs * CHUNKS_PER_JOB))
    chunks = chunked(todo, max(CHUNK_MIN_BYTES, chunk_bytes))
    return in_processes(scan_files, chunks, jobs, options.max_bytes, options.salt)


def scan_files(todo: Sequence[tuple[str, str, int]], max_bytes: int, salt: str) -> Tally:
    """Read, decode and scan each (rel, path, size) file (runs in a worker process)."""
    tally = Tally()
    for rel, path, _ in todo:
        try:
            data = read_bounded(path, max_bytes)
        except OSError as exc:
            message = f"not readable ({exc.strerror or exc}); skipped"
            tally.warnings.append(ScanWarning(rel, message, Gap.SKIPPED))
            continue
        scan_bytes(data, rel, max_bytes, salt, tally)
    return tally


def read_bounded(path: str, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes of a file (one more tells that it grew past the limit)."""
    with open(path, "rb") as handle:
        return handle.read(max_bytes + 1)


def scan_bytes(data: bytes, rel: str, max_bytes: int, salt: str, tally: Tally) -> None:
    """Decode one file's bytes and add its findings (or why it was skipped) to `tally`."""
    skip = skip_by_size(len(data), max_bytes)
    decoded = skip or decode(data, rel)
    if isinstance(decoded, Skip):
        tally.skip(rel, decoded)
        return
    tally.files += 1
    tally.bytes += len(data)
    if decoded.invalid_line is not None:
        tally.warnings.append(invalid_text_warning(rel, decoded))
    try:
        hits = find_all_secrets(decoded.text, rel)
    except Exception as exc:  # a detector's bug: that file's warning, never a crash
        message = f"secret detection failed ({type(exc).__name__}); file not scanned"
        tally.warnings.append(ScanWarning(rel, message, Gap.READER_FAILED))
        return
    tally.findings += [to_finding(hit, rel, salt) for hit in hits if not hit.ignored]
    tally.ignored += [to_finding(hit, rel, salt) for hit in hits if hit.ignored]


def invalid_text_warning(rel: str, decoded: Decoded) -> ScanWarning:
    message = (
        f"not valid {decoded.encoding}: invalid bytes replaced (first on this line), "
        "the rest scanned"
    )
    return ScanWarning(rel, message, Gap.READER_FAILED, decoded.invalid_line)
