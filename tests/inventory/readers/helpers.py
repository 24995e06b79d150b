"""Helpers for reader tests: build SourceFiles from bytes or from tests/data files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile
from tests.conftest import DATA


def source(
    path: str, data: bytes | str, siblings: dict[str, bytes | str] | None = None
) -> SourceFile:
    """A SourceFile whose open_relative serves `siblings` (paths relative to `path`'s dir)."""
    raw = data.encode() if isinstance(data, str) else data
    files = {k: (v.encode() if isinstance(v, str) else v) for k, v in (siblings or {}).items()}
    return SourceFile(path, raw, files.get)


def data_file(*parts: str) -> SourceFile:
    """A SourceFile read from tests/data/inventory/..., with siblings served from its dir."""
    path = DATA.joinpath("inventory", *parts)
    directory = path.parent

    def open_relative(rel: str) -> bytes | None:
        target = (directory / rel).resolve()
        if not target.is_relative_to(DATA) or not target.is_file():
            return None
        return target.read_bytes()

    return SourceFile("/".join(parts), path.read_bytes(), open_relative)


def shared_file(path: Path) -> SourceFile:
    """A SourceFile for a file under ../shared (siblings served from its directory)."""
    directory = path.parent

    def open_relative(rel: str) -> bytes | None:
        target = (directory / rel).resolve()
        return target.read_bytes() if target.is_file() else None

    return SourceFile(path.name, path.read_bytes(), open_relative)


Row = tuple[str, str, str | None, str | None, int | None, str | None, bool | None]


def rows(result: ReadResult) -> list[Row]:
    """(ecosystem, name, version, purl, line, scope, direct) of each component, in order."""
    return [
        (c.ecosystem, c.name, c.version, c.purl, c.location.line if c.location else None,
         c.scope, c.direct)
        for c in result.components
    ]  # fmt: skip


def assert_samples_read_or_refused(
    read: Callable[[SourceFile], ReadResult],
    directory: Path,
    may_refuse: Callable[[Path], bool],
) -> None:
    """Every sample in `directory` reads, or is refused with a ReaderError only where
    `may_refuse(path)` allows it (the deliberately broken samples); nothing else escapes."""
    for path in sorted(directory.iterdir()):
        try:
            result = read(shared_file(path))
        except ReaderError:
            assert may_refuse(path), path
        else:
            assert isinstance(result, ReadResult)
