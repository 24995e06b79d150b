"""`.gitignore` rules on top of the tree walk (I/O: reads the ignore files).

Git's precedence: the `.gitignore` nearest to a path decides (within one file, the last
matching pattern; `!pattern` re-includes), then the ones of parent directories, then
`$GIT_DIR/info/exclude`. The `.gitignore` files above the target, up to the root of the
work tree holding it, apply too. A directory that is ignored is not entered, so nothing
below it can be re-included (as in git). The user's global `core.excludesFile` is not read:
results must not depend on who runs the scan.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pathspec import GitIgnoreSpec

from garrison.fs import Entry, Walk
from garrison.model import Gap, ScanWarning

IGNORE_FILE = ".gitignore"
MAX_IGNORE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Level:
    """One ignore file. Inside the root, `base` is its directory relative to the root
    ("a/b/", "" for the root); above the root, `offset` is the root's path relative to its
    directory ("sub/dir/"), put before the paths checked."""

    spec: GitIgnoreSpec
    base: str = ""
    offset: str = ""


def parse_ignore(text: str, source: str) -> tuple[GitIgnoreSpec, list[ScanWarning]]:
    """The patterns of one ignore file; a pattern pathspec refuses is a warning (its line)."""
    lines = text.splitlines()
    try:
        return GitIgnoreSpec.from_lines(lines), []
    except ValueError:  # pathspec: an invalid pattern
        pass
    good, warnings = [], []
    for number, line in enumerate(lines, 1):
        try:
            GitIgnoreSpec.from_lines([line])
        except ValueError:  # pathspec: an invalid pattern
            message = "invalid .gitignore pattern; ignored"
            warnings.append(ScanWarning(source, message, Gap.SKIPPED, number))
            continue
        good.append(line)
    return GitIgnoreSpec.from_lines(good), warnings


def decide(levels: list[Level], rel: str, is_dir: bool) -> bool:
    """Whether `rel` is ignored. `levels` are ordered nearest first (deepest directory
    first, `info/exclude` last); the first level with a matching pattern decides."""
    for level in levels:
        if level.base and not rel.startswith(level.base):
            continue
        local = level.offset + rel[len(level.base) :]
        result = level.spec.check_file(local + "/" if is_dir else local)
        if result.include is not None:
            return result.include
    return False


@dataclass
class IgnoreRules:
    """The ignore files that apply under `root`, loaded as the walk enters directories."""

    root: Path
    warnings: list[ScanWarning] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._inner: dict[str, GitIgnoreSpec] = {}  # directory rel to root ("" root) -> spec
        self._outer: list[Level] = list(self._outside_levels())

    def load(self, rel_dir: str, directory: str) -> None:
        """Read `directory/.gitignore` (directory `rel_dir` of the walk), if there is one."""
        source = f"{rel_dir}/{IGNORE_FILE}" if rel_dir else IGNORE_FILE
        spec = self._read(os.path.join(directory, IGNORE_FILE), source)
        if spec is not None:
            self._inner[rel_dir] = spec

    def ignored(self, rel: str, is_dir: bool) -> bool:
        if not self._inner and not self._outer:
            return False
        return decide(self._levels_for(rel), rel, is_dir)

    def _levels_for(self, rel: str) -> list[Level]:
        levels = []
        parent = PurePosixPath(rel).parent
        for directory in (parent, *parent.parents):
            key = "" if str(directory) == "." else directory.as_posix()
            spec = self._inner.get(key)
            if spec is not None:
                levels.append(Level(spec, f"{key}/" if key else ""))
        return [*levels, *self._outer]

    def _read(self, path: str, source: str) -> GitIgnoreSpec | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_IGNORE_BYTES)
        except FileNotFoundError:
            return None
        except OSError as exc:  # a directory named .gitignore, or unreadable
            if os.path.isdir(path):
                return None
            message = f"cannot read ({exc.strerror or exc}); its rules are not applied"
            self.warnings.append(ScanWarning(source, message, Gap.SKIPPED))
            return None
        spec, warnings = parse_ignore(data.decode("utf-8", errors="replace"), source)
        self.warnings.extend(warnings)
        return spec

    def _outside_levels(self) -> Iterator[Level]:
        """The ignore files above the root, up to the work tree's top, then info/exclude."""
        root = Path(os.path.realpath(self.root))
        top = work_tree_top(root)
        if top is None:
            return
        for directory in root.parents:
            if not directory.is_relative_to(top):
                break
            spec = self._read(str(directory / IGNORE_FILE), str(directory / IGNORE_FILE))
            if spec is not None:
                yield Level(spec, offset=_offset(root, directory))
        git_dir = _git_dir(top)
        if git_dir is not None:
            exclude = git_dir / "info" / "exclude"
            spec = self._read(str(exclude), str(exclude))
            if spec is not None:
                yield Level(spec, offset=_offset(root, top))


def _offset(root: Path, directory: Path) -> str:
    relative = root.relative_to(directory).as_posix()
    return "" if relative == "." else relative + "/"


def work_tree_top(path: Path) -> Path | None:
    """The nearest directory at or above `path` holding `.git` (a directory or a file)."""
    for directory in (path, *path.parents):
        if (directory / ".git").exists():
            return directory
    return None


def _git_dir(top: Path) -> Path | None:
    """The git directory of a work tree: `.git`, or where a `.git` file's `gitdir:` points
    (worktrees and submodules; their `commondir` holds info/exclude)."""
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = (top / text[len("gitdir:") :].strip()).resolve()
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / common).resolve()


@dataclass
class IgnoringWalk(Walk):
    """`fs.Walk` for secrets: it also leaves out what `.gitignore` files ignore (when
    `rules` is set), and it walks `node_modules` even beside a lockfile (vendored code is
    not special here: a secret there leaks all the same). `ignored` counts the files and
    directories left out by the rules."""

    rules: IgnoreRules | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.ignored = 0

    def entered(self, path: str, rel: PurePosixPath) -> None:
        if self.rules is not None:
            self.rules.load(rel.as_posix() if rel.parts else "", path)

    def keep(self, entry: os.DirEntry[str], rel: PurePosixPath, siblings: set[str]) -> bool:
        return not self._ignored(entry, rel)  # node_modules too: vendored code can leak

    def _ignored(self, entry: os.DirEntry[str], rel: PurePosixPath) -> bool:
        if self.rules is None:
            return False
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if self.rules.ignored(rel.as_posix(), is_dir):
            self.ignored += 1
            return True
        return False


def without_ignored(root: Path, entries: Sequence[Entry]) -> tuple[list[Entry], int, IgnoreRules]:
    """The entries of a walk made without the rules (a scan's shared walk), minus what the
    `.gitignore` files among them ignore; also how many files and directories that was."""
    rules = IgnoreRules(root)
    real_root = os.path.realpath(root)
    for entry in entries:
        if entry.rel.name == IGNORE_FILE:
            parent = entry.rel.parent
            rules.load(parent.as_posix() if parent.parts else "", os.path.join(real_root, parent))
    kept, ignored_dirs, ignored_files = [], set(), 0
    verdicts: dict[str, bool] = {}
    for entry in entries:
        parents = [p.as_posix() for p in reversed(entry.rel.parents) if p.parts]
        hidden = next((p for p in parents if _dir_ignored(rules, p, verdicts)), None)
        if hidden is not None:
            ignored_dirs.add(hidden)
        elif rules.ignored(entry.rel.as_posix(), False):
            ignored_files += 1
        else:
            kept.append(entry)
    return kept, len(ignored_dirs) + ignored_files, rules


def _dir_ignored(rules: IgnoreRules, rel: str, verdicts: dict[str, bool]) -> bool:
    if rel not in verdicts:
        verdicts[rel] = rules.ignored(rel, True)
    return verdicts[rel]
