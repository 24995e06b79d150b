"""Helpers for the Python reader tests: results as plain tuples, shared samples."""

from __future__ import annotations

from pathlib import Path

from garrison.inventory.readers.base import ReadResult
from tests.conftest import shared_path

Row = tuple[str, str, str | None, str | None, str, int | None, str | None, bool | None]


def rows(result: ReadResult) -> list[Row]:
    """(ecosystem, name, version, purl, path, line, scope, direct) of each component."""
    found: list[Row] = []
    for component in result.components:
        assert component.location is not None
        found.append(
            (
                component.ecosystem,
                component.name,
                component.version,
                component.purl,
                component.location.path,
                component.location.line,
                component.scope,
                component.direct,
            )
        )
    return found


def warnings(result: ReadResult) -> list[tuple[str, str, int | None, str]]:
    """(source, gap, line, message) of each warning."""
    return [(w.source, w.gap.value, w.line, w.message) for w in result.warnings]


def sample(fmt: str, name: str | None = None) -> Path:
    """A sample under ../shared/fixtures/lockfiles/language/python/<fmt> (skips if absent)."""
    parts = ("fixtures", "lockfiles", "language", "python", fmt)
    return shared_path(*parts, name) if name else shared_path(*parts)
