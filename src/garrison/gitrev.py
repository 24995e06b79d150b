"""The BASE side of a diff scan, through the git CLI (I/O module).

`open_work_tree` finds the work tree holding a scan target (which may be a subdirectory of
it); `resolve_base` turns BASE into a commit (a branch into its merge base with HEAD, as
merge-request pipelines compare); `checked_out` puts that commit into a temporary linked
work tree (`git worktree add --detach`, hooks off) and always removes it again, also after
an error or Ctrl-C; `introducing_commits` asks `git blame` (or `git log`, for a finding
without a line) which commit of the range BASE..HEAD last changed a finding's line.

Blame annotates the working-tree file, the one the scan read: a line not committed yet,
or not changed since BASE, has no introducing commit. Every failure the user can fix is an
`InputError` (a `HistoryError` from the git runner) in one line.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from garrison.diff import Place
from garrison.errors import HistoryError, InputError
from garrison.gitcli import Git
from garrison.model import Commit

VERIFY = ("rev-parse", "--verify", "--quiet", "--end-of-options")
BRANCH_PREFIXES = ("refs/heads/", "refs/remotes/")
NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")  # no repository hook runs on checkout
LOG_FORMAT = "--format=%H%x1f%aI%x1f%aN <%aE>"
_HEADER = re.compile(rb"([0-9a-f]{40}(?:[0-9a-f]{24})?) \d+ (\d+)(?: \d+)?")


@dataclass(frozen=True, slots=True)
class WorkTree:
    """The git work tree a scan target is in. `git` runs at `top`; `prefix` is the
    target's directory relative to `top` ("" or "sub/dir/"); `common_dir` holds
    `worktrees/`, where git keeps what it knows of linked work trees."""

    git: Git
    top: Path
    prefix: str
    common_dir: Path


def open_work_tree(target: str | Path) -> WorkTree:
    """The work tree holding `target`, a directory; an InputError saying why not (not a
    directory, git missing, not a repository, inside `.git` or a bare repository)."""
    path = Path(target)
    if not path.is_dir():
        raise InputError(f"{target}: --diff needs a directory inside a git work tree")
    if shutil.which("git") is None:
        raise InputError("--diff needs git, which is not installed (not found on PATH)")
    git = Git(path)
    try:
        inside = git.run(["rev-parse", "--is-inside-work-tree"]).strip()
    except HistoryError as exc:
        if "not a git repository" in str(exc):
            raise InputError(f"{target}: not a git repository (--diff needs one)") from None
        raise InputError(f"{target}: {exc}") from None
    if inside != b"true":
        raise InputError(f"{target}: not inside a git work tree (--diff needs one)")
    asked = ["rev-parse", "--path-format=absolute", "--show-toplevel", "--show-prefix"]
    top, prefix, common = _text(git.run([*asked, "--git-common-dir"])).split("\n")[:3]
    return WorkTree(Git(Path(top)), Path(top), prefix, Path(common))


def resolve_base(tree: WorkTree, base: str) -> str:
    """The full id of the commit BASE names; for a branch (local or remote-tracking), of
    its merge base with HEAD."""
    if not base or base.startswith("-"):
        raise InputError(f"--diff {base!r}: not a revision")
    if not tree.git.ok([*VERIFY, "HEAD^{commit}"]):
        raise InputError(f"{tree.top}: HEAD has no commit yet; --diff needs one")
    try:
        commit = _text(tree.git.run([*VERIFY, f"{base}^{{commit}}"])).strip()
    except HistoryError:
        raise InputError(
            f"--diff {base}: unknown revision (no such commit in {tree.top})"
        ) from None
    full_name = _text(tree.git.run([*VERIFY[:3], "--symbolic-full-name", base])).strip()
    if not full_name.startswith(BRANCH_PREFIXES):
        return commit
    try:
        return _text(tree.git.run(["merge-base", commit, "HEAD"])).strip()
    except HistoryError:
        raise InputError(
            f"--diff {base}: no common ancestor with HEAD (a shallow clone? fetch more history)"
        ) from None


@contextlib.contextmanager
def checked_out(tree: WorkTree, commit: str) -> Iterator[Path | None]:
    """`commit` checked out (detached, hooks off) in a temporary linked work tree: yields
    the target's directory in it, or None when that commit has no such directory. The
    work tree and git's record of it are removed on the way out, whatever happens."""
    with tempfile.TemporaryDirectory(prefix="garrison-diff-") as temp:
        checkout = Path(temp) / Path(temp).name  # a unique name: git's record is named so
        record = tree.common_dir / "worktrees" / checkout.name
        ours = not record.exists()
        try:
            _add(tree, checkout, commit)
            directory = checkout / tree.prefix
            yield directory if directory.is_dir() else None
        finally:
            _remove(tree, checkout, record if ours else None)


def _add(tree: WorkTree, checkout: Path, commit: str) -> None:
    try:
        tree.git.run([*NO_HOOKS, "worktree", "add", "--detach", "--quiet", str(checkout), commit])
    except HistoryError as exc:
        reason = str(exc).partition(": ")[2] or str(exc)
        raise InputError(
            f"cannot check out {commit} into a temporary directory: {reason}"
        ) from None


def _remove(tree: WorkTree, checkout: Path, record: Path | None) -> None:
    """`git worktree remove`; when git cannot (an interrupted `add`, a broken checkout),
    the directory and git's record of it (when it is ours) are deleted directly."""
    if tree.git.ok(["worktree", "remove", "--force", "--force", str(checkout)]):
        return
    shutil.rmtree(checkout, ignore_errors=True)
    if record is not None:
        shutil.rmtree(record, ignore_errors=True)
        with contextlib.suppress(OSError):
            record.parent.rmdir()  # `worktrees/`, when no other linked work tree is left


def introducing_commits(
    tree: WorkTree, base: str, places: Collection[Place]
) -> dict[Place, Commit]:
    """For each (path, line) the commit of BASE..HEAD that last changed that line of the
    working-tree file (`git blame`); for (path, None), the last commit of the range that
    changed the file (`git log`). Places git cannot tell about are left out."""
    lines: dict[str, set[int]] = defaultdict(set)
    for path, line in places:
        if line:
            lines[path].add(line)
    found: dict[Place, Commit] = {}
    for path, wanted in sorted(lines.items()):
        for line, commit in _blame(tree, base, path, sorted(wanted)).items():
            if line in wanted:
                found[(path, line)] = commit
    for path in sorted({path for path, line in places if not line}):
        last = _last_change(tree, base, path)
        if last is not None:
            found[(path, None)] = last
    return found


def _blame(tree: WorkTree, base: str, path: str, lines: Sequence[int]) -> dict[int, Commit]:
    last = _line_count(tree.top / (tree.prefix + path))  # one line past the end fails all
    ranges = [arg for line in lines if line <= last for arg in ("-L", f"{line},{line}")]
    if not ranges:
        return {}
    args = ["blame", "--porcelain", "--root", *ranges, f"^{base}", "--", tree.prefix + path]
    try:
        return blamed_lines(tree.git.run(args))
    except HistoryError:  # not committed, outside the repository, a line past the end
        return {}


def _line_count(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _last_change(tree: WorkTree, base: str, path: str) -> Commit | None:
    args = ["log", "-1", LOG_FORMAT, f"^{base}", "HEAD", "--", f":(literal){tree.prefix}{path}"]
    try:
        output = _text(tree.git.run(args)).strip()
    except HistoryError:
        return None
    fields = output.split("\x1f")
    return Commit(fields[0], fields[2], fields[1]) if len(fields) == 3 else None


def blamed_lines(porcelain: bytes) -> dict[int, Commit]:
    """Final line number -> commit, from `git blame --porcelain` output; lines of a
    boundary commit (at or before BASE) and lines not committed yet are left out."""
    owner: dict[int, str] = {}
    facts: dict[str, dict[str, str]] = {}
    current: str | None = None
    for raw in porcelain.split(b"\n"):
        if raw.startswith(b"\t"):
            current = None
        elif current is None:
            header = _HEADER.fullmatch(raw)
            if header:
                current = header[1].decode("ascii")
                owner[int(header[2])] = current
                facts.setdefault(current, {})
        else:
            key, _, value = _text(raw).partition(" ")
            facts[current][key] = value
    commits = {sha: _commit(sha, info) for sha, info in facts.items()}
    return {line: commit for line, sha in owner.items() if (commit := commits[sha])}


def _commit(sha: str, info: dict[str, str]) -> Commit | None:
    if "boundary" in info or not sha.strip("0"):
        return None
    try:
        date = _iso_date(int(info["author-time"]), info["author-tz"])
    except (KeyError, ValueError):
        return None
    return Commit(sha, f"{info.get('author', '')} {info.get('author-mail', '<>')}", date)


def _iso_date(seconds: int, zone: str) -> str:
    """ISO 8601 with the author's offset, as git's `%aI` writes it."""
    sign = -1 if zone.startswith("-") else 1
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    return datetime.fromtimestamp(seconds, timezone(offset)).isoformat()


def _text(output: bytes) -> str:
    return output.decode("utf-8", errors="surrogateescape")
