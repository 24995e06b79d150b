"""Cargo.lock, format versions 1 to 4.

Every `[[package]]` with a `source` is a component; one without (a workspace member or a
path dependency, the v1 `[root]` too) is the project's own code: not a component, but what
it depends on is direct (direct is None when the file has no such package). Edges come
from `dependencies`, whose entries are `name`, `name version` or `name version (source)`
(v1 always writes the last). A crate from git keeps its version (the crate's own) with an
UNPINNED warning, as it is not a registry release. Cargo.lock says nothing of dev or
optional use, so scope is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    load_toml,
    name_is,
)
from garrison.model import Gap

NAME = "Cargo.lock"
ECOSYSTEM = "crates.io"
matches = name_is("Cargo.lock")


@dataclass(frozen=True, slots=True)
class _Package:
    name: str
    version: str
    source: str | None
    dependencies: tuple[str, ...]
    line: int | None


# name -> the packages of that name, with their component keys (None: workspace member)
_Index = dict[str, list[tuple[_Package, str | None]]]


def read(source: SourceFile) -> ReadResult:
    """Locked crates, direct flags from the workspace members, and dependency edges."""
    packages = _packages(source, load_toml(source))
    keyed = list(zip(packages, _keys(packages), strict=True))
    index: _Index = {}
    for package, key in keyed:
        index.setdefault(package.name, []).append((package, key))
    members = [package for package, key in keyed if key is None]
    direct_keys = {key for member in members for key in _resolve_all(member, index)}
    builder = ResultBuilder(source, ECOSYSTEM)
    for package, key in keyed:
        if key is not None:
            direct = (key in direct_keys) if members else None
            builder.add(package.name, package.version, line=package.line, direct=direct, key=key)
            _warn_if_git(builder, package)
    for package, key in keyed:
        if key is not None:
            for child in _resolve_all(package, index):
                builder.depends(key, child)
    return builder.result()


def _keys(packages: list[_Package]) -> list[str | None]:
    """Component keys: `name@version`, plus `@source` when another source has the same
    name and version; None for the project's own packages."""
    sources: dict[str, str] = {}
    keys: list[str | None] = []
    for package in packages:
        if package.source is None:
            keys.append(None)
            continue
        key = f"{package.name}@{package.version}"
        if sources.setdefault(key, package.source) != package.source:
            key = f"{key}@{package.source}"
        keys.append(key)
    return keys


def _warn_if_git(builder: ResultBuilder, package: _Package) -> None:
    if package.source and package.source.startswith("git+"):
        builder.warn(
            f"{package.name} {package.version}: from git {package.source[4:]}"
            " (not a registry release)",
            Gap.UNPINNED,
            package.line,
        )


def _resolve_all(package: _Package, index: _Index) -> list[str]:
    """The keys of a package's dependencies that are components (not workspace members).

    An entry naming no package in the file (a hand-edited lockfile) gives no edge."""
    keys = (_resolve(entry, index) for entry in package.dependencies)
    return [key for key in keys if key]


def _resolve(entry: str, index: _Index) -> str | None:
    """The key of the package a `dependencies` entry names, if exactly one matches."""
    name, _, rest = entry.partition(" ")
    version, _, dep_source = rest.partition(" ")
    dep_source = dep_source.removeprefix("(").removesuffix(")")
    candidates = [
        key
        for candidate, key in index.get(name, ())
        if (not version or candidate.version == version)
        and (not dep_source or candidate.source == dep_source)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _packages(source: SourceFile, data: dict[str, Any]) -> list[_Package]:
    """The `[[package]]` tables (and a v1 `[root]`), checked, with their lines."""
    tables = data.get("package", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ReaderError(f"{source.path}: 'package' is not an array of tables")
    lines = _name_lines(source.text(), len(tables))
    packages = [
        _package(source, table, number, line)
        for number, (table, line) in enumerate(zip(tables, lines, strict=True), 1)
    ]
    root = data.get("root")
    if root is not None:
        if not isinstance(root, dict):
            raise ReaderError(f"{source.path}: 'root' is not a table")
        packages.append(_package(source, {**root, "source": None}, 0, None))
    return packages


def _package(source: SourceFile, table: dict[str, Any], number: int, line: int | None) -> _Package:
    where = f"line {line}" if line else f"package {number}"
    name, version, origin = (table.get(k) for k in ("name", "version", "source"))
    dependencies = table.get("dependencies", [])
    if not isinstance(name, str) or not name:
        raise ReaderError(f"{source.path}: {where}: package without a name")
    if not isinstance(version, str) or not version:
        raise ReaderError(f"{source.path}: {where}: {name} has no version")
    if origin is not None and not isinstance(origin, str):
        raise ReaderError(f"{source.path}: {where}: {name}: 'source' is not a string")
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise ReaderError(f"{source.path}: {where}: {name}: 'dependencies' is not strings")
    return _Package(name, version, origin, tuple(dependencies), line)


def _name_lines(text: str, count: int) -> list[int | None]:
    """The line of each `[[package]]`'s `name = ...` key, in order (None if not found)."""
    lines: list[int | None] = []
    in_package = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("["):
            in_package = stripped.replace(" ", "") == "[[package]]"
            if in_package:
                lines.append(number)  # the header, until a name line is found
        elif in_package and stripped.startswith("name") and stripped[4:].lstrip()[:1] == "=":
            lines[-1] = number
            in_package = False
    if len(lines) != count:
        return [None] * count
    return lines
