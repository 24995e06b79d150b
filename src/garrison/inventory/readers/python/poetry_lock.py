"""poetry.lock (lock-version 1.x with `category`, 2.x with `groups`)."""

from __future__ import annotations

from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

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
    allows,
    direct_flag,
    is_blank,
    package_lines,
    pyproject_declared,
    required_name,
    string_field,
    table_list,
)
from garrison.model import Gap

NAME = "poetry.lock"
ECOSYSTEM = "PyPI"
matches = name_is("poetry.lock")

_NOT_FROM_INDEX = ("git", "url", "file", "directory")


def read(source: SourceFile) -> ReadResult:
    """Every locked package with its scope, edges, and direct flag from pyproject.toml."""
    if is_blank(source):
        return ReadResult(())
    data = load_toml(source, ARTIFACT_KEYS)
    if "package" not in data and "metadata" not in data:
        raise ReaderError(f"{source.path}: not a poetry.lock (no [[package]] or [metadata])")
    packages = table_list(source, data, "package")
    lines = package_lines(source.text(), "package", packages)
    builder = ResultBuilder(source, ECOSYSTEM)
    direct = direct_flag(pyproject_declared(source))
    index = NameIndex()
    keys: list[str] = []
    for number, (package, line) in enumerate(zip(packages, lines, strict=True), 1):
        where = f"package {number}"
        name = required_name(source, package, where)
        version = string_field(source, package, "version", where)
        key = builder.add(
            name, version, line=line, scope=_scope(source, package, where), direct=direct(name)
        )
        index.add(name, version, key)
        keys.append(key)
        _warn_if_not_from_index(builder, package, name, line)
    for package, key in zip(packages, keys, strict=True):
        for child in _dependency_keys(source, package, index):
            builder.depends(key, child)
    return builder.result()


def _scope(source: SourceFile, package: dict[str, Any], where: str) -> str | None:
    """Scope "dev" for a v1 `category = "dev"` or v2 `groups` without "main", "optional"
    for `optional = true`, else None."""
    category = string_field(source, package, "category", where)
    groups = package.get("groups")
    if groups is not None and not (
        isinstance(groups, list) and all(isinstance(g, str) for g in groups)
    ):
        raise ReaderError(f"{source.path}: {where}: 'groups' is not a list of strings")
    if category == "dev" or (groups is not None and "main" not in groups):
        return "dev"
    if package.get("optional") is True:
        return "optional"
    return None


def _warn_if_not_from_index(
    builder: ResultBuilder, package: dict[str, Any], name: str, line: int | None
) -> None:
    """A git/url/file/directory package is not a release from an index: say so."""
    origin = package.get("source")
    if not isinstance(origin, dict) or origin.get("type") not in _NOT_FROM_INDEX:
        return
    ref = origin.get("resolved_reference") or origin.get("reference")
    where = f"{origin.get('url', '')}@{ref}" if ref else str(origin.get("url", ""))
    message = f"{name}: from {origin['type']} {where}, not a package index"
    builder.warn(message, Gap.UNPINNED, line)


def _dependency_keys(source: SourceFile, package: dict[str, Any], index: NameIndex) -> list[str]:
    """Local keys of the packages `[package.dependencies]` names; where a name is locked at
    several versions, those its constraint allows (all of them when it cannot tell)."""
    dependencies = package.get("dependencies", {})
    if not isinstance(dependencies, dict):
        raise ReaderError(f"{source.path}: package {package.get('name')!r}: bad dependencies")
    children: list[str] = []
    for name, constraint in dependencies.items():
        candidates = index.find(name)
        if len(candidates) > 1:
            candidates = _allowed(candidates, index, name, constraint) or candidates
        children.extend(candidates)
    return children


def _allowed(candidates: list[str], index: NameIndex, name: str, constraint: Any) -> list[str]:
    """The candidates whose version one of the constraint's PEP 440 specifiers allows."""
    entries = constraint if isinstance(constraint, list) else [constraint]
    specifiers: list[SpecifierSet] = []
    for entry in entries:
        text = entry.get("version") if isinstance(entry, dict) else entry
        try:
            specifiers.append(SpecifierSet(text if isinstance(text, str) else ""))
        except InvalidSpecifier:
            return []
    return [
        key
        for key, version in index.entries(name)
        if key in candidates and version and any(allows(spec, version) for spec in specifiers)
    ]
