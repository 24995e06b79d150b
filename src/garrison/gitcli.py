"""Running git (I/O module): one command with a timeout, a streamed command, and blob
contents through one `git cat-file --batch` process. Every failure of git becomes a
`HistoryError` with git's own first line; a corrupt object is reported, not fatal.

The environment is fixed so that user settings cannot change what is parsed: messages in
English, no pager, no prompts, no replace refs (the real objects are scanned), and
`-c` overrides for the log options that would change its output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from garrison.errors import HistoryError
from garrison.model import Commit

TIMEOUT = 300.0  # seconds, for one short command (not for streams)
STREAM_CHUNK = 1024 * 1024
OVERRIDES = (
    "-c", "log.showSignature=false", "-c", "core.quotePath=false", "-c", "log.showRoot=true",
    "-c", "diff.renames=false", "-c", "color.ui=false", "-c", "log.mailmap=false",
)  # fmt: skip
DROPPED_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE")


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    env.update(LC_ALL="C", LANGUAGE="C", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0")
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    return env


def _first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            return line.strip().removeprefix("fatal: ").removeprefix("error: ")
    return "no message"


class Git:
    """git, run in one repository."""

    def __init__(self, repo: Path, timeout: float = TIMEOUT) -> None:
        executable = shutil.which("git")
        if executable is None:
            raise HistoryError("git is not installed (not found on PATH); history needs it")
        self.executable, self.repo, self.timeout = executable, repo, timeout
        self.env = _environment()

    @classmethod
    def open(cls, repo: Path) -> Git:
        """git in `repo`, or a HistoryError saying why not (no git, not a repository)."""
        if not repo.is_dir():
            raise HistoryError(f"{repo}: no such directory")
        git = cls(repo)
        try:
            git.run(["rev-parse", "--git-dir"])
        except HistoryError as exc:
            if "not a git repository" in str(exc):
                raise HistoryError(f"{repo}: not a git repository") from None
            raise HistoryError(f"{repo}: {exc}") from None
        return git

    def shallow_cut(self) -> frozenset[str] | None:
        """The commits a shallow clone was cut at; None for a complete history."""
        if self.run(["rev-parse", "--is-shallow-repository"]).strip() != b"true":
            return None
        relative = self.run(["rev-parse", "--git-path", "shallow"]).decode().strip()
        try:
            return frozenset((self.repo / relative).read_text(encoding="ascii").split())
        except OSError:
            return frozenset()

    def head_blobs(self) -> dict[str, list[str]]:
        """Blob -> its paths in the HEAD tree (regular files); empty without a HEAD commit."""
        if not self.ok(["rev-parse", "--verify", "--quiet", "HEAD^{tree}"]):
            return {}
        return tree_blobs(self.run(["ls-tree", "-r", "-z", "--full-tree", "HEAD"]))

    def command(self, args: Sequence[str]) -> list[str]:
        return [self.executable, "-C", str(self.repo), *OVERRIDES, *args]

    def run(self, args: Sequence[str], stdin: bytes | None = None) -> bytes:
        """git's stdout; a failure or a timeout is a HistoryError with git's message."""
        done = self._complete(args, stdin)
        if done.returncode != 0:
            raise HistoryError(f"git {args[0]} failed: {_first_line(done.stderr)}")
        return done.stdout

    def ok(self, args: Sequence[str]) -> bool:
        """Whether the command succeeds (its output is dropped)."""
        return self._complete(args, None).returncode == 0

    def _complete(
        self, args: Sequence[str], stdin: bytes | None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                self.command(args), input=stdin, capture_output=True, env=self.env,
                timeout=self.timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise HistoryError(f"git {args[0]} timed out after {self.timeout:.0f} s") from None
        except OSError as exc:
            raise HistoryError(f"cannot run git: {exc.strerror or exc}") from None

    def tokens(self, args: Sequence[str], stopped: list[str]) -> Iterator[bytes]:
        """The NUL-separated fields of a long command's output (`-z`), read as they come.
        When git fails part way, what it wrote is kept and its message is appended to
        `stopped` (the caller turns it into a warning)."""
        running = _Running(self.command(args), self.env, ())
        try:
            rest = b""
            while chunk := running.stdout.read(STREAM_CHUNK):
                *fields, rest = (rest + chunk).split(b"\0")
                yield from fields
            if rest:
                yield rest
        finally:
            code = running.close()
        if code != 0:
            stopped.append(_first_line(running.stderr()))

    def blobs(self, oids: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """(id, content) of each object, in order; content None when git cannot read it
        (missing or corrupt). A corrupt object stops `cat-file`: it is restarted after it."""
        done = 0
        while done < len(oids):
            for oid, data in self._batch(oids[done:]):
                done += 1
                yield oid, data

    def _batch(self, oids: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """Answers of one `cat-file --batch` process, up to the end or the first object
        it dies on (yielded with None)."""
        running = _Running(self.command(["cat-file", "--batch"]), self.env, oids)
        try:
            for oid in oids:
                try:
                    data = _read_object(running.stdout)
                except _DiedError:
                    yield oid, None
                    return
                yield oid, data
        finally:
            running.close()


class _Running:
    """A git process whose stdin a thread feeds (object ids, or nothing) and whose
    stderr another thread collects, so that no pipe can fill up and block it."""

    def __init__(self, command: list[str], env: dict[str, str], feed: Sequence[str]) -> None:
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env,
            )  # fmt: skip
        except OSError as exc:
            raise HistoryError(f"cannot run git: {exc.strerror or exc}") from None
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self.stdout: IO[bytes] = self.process.stdout
        self._errors: list[bytes] = []
        self._threads = [
            threading.Thread(target=_write_ids, args=(self.process.stdin, feed), daemon=True),
            threading.Thread(target=_drain, args=(self.process.stderr, self._errors), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def close(self) -> int:
        """Stop the process if it still runs; its exit code."""
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait()
        for thread in self._threads:
            thread.join()
        self.stdout.close()
        return code

    def stderr(self) -> bytes:
        return b"".join(self._errors)


def _drain(stream: IO[bytes], sink: list[bytes]) -> None:
    sink.append(stream.read())
    stream.close()


class _DiedError(Exception):
    """cat-file stopped in the middle of an object (a corrupt object)."""


def _write_ids(stream: IO[bytes], oids: Sequence[str]) -> None:
    """Write one id a line, then close (git stopping early is not an error here: the
    reader sees it and restarts cat-file after the object it died on)."""
    with contextlib.suppress(OSError, ValueError):
        for oid in oids:
            stream.write(oid.encode("ascii") + b"\n")
    with contextlib.suppress(OSError, ValueError):
        stream.close()


def _read_object(stream: IO[bytes]) -> bytes | None:
    """The content of the next `--batch` answer; None for "missing" (or "ambiguous")."""
    header = stream.readline()
    if not header.endswith(b"\n"):
        raise _DiedError
    fields = header.split()
    if len(fields) != 3:
        return None
    size = int(fields[2])
    data = stream.read(size + 1)
    if len(data) != size + 1:
        raise _DiedError
    return data[:size]


def log_entries(tokens: Iterable[bytes]) -> Iterator[Commit | tuple[str | None, str, str]]:
    """Parse `git log -z --raw --format=%x01%H%x1f%aI%x1f%an <%ae>`: a Commit, then
    (old blob, new blob, path) for each regular file it adds or modifies; the old blob is
    None for an addition (or when it was not a regular file). Deletions, symlinks and
    submodules are left out."""
    fields = iter(tokens)
    for token in fields:
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            ident, date, author = token[1:].decode("utf-8", errors="replace").split("\x1f", 2)
            yield Commit(ident, author, date)
        elif token.startswith(b":"):
            path = next(fields, b"").decode("utf-8", errors="surrogateescape")
            meta = token[1:].split()
            if len(meta) >= 5 and meta[4][:1] in b"AMT" and meta[1].startswith(b"100"):
                old = meta[2].decode("ascii") if meta[0].startswith(b"100") else None
                yield old, meta[3].decode("ascii"), path


def tree_blobs(output: bytes) -> dict[str, list[str]]:
    """Blob -> paths of the regular files in `git ls-tree -r -z` output."""
    blobs: dict[str, list[str]] = {}
    for entry in output.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == b"blob" and fields[0].startswith(b"100"):
            name = path.decode("utf-8", errors="surrogateescape")
            blobs.setdefault(fields[2].decode("ascii"), []).append(name)
    return blobs


def batch_sizes(output: bytes, count: int) -> list[int | None]:
    """The size of each object `git cat-file --batch-check` answered for (None when
    missing or not a blob); `count` answers, in the order asked."""
    sizes: list[int | None] = []
    for line in output.decode("ascii", errors="replace").splitlines()[:count]:
        fields = line.split()
        ok = len(fields) == 3 and fields[1] == "blob" and fields[2].isdigit()
        sizes.append(int(fields[2]) if ok else None)
    return sizes + [None] * (count - len(sizes))
