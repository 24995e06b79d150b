"""Pipfile.lock (pipenv): `default`, `develop` and custom package categories."""

from __future__ import annotations

import re
from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    load_json,
    name_is,
)
from garrison.inventory.readers.python.common import (
    Declared,
    direct_flag,
    is_blank,
    pep503,
    sibling_toml,
)
from garrison.model import Gap

NAME = "Pipfile.lock"
ECOSYSTEM = "PyPI"
matches = name_is("Pipfile.lock")

_OBJECT_KEY = re.compile(r'^(\s*)"((?:[^"\\]|\\.)*)"\s*:\s*\{')
_NOT_FROM_INDEX = ("git", "hg", "svn", "bzr", "path", "file")
_PIPFILE_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})


def read(source: SourceFile) -> ReadResult:
    """Every locked entry: `default` (scope None), `develop` ("dev"), other categories
    ("optional"); direct True/False when a sibling Pipfile names the declared packages."""
    if is_blank(source):
        return ReadResult(())
    data = load_json(source)
    if not isinstance(data, dict) or not {"_meta", "default", "develop"} & data.keys():
        raise ReaderError(f"{source.path}: not a Pipfile.lock (no _meta/default/develop)")
    builder = ResultBuilder(source, ECOSYSTEM)
    text = source.text()
    lines = _entry_lines(text)
    unknown_line = 1 if "\n" not in text.strip() else None  # minified: all on line 1
    direct = direct_flag(_pipfile_declared(source))
    for section in _sections(data):
        entries = data[section]
        if not isinstance(entries, dict):
            raise ReaderError(f"{source.path}: '{section}' is not an object")
        scope = {"default": None, "develop": "dev"}.get(section, "optional")
        for name, entry in entries.items():
            if not isinstance(entry, dict):
                raise ReaderError(f"{source.path}: {section}.{name}: not an object")
            line = lines.get((section, name), unknown_line)
            _add_entry(builder, name, entry, line=line, scope=scope, direct=direct(name))
    return builder.result()


def _sections(data: dict[str, Any]) -> list[str]:
    """`default`, `develop`, then any custom categories, in file order."""
    known = [key for key in ("default", "develop") if key in data]
    return known + [key for key in data if key not in ("_meta", "default", "develop")]


def _add_entry(
    builder: ResultBuilder,
    name: str,
    entry: dict[str, Any],
    *,
    line: int | None,
    scope: str | None,
    direct: bool | None,
) -> None:
    """One entry: pinned `==x` adds a component; VCS/path entries and ranges are warnings."""
    spec = entry.get("version")
    if spec is not None and not isinstance(spec, str):
        raise ReaderError(f"{builder.source.path}: {name}: 'version' is not a string")
    kind = next((key for key in _NOT_FROM_INDEX if key in entry), None)
    version = _pinned(spec)
    if spec and version is None:
        builder.warn(f"{name}: unpinned requirement {spec!r}", Gap.UNPINNED, line)
    if kind is not None:
        where = f"{entry[kind]}@{entry['ref']}" if entry.get("ref") else str(entry[kind])
        builder.warn(f"{name}: from {kind} {where}, not a package index", Gap.UNPINNED, line)
    if version is not None or (kind is None and not spec):
        builder.add(name, version, line=line, scope=scope, direct=direct)


def _pinned(spec: str | None) -> str | None:
    if spec is None:
        return None
    for operator in ("===", "=="):
        if spec.startswith(operator):
            version = spec[len(operator) :].strip()
            return version if version and "*" not in version else None
    return None


def _entry_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, package) -> the line of `"package": {` inside that top-level section,
    found from indentation in one pass (pretty-printed files; minified ones give none)."""
    lines: dict[tuple[str, str], int] = {}
    top: int | None = None
    inner: int | None = None
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        found = _OBJECT_KEY.match(raw)
        if found is None:
            continue
        indent, key = len(found[1]), found[2]
        if top is None or indent == top:
            top, section = indent, key
        elif inner is None or indent == inner:
            inner = indent
            if section is not None:
                lines.setdefault((section, key), number)
    return lines


def _pipfile_declared(source: SourceFile) -> Declared | None:
    """Names the sibling Pipfile declares ([packages], [dev-packages], categories)."""
    pipfile = sibling_toml(source, "Pipfile")
    if pipfile is None:
        return None
    names = [
        pep503(name)
        for key, table in pipfile.items()
        if key not in _PIPFILE_NOT_PACKAGES and isinstance(table, dict)
        for name in table
    ]
    return Declared(frozenset(names))
