"""pubspec.lock (Dart and Flutter).

`packages` maps each package to its `dependency` ("direct main", "direct dev",
"direct overridden", "transitive"), `source` (hosted, git, path, sdk), `description` and
`version`. A hosted or git package is a component: direct unless transitive, scope "dev"
for "direct dev"; a git one also gets an UNPINNED warning (its version is the pubspec's,
not a pub.dev release). A `path` package is the project's own code and an `sdk` package
(flutter, flutter_test, ...) ships with the Flutter SDK, not through pub.dev: neither is a
component. The lockfile records no edges.
"""

from __future__ import annotations

import re
from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    load_yaml,
    name_is,
)
from garrison.model import Gap

NAME = "pubspec.lock"
ECOSYSTEM = "Pub"
matches = name_is("pubspec.lock")

_DEPENDENCY_KINDS = {
    "direct main": (True, None),
    "direct dev": (True, "dev"),
    "direct overridden": (True, None),
    "transitive": (False, None),
}
_NOT_COMPONENTS = frozenset({"path", "sdk"})
# A mapping key starting a line: indentation, the (maybe quoted) key, a colon.
_KEY_LINE = re.compile(r"( *)[\"']?([^\"'\s:#]+)[\"']?:(?:\s|$)")


def read(source: SourceFile) -> ReadResult:
    """Hosted and git packages with direct flags and dev scope."""
    data = load_yaml(source)
    if data is None:
        return ReadResult(())
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: not a pubspec.lock (top level is not a mapping)")
    packages = data.get("packages") or {}
    if not isinstance(packages, dict):
        raise ReaderError(f"{source.path}: 'packages' is not a mapping")
    lines = _package_lines(source.text())
    builder = ResultBuilder(source, ECOSYSTEM)
    for name, entry in packages.items():
        _add(builder, str(name), entry, lines.get(str(name)))
    return builder.result()


def _add(builder: ResultBuilder, name: str, entry: Any, line: int | None) -> None:
    where = (
        f"{builder.source.path}: line {line}: {name}" if line else f"{builder.source.path}: {name}"
    )
    if not isinstance(entry, dict):
        raise ReaderError(f"{where}: not a mapping")
    origin, version, kind = (entry.get(key) for key in ("source", "version", "dependency"))
    if not isinstance(origin, str):
        raise ReaderError(f"{where}: no 'source'")
    if origin in _NOT_COMPONENTS:
        return
    if not isinstance(version, str) or not version:
        raise ReaderError(f"{where}: 'version' is not a string")
    if kind not in _DEPENDENCY_KINDS:
        raise ReaderError(f"{where}: unknown dependency kind {kind!r}")
    direct, scope = _DEPENDENCY_KINDS[kind]
    builder.add(_registry_name(name, entry), version, line=line, scope=scope, direct=direct)
    if origin == "git":
        builder.warn(
            f"{name} {version}: from git {_git_origin(entry)} (not a registry release)",
            Gap.UNPINNED,
            line,
        )


def _registry_name(name: str, entry: dict[str, Any]) -> str:
    """A hosted package's name on its server (the key, unless the description differs)."""
    description = entry.get("description")
    if entry.get("source") == "hosted" and isinstance(description, dict):
        hosted = description.get("name")
        if isinstance(hosted, str) and hosted:
            return hosted
    return name


def _git_origin(entry: dict[str, Any]) -> str:
    description = entry.get("description")
    if not isinstance(description, dict):
        return "(no description)"
    url = description.get("url", "")
    commit = description.get("resolved-ref") or description.get("ref") or ""
    return f"{url}@{commit}" if commit else str(url)


def _package_lines(text: str) -> dict[str, int]:
    """The line of each key directly under the top-level `packages:` (one pass)."""
    lines: dict[str, int] = {}
    inside = False
    indent: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            inside = raw.startswith("packages:")
            continue
        found = _KEY_LINE.match(raw) if inside else None
        if found is None:
            continue
        if indent is None:
            indent = len(found[1])
        if len(found[1]) == indent:
            lines.setdefault(found[2], number)
    return lines
