"""uv.lock (uv): `[[package]]` tables with sources, dependencies, extras and dev groups.

The project itself (and any workspace member) is a package whose source is `virtual` or
`editable` at "." (or one listed in `[manifest] members`): it is not reported; what it
depends on decides `direct`, and which of its tables reaches a package decides `scope`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    load_toml,
    name_is,
)
from garrison.inventory.readers.python.common import (
    ARTIFACT_KEYS,
    NameIndex,
    is_blank,
    package_lines,
    pep503,
    required_name,
    string_field,
    table_list,
)
from garrison.model import Gap

NAME = "uv.lock"
ECOSYSTEM = "PyPI"
matches = name_is("uv.lock")

_PROJECT_SOURCES = ("virtual", "editable")
_NOT_FROM_INDEX = ("git", "url", "path", "directory", "editable", "virtual")

# A dependency edge: the child's local key and the extras of the child it asks for.
Edge = tuple[str, frozenset[str]]


@dataclass
class _Package:
    """One `[[package]]`, with its dependency tables still raw (lists of tables)."""

    key: str | None  # None for the project itself or a workspace member
    table: dict[str, Any]
    edges: list[Edge] = field(default_factory=list)
    extras: dict[str, list[Edge]] = field(default_factory=dict)
    groups: dict[str, list[Edge]] = field(default_factory=dict)


def read(source: SourceFile) -> ReadResult:
    """Every locked package except the project; edges, direct and scope as above."""
    if is_blank(source):
        return ReadResult(())
    data = load_toml(source, ARTIFACT_KEYS)
    if "package" not in data and "version" not in data:
        raise ReaderError(f"{source.path}: not a uv.lock (no version or [[package]])")
    packages = table_list(source, data, "package")
    lines = package_lines(source.text(), "package", packages)
    members = _workspace_members(data)
    builder = ResultBuilder(source, ECOSYSTEM)
    index = NameIndex()
    parsed = [
        _add(builder, index, package, line, members, number)
        for number, (package, line) in enumerate(zip(packages, lines, strict=True), 1)
    ]
    for package in parsed:
        _link(source, package, index)
        if package.key is not None:
            for child, _ in [*package.edges, *chain.from_iterable(package.extras.values())]:
                builder.depends(package.key, child)
    roots = [package for package in parsed if package.key is None]
    if roots:
        _mark_direct_and_scope(builder, parsed, roots)
    return builder.result()


def _workspace_members(data: dict[str, Any]) -> frozenset[str]:
    manifest = data.get("manifest")
    members = manifest.get("members") if isinstance(manifest, dict) else None
    if not isinstance(members, list):
        return frozenset()
    return frozenset(pep503(member) for member in members if isinstance(member, str))


def _add(
    builder: ResultBuilder,
    index: NameIndex,
    table: dict[str, Any],
    line: int | None,
    members: frozenset[str],
    number: int,
) -> _Package:
    """Add a package's component (not for the project itself) and index it."""
    where = f"package {number}"
    name = required_name(builder.source, table, where)
    version = string_field(builder.source, table, "version", where)
    origin = table.get("source")
    origin = origin if isinstance(origin, dict) else {}
    kind = next((k for k in _NOT_FROM_INDEX if k in origin), None)
    if kind in _PROJECT_SOURCES and (origin[kind] == "." or pep503(name) in members):
        return _Package(None, table)
    key = builder.add(name, version, line=line)
    index.add(name, version, key)
    if kind is not None:
        message = f"{name}: from {kind} {origin[kind]}, not a package index"
        builder.warn(message, Gap.UNPINNED, line)
    return _Package(key, table)


def _link(source: SourceFile, package: _Package, index: NameIndex) -> None:
    """Resolve the package's dependency tables into edges by name (and version)."""
    package.edges = _edges(source, package.table.get("dependencies", []), index)
    package.extras = _edge_groups(source, package.table, "optional-dependencies", index)
    package.groups = _edge_groups(source, package.table, "dev-dependencies", index)


def _edge_groups(
    source: SourceFile, table: dict[str, Any], key: str, index: NameIndex
) -> dict[str, list[Edge]]:
    groups = table.get(key, {})
    if not isinstance(groups, dict):
        raise ReaderError(f"{source.path}: {table.get('name')!r}: bad {key}")
    return {group: _edges(source, dependencies, index) for group, dependencies in groups.items()}


def _edges(source: SourceFile, dependencies: Any, index: NameIndex) -> list[Edge]:
    if not isinstance(dependencies, list):
        raise ReaderError(f"{source.path}: dependencies are not an array")
    edges: list[Edge] = []
    for dependency in dependencies:
        if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
            raise ReaderError(f"{source.path}: a dependency without a name")
        version = dependency.get("version")
        extras = dependency.get("extra", [])
        wanted = (
            frozenset(e for e in extras if isinstance(e, str))
            if isinstance(extras, list)
            else frozenset()
        )
        for key in index.find(dependency["name"], version if isinstance(version, str) else None):
            edges.append((key, wanted))
    return edges


def _mark_direct_and_scope(
    builder: ResultBuilder, parsed: list[_Package], roots: list[_Package]
) -> None:
    """direct: named by a project table; scope: None when reachable from the project's
    dependencies, else "optional" (from its extras) or "dev" (from its dev groups)."""
    by_key = {package.key: package for package in parsed if package.key is not None}
    required = [edge for root in roots for edge in root.edges]
    optional = [edge for root in roots for edges in root.extras.values() for edge in edges]
    dev = [edge for root in roots for edges in root.groups.values() for edge in edges]
    direct = {key for key, _ in (*required, *optional, *dev)}
    reach_required = _reachable(required, by_key)
    reach_optional = _reachable(optional, by_key)
    reach_dev = _reachable(dev, by_key)
    for key, component in builder.components.items():
        scope = None
        if key not in reach_required and key in reach_optional:
            scope = "optional"
        elif key not in reach_required and key in reach_dev:
            scope = "dev"
        builder.components[key] = replace(component, scope=scope, direct=key in direct)


def _reachable(start: Iterable[Edge], by_key: dict[str, _Package]) -> set[str]:
    """Keys reachable from the start edges, following each package's dependencies and the
    optional dependencies of the extras asked for."""
    seen: set[str] = set()
    seen_extras: set[tuple[str, str]] = set()
    queue = deque(start)
    while queue:
        key, extras = queue.popleft()
        package = by_key[key]
        if key not in seen:
            seen.add(key)
            queue.extend(package.edges)
        for extra in (extra for extra in extras if (key, extra) not in seen_extras):
            seen_extras.add((key, extra))
            queue.extend(package.extras.get(extra, []))
    return seen
