"""pylock.toml and pylock.<name>.toml (PEP 751 lock files)."""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    load_toml,
)
from garrison.inventory.readers.python.common import (
    NameIndex,
    is_blank,
    package_lines,
    required_name,
    string_field,
    table_list,
)
from garrison.model import Gap

NAME = "pylock.toml"
ECOSYSTEM = "PyPI"

_NOT_FROM_INDEX = ("vcs", "directory", "archive")


def matches(path: PurePosixPath) -> bool:
    name = path.name
    return name == "pylock.toml" or (
        name.startswith("pylock.") and name.endswith(".toml") and len(name) > 12
    )


def read(source: SourceFile) -> ReadResult:
    """Every `[[packages]]` entry; VCS, directory and archive entries are also warnings
    (a component only when they carry a version); the project's own directory (".") is
    not a dependency. Edges from `dependencies`; the format tells neither scope nor direct."""
    if is_blank(source):
        return ReadResult(())
    data = load_toml(source)
    if "lock-version" not in data:
        raise ReaderError(f"{source.path}: not a pylock.toml (no lock-version)")
    packages = table_list(source, data, "packages")
    lines = package_lines(source.text(), "packages", packages)
    builder = ResultBuilder(source, ECOSYSTEM)
    index = NameIndex()
    keys: list[str | None] = []
    for number, (package, line) in enumerate(zip(packages, lines, strict=True), 1):
        keys.append(_add(builder, index, package, line, f"package {number}"))
    for package, key in zip(packages, keys, strict=True):
        if key is not None:
            for child in _dependency_keys(source, package, index):
                builder.depends(key, child)
    return builder.result()


def _add(
    builder: ResultBuilder, index: NameIndex, package: dict[str, Any], line: int | None, where: str
) -> str | None:
    """Add one package (or only warn about it); returns its key when it became a component."""
    name = required_name(builder.source, package, where)
    version = string_field(builder.source, package, "version", where)
    kind = next((key for key in _NOT_FROM_INDEX if key in package), None)
    if kind is not None:
        origin = package[kind]
        if not isinstance(origin, dict):
            raise ReaderError(f"{builder.source.path}: {where}: '{kind}' is not a table")
        if kind == "directory" and posixpath.normpath(str(origin.get("path", ""))) == ".":
            return None  # the project itself
        where_from = origin.get("url") or origin.get("path") or ""
        commit = origin.get("commit-id")
        detail = f"{where_from}@{commit}" if commit else str(where_from)
        builder.warn(f"{name}: from {kind} {detail}, not a package index", Gap.UNPINNED, line)
        if version is None:
            return None
    key = builder.add(name, version, line=line)
    index.add(name, version, key)
    return key


def _dependency_keys(source: SourceFile, package: dict[str, Any], index: NameIndex) -> list[str]:
    dependencies = package.get("dependencies", [])
    if not isinstance(dependencies, list):
        raise ReaderError(f"{source.path}: {package.get('name')!r}: bad dependencies")
    keys: list[str] = []
    for dependency in dependencies:
        name = dependency.get("name") if isinstance(dependency, dict) else None
        if isinstance(name, str):
            version = dependency.get("version")
            keys += index.find(name, version if isinstance(version, str) else None)
    return keys
