"""Helpers for the javascript reader tests: results as plain tuples, shared samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from tests.conftest import shared_path
from tests.inventory.readers.helpers import shared_file

Row = tuple[str, str, str | None, str | None, int | None, str | None, bool | None]


def rows(result: ReadResult) -> list[Row]:
    """(ecosystem, name, version, purl, line, scope, direct) of each component, in order."""
    return [
        (
            c.ecosystem,
            c.name,
            c.version,
            c.purl,
            c.location.line if c.location else None,
            c.scope,
            c.direct,
        )
        for c in result.components
    ]


def edges(result: ReadResult) -> dict[str, tuple[str, ...]]:
    return dict(result.dependencies)


def warnings(result: ReadResult) -> list[tuple[str, str, int | None]]:
    return [(w.gap.value, w.message, w.line) for w in result.warnings]


def licences(result: ReadResult) -> dict[str, tuple[str, ...]]:
    return {c.bom_ref or "": c.licenses for c in result.components if c.licenses}


def samples(folder: str) -> Iterator[Path]:
    """Every file of a shared sample folder (the test skips when ../shared is absent)."""
    root = shared_path("fixtures", "lockfiles", "language", "javascript", folder)
    return (path for path in sorted(root.rglob("*")) if path.is_file())


def sample(folder: str, name: str) -> Path:
    return shared_path("fixtures", "lockfiles", "language", "javascript", folder, name)


def read_sample(reader: ModuleType, path: Path) -> ReadResult | None:
    """A sample's result, or None when the reader refused it with a ReaderError."""
    try:
        result = reader.read(shared_file(path))
    except ReaderError:
        return None
    assert isinstance(result, ReadResult)
    return result


BAD_NAMES = ("not-", "empty", "invalid", "bad", "malformed", "null")


def check_all_samples(reader: ModuleType, folder: str) -> None:
    """Every sample reads or is refused with a ReaderError; nothing else escapes (the junk
    ones, named not-*, empty*, invalid*, bad*, malformed*, included)."""
    paths = list(samples(folder))
    if not paths:
        pytest.fail(f"no samples in {folder}")
    outcomes = {path.name: read_sample(reader, path) for path in paths}
    assert any(name.startswith(BAD_NAMES) for name in outcomes)
