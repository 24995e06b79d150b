"""pdm.lock (PDM): `[[package]]` tables with `groups` and PEP 508 `dependencies`."""

from __future__ import annotations

from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

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
    Declared,
    NameIndex,
    allows,
    direct_flag,
    is_blank,
    package_lines,
    pyproject_declared,
    required_name,
    requirement_name,
    string_field,
    table_list,
)
from garrison.model import Gap

NAME = "pdm.lock"
ECOSYSTEM = "PyPI"
matches = name_is("pdm.lock")

_NOT_FROM_INDEX = ("git", "url", "path")
# Group names that, when pyproject.toml does not say, are taken as development groups.
_DEV_GROUP_NAMES = frozenset({"dev", "test", "tests", "testing", "lint", "doc", "docs", "typing"})


def read(source: SourceFile) -> ReadResult:
    """Every locked package; scope from its groups ("default" -> None), direct from
    pyproject.toml when there is one, edges from `dependencies`."""
    if is_blank(source):
        return ReadResult(())
    data = load_toml(source, ARTIFACT_KEYS)
    if "package" not in data and "metadata" not in data:
        raise ReaderError(f"{source.path}: not a pdm.lock (no [[package]] or [metadata])")
    packages = table_list(source, data, "package")
    lines = package_lines(source.text(), "package", packages)
    declared = pyproject_declared(source)
    direct = direct_flag(declared)
    builder = ResultBuilder(source, ECOSYSTEM)
    index = NameIndex()
    keys: list[str] = []
    for number, (package, line) in enumerate(zip(packages, lines, strict=True), 1):
        where = f"package {number}"
        name = required_name(source, package, where)
        version = string_field(source, package, "version", where)
        scope = _scope(_groups(source, package, where), declared)
        key = builder.add(name, version, line=line, scope=scope, direct=direct(name))
        index.add(name, version, key)
        keys.append(key)
        _warn_if_not_from_index(builder, package, name, line)
    for package, key in zip(packages, keys, strict=True):
        for requirement in _dependencies(source, package):
            for child in _resolve(requirement, index):
                if child != key:  # an extras entry names its own base package
                    builder.depends(key, child)
    return builder.result()


def _groups(source: SourceFile, package: dict[str, Any], where: str) -> list[str] | None:
    groups = package.get("groups")
    if groups is not None and not (
        isinstance(groups, list) and all(isinstance(group, str) for group in groups)
    ):
        raise ReaderError(f"{source.path}: {where}: 'groups' is not a list of strings")
    return groups


def _scope(groups: list[str] | None, declared: Declared | None) -> str | None:
    """None for the default group (or no groups); "dev" when every group is a development
    group; else "optional" (an extra). pyproject.toml says which is which when present."""
    if not groups or "default" in groups:
        return None
    dev = declared.dev_groups if declared else frozenset()
    optional = declared.optional_groups if declared else frozenset()
    for group in groups:
        if group in optional or (group not in dev and group not in _DEV_GROUP_NAMES):
            return "optional"
    return "dev"


def _warn_if_not_from_index(
    builder: ResultBuilder, package: dict[str, Any], name: str, line: int | None
) -> None:
    """A git/url/path package is not a release from an index: say so."""
    kind = next((key for key in _NOT_FROM_INDEX if key in package), None)
    if kind is None:
        return
    ref = package.get("revision") or package.get("ref")
    where = f"{package[kind]}@{ref}" if ref else str(package[kind])
    builder.warn(f"{name}: from {kind} {where}, not a package index", Gap.UNPINNED, line)


def _dependencies(source: SourceFile, package: dict[str, Any]) -> list[str]:
    dependencies = package.get("dependencies", [])
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise ReaderError(f"{source.path}: {package.get('name')!r}: bad dependencies")
    return dependencies


def _resolve(requirement: str, index: NameIndex) -> list[str]:
    """Keys a PEP 508 dependency names; where several versions are locked, those it allows."""
    name = requirement_name(requirement)
    if name is None:
        return []
    candidates = index.find(name)
    if len(candidates) < 2:
        return candidates
    try:
        specifier = Requirement(requirement).specifier
    except InvalidRequirement:
        return candidates
    allowed = [
        key for key, version in index.entries(name) if version and allows(specifier, version)
    ]
    return allowed or candidates
