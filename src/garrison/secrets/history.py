"""Secrets in a git history (I/O through the git CLI).

One `git log --raw` over the chosen commits (oldest first, parents before children) says
which blob sits at which path from which commit on; each distinct blob is then read once,
through `git cat-file --batch` processes, and scanned with the same decode and skip rules
as files. A secret (fingerprint + path) is reported once, with the oldest commit that has
it at that path, and whether the HEAD tree still holds it (at any path). A merge counts
what it changes against its first parent, so content brought in or written by a merge
resolution is found too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from garrison.errors import HistoryError
from garrison.gitcli import Git, batch_sizes, log_entries
from garrison.model import Commit, Finding, Gap, ScanWarning
from garrison.secrets.files import excluded, skip_by_name, skip_by_size
from garrison.secrets.scanner import (
    DEFAULT_OPTIONS,
    SecretOptions,
    Tally,
    finding_order,
    scan_bytes,
)
from garrison.workers import chunked, in_processes, worth_processes

LOG_FORMAT = "--format=%x01%H%x1f%aI%x1f%an <%ae>"
LOG_OPTIONS = (
    "log", "--reverse", "--date-order", "--root", "--raw", "-z", "--no-renames", "--no-abbrev",
    "--diff-merges=first-parent", "--no-color", LOG_FORMAT,
)  # fmt: skip
VERIFY = ("rev-parse", "--verify", "--quiet", "--end-of-options")
CHUNK_BYTES = 4 * 1024 * 1024  # blobs per cat-file process in a worker


@dataclass(frozen=True, slots=True)
class HistoryFinding:
    """A secret at one path of the history. `finding` carries the same commit facts
    (`introduced`, `present_at_head`); `head_path` is where HEAD still holds it; with
    `at_or_before`, the commit is a shallow clone's boundary: the secret may be older."""

    finding: Finding
    commit: str
    author: str  # "Name <email>"
    date: str  # ISO 8601 author date
    present_at_head: bool
    head_path: str | None = None
    at_or_before: bool = False


@dataclass(frozen=True, slots=True)
class HistoryResult:
    """Findings ordered by introducing commit (oldest first), path, line, column."""

    findings: tuple[HistoryFinding, ...]
    warnings: tuple[ScanWarning, ...]
    commits_scanned: int
    blobs_scanned: int
    bytes_scanned: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class Seen:
    """What the log said: the commits in order, for each blob the index of the first
    commit that has it at each path, and the blobs a scanned commit changed but that no
    scanned commit brought (a range's or a date limit's starting point): a secret already
    there, at that path, was not introduced by the commits scanned."""

    commits: list[Commit] = field(default_factory=list)
    first: dict[str, dict[str, int]] = field(default_factory=dict)
    before: dict[str, set[str]] = field(default_factory=dict)


def scan_history(
    repo: Path,
    refs: Sequence[str] = (),
    since: str | None = None,
    rev_range: str | None = None,
    options: SecretOptions = DEFAULT_OPTIONS,
) -> HistoryResult:
    """Secrets in the commits reachable from `refs` (default: every ref), or in
    `rev_range` ("A..B"), optionally only those since a date."""
    git = Git.open(repo)
    warnings: list[ScanWarning] = []
    boundary = shallow_boundary(git, warnings)
    since_args = [f"--since={since}"] if since else []
    seen = read_log(git, [*since_args, *revisions(git, refs, rev_range)], options, warnings)
    head, tally = git.head_blobs(), Tally()
    todo = select_blobs(git, seen, head, seen.first, options, tally)
    found = scan_blobs(repo, todo, options, tally)
    if found:  # only then do the starting points and the HEAD tree matter
        rest = [blob for blob in dict.fromkeys((*seen.before, *head)) if blob not in seen.first]
        todo = select_blobs(git, seen, head, rest, options, tally)
        found.update(scan_blobs(repo, todo, options, tally))
    findings = assemble(seen, head, found, boundary)
    return HistoryResult(
        findings=tuple(findings),
        warnings=(*warnings, *tally.warnings),
        commits_scanned=len(seen.commits),
        blobs_scanned=tally.files,
        bytes_scanned=tally.bytes,
        skipped={str(reason): count for reason, count in sorted(tally.skipped.items())},
    )


def revisions(git: Git, refs: Sequence[str], rev_range: str | None) -> list[str]:
    """The revision arguments of the log, each checked to name a commit."""
    if rev_range is not None and refs:
        raise HistoryError("give refs or a range, not both")
    if rev_range is not None:
        sides = rev_range.split("...", 1) if "..." in rev_range else rev_range.split("..", 1)
        if len(sides) != 2:
            raise HistoryError(f"range {rev_range!r} is not of the form A..B")
        names = [side for side in sides if side]
    elif refs:
        names = [ref.removeprefix("^") for ref in refs]
    else:
        return ["--all"]
    for name in names:
        if name.startswith("-") or not name:
            raise HistoryError(f"invalid revision {name!r}")
        if not git.ok([*VERIFY, f"{name}^{{commit}}"]):
            raise HistoryError(f"unknown revision {name!r} (not a commit of this repository)")
    return ["--end-of-options", *([rev_range] if rev_range is not None else refs), "--"]


def shallow_boundary(git: Git, warnings: list[ScanWarning]) -> frozenset[str]:
    """The commits a shallow clone was cut at (with a warning), or nothing."""
    cut = git.shallow_cut()
    if cut is None:
        return frozenset()
    message = (
        f"shallow clone: history is cut at {len(cut)} commit(s); a secret first seen there "
        "was introduced at or before that commit"
    )
    warnings.append(ScanWarning(str(git.repo), message, Gap.SKIPPED))
    return cut


def read_log(
    git: Git, revs: list[str], options: SecretOptions, warnings: list[ScanWarning]
) -> Seen:
    """Commits and the blobs each adds or changes (regular files not excluded)."""
    seen = Seen()
    stopped: list[str] = []
    for item in log_entries(git.tokens([*LOG_OPTIONS, *revs], stopped)):
        if isinstance(item, Commit):
            seen.commits.append(item)
            continue
        old, blob, path = item
        if excluded(path, options.excludes):
            continue
        if old is not None and path not in seen.first.get(old, {}):
            seen.before.setdefault(old, set()).add(path)
        seen.first.setdefault(blob, {}).setdefault(path, len(seen.commits) - 1)
    if stopped:
        message = f"git log stopped early ({stopped[0]}); later commits were not scanned"
        warnings.append(ScanWarning(str(git.repo), message, Gap.READER_FAILED))
    return seen


def select_blobs(
    git: Git,
    seen: Seen,
    head: dict[str, list[str]],
    blobs: Iterable[str],
    options: SecretOptions,
    tally: Tally,
) -> list[tuple[str, str, int]]:
    """(blob, path to name it by, size) of the blobs to read: not skipped by name or
    size, and readable (a missing object is a warning naming it)."""
    named = {blob: _first_path(seen, blob) or _other_path(seen, head, blob) for blob in blobs}
    wanted = []
    for blob, path in named.items():
        skip = skip_by_name(path)
        if skip is not None:
            tally.skip(path, skip)
        else:
            wanted.append(blob)
    ids = "".join(f"{blob}\n" for blob in wanted).encode()
    answer = git.run(["cat-file", "--batch-check"], stdin=ids) if wanted else b""
    todo = []
    for blob, size in zip(wanted, batch_sizes(answer, len(wanted)), strict=True):
        where = _where(seen, blob, named[blob])
        if size is None:
            message = f"object {blob} is missing or corrupt; not scanned"
            tally.warnings.append(ScanWarning(where, message, Gap.READER_FAILED))
            continue
        too_large = skip_by_size(size, options.max_bytes)
        if too_large is not None:
            tally.skip(where, too_large)
            continue
        todo.append((blob, named[blob], size))
    return todo


def _first_path(seen: Seen, blob: str) -> str | None:
    paths = seen.first.get(blob)
    return min(paths, key=lambda p: (paths[p], p)) if paths else None


def _other_path(seen: Seen, head: dict[str, list[str]], blob: str) -> str:
    return min(seen.before[blob]) if blob in seen.before else head[blob][0]


def _where(seen: Seen, blob: str, path: str) -> str:
    """How a warning names a blob: its path and the first commit it is in there."""
    index = seen.first.get(blob, {}).get(path)
    return path if index is None else f"{path}@{seen.commits[index].id[:12]}"


def scan_blobs(
    repo: Path, todo: list[tuple[str, str, int]], options: SecretOptions, tally: Tally
) -> dict[str, list[Finding]]:
    """Blob -> its findings (located at the blob's naming path), over processes when
    there is enough to pay for them; each part reads its blobs with its own cat-file."""
    jobs = options.jobs or os.cpu_count() or 1
    if worth_processes(jobs, sum(size for _, _, size in todo), len(todo)):
        chunks = chunked(todo, CHUNK_BYTES)
        args = (str(repo), options.max_bytes, options.salt)
        parts = in_processes(scan_blob_chunk, chunks, jobs, *args)
    else:
        parts = [scan_blob_chunk(todo, str(repo), options.max_bytes, options.salt)]
    found: dict[str, list[Finding]] = {}
    for part_found, part in parts:
        found.update(part_found)
        tally.add(part)
    return found


def scan_blob_chunk(
    todo: Sequence[tuple[str, str, int]], repo: str, max_bytes: int, salt: str
) -> tuple[dict[str, list[Finding]], Tally]:
    """Read and scan some blobs (runs in a worker process)."""
    git, total, found = Git(Path(repo)), Tally(), {}
    names = {blob: path for blob, path, _ in todo}
    for blob, data in git.blobs([blob for blob, _, _ in todo]):
        path = names[blob]
        if data is None:
            message = f"object {blob} is corrupt (git cannot read it); not scanned"
            total.warnings.append(ScanWarning(path, message, Gap.READER_FAILED))
            continue
        one = Tally()
        scan_bytes(data, path, max_bytes, salt, one)
        if one.findings:
            found[blob] = one.findings
        total.add(one)
    return found, total


def assemble(
    seen: Seen, head: dict[str, list[str]], found: dict[str, list[Finding]], cut: frozenset[str]
) -> list[HistoryFinding]:
    """One HistoryFinding per (fingerprint, path), at the oldest commit that has it there;
    none for a secret that was at that path before the scanned commits."""
    at_head = _at_head(head, found)
    earlier = {
        (finding.fingerprint or "", path)
        for blob, paths in seen.before.items()
        for finding in found.get(blob, ())
        for path in paths
    }
    oldest: dict[tuple[str, str], tuple[int, Finding]] = {}
    for blob, paths in seen.first.items():
        for finding in found.get(blob, ()):
            for path, index in paths.items():
                key = (finding.fingerprint or "", path)
                if key in earlier or (key in oldest and oldest[key][0] <= index):
                    continue
                oldest[key] = (index, _moved(finding, path))
    ordered = sorted(oldest.values(), key=lambda item: (item[0], finding_order(item[1])))
    return [_history_finding(seen.commits[i], f, at_head, cut) for i, f in ordered]


def _at_head(head: dict[str, list[str]], found: dict[str, list[Finding]]) -> dict[str, str]:
    """Fingerprint -> the first path (in sorted order) that holds it in the HEAD tree."""
    at_head: dict[str, str] = {}
    for blob, paths in head.items():
        for finding in found.get(blob, ()):
            fingerprint = finding.fingerprint or ""
            at_head[fingerprint] = min(at_head.get(fingerprint, paths[0]), *paths)
    return at_head


def _moved(finding: Finding, path: str) -> Finding:
    location = finding.location
    if location is None or location.path == path:
        return finding
    return replace(finding, location=replace(location, path=path))


def _history_finding(
    commit: Commit, finding: Finding, at_head: dict[str, str], cut: frozenset[str]
) -> HistoryFinding:
    head_path = at_head.get(finding.fingerprint or "")
    present = head_path is not None
    return HistoryFinding(
        finding=replace(finding, introduced=commit, present_at_head=present),
        commit=commit.id,
        author=commit.author,
        date=commit.date,
        present_at_head=present,
        head_path=head_path,
        at_or_before=commit.id in cut,
    )
