"""NuGet `packages.lock.json` (lock file versions 1 and 2).

The file holds one package graph per target framework (and runtime, "net8.0/linux-x64").
Each package is a component at its `resolved` version, once however many frameworks list it;
direct is True when any framework lists it as "Direct", False for "Transitive" and
"CentralTransitive" (None for a type this reader does not know). "Project" entries are the
solution's own projects and are not components. Edges come from each package's
`dependencies`, resolved within its framework (names case-insensitively, to the version that
framework resolved). The lock file says nothing of dev or test use, so scope is None. A
component's line is that of its key in the framework that first lists it.
"""

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

NAME = "packages.lock.json"
ECOSYSTEM = "NuGet"
matches = name_is("packages.lock.json")

_OBJECT_KEY = re.compile(r'"([^"\\\n]+)"\s*:\s*\{')  # NuGet ids have no escapes
_DIRECT = {"Direct": True, "Transitive": False, "CentralTransitive": False}


def read(source: SourceFile) -> ReadResult:
    """Every locked package, deduplicated across frameworks, with edges."""
    frameworks = _frameworks(source, load_json(source))
    lines = _key_lines(source.text())
    direct = _directness(frameworks)
    seen: dict[str, int] = {}  # name -> how many frameworks listed it so far
    builder = ResultBuilder(source, ECOSYSTEM)
    for packages in frameworks.values():
        keys: dict[str, str] = {}
        for name, entry in packages.items():
            occurrence = seen[name] = seen.get(name, -1) + 1
            if entry.get("type") == "Project":
                continue  # one of the solution's own projects
            version = _resolved(entry)
            key = f"{name.lower()}@{version or ''}"  # NuGet ids are case-insensitive
            line = _nth(lines.get(name, []), occurrence)
            flag = direct.get((name.lower(), version))
            keys[name.lower()] = builder.add(name, version, line=line, direct=flag, key=key)
        for name, entry in packages.items():
            parent = keys.get(name.lower())
            for child in _dependency_names(source, name, entry):
                if parent is not None and child.lower() in keys:
                    builder.depends(parent, keys[child.lower()])
    return builder.result()


def _frameworks(source: SourceFile, data: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """`dependencies`, checked: framework -> package name -> entry object."""
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: not a packages.lock.json (top level is not an object)")
    frameworks = data.get("dependencies")
    if not isinstance(frameworks, dict):
        raise ReaderError(f"{source.path}: 'dependencies' is missing or not an object")
    for framework, packages in frameworks.items():
        if not isinstance(packages, dict):
            raise ReaderError(f"{source.path}: framework {framework!r} is not an object")
        for name, entry in packages.items():
            if not isinstance(entry, dict):
                raise ReaderError(f"{source.path}: {framework}: {name!r} is not an object")
    return frameworks


def _resolved(entry: dict[str, Any]) -> str | None:
    version = entry.get("resolved")
    return version if isinstance(version, str) and version else None


def _directness(
    frameworks: dict[str, dict[str, dict[str, Any]]],
) -> dict[tuple[str, str | None], bool]:
    """(lower-case name, version) -> whether any framework lists it as Direct; packages of
    an unknown type are left out (direct None) unless another framework tells."""
    direct: dict[tuple[str, str | None], bool] = {}
    for packages in frameworks.values():
        for name, entry in packages.items():
            kind = entry.get("type")
            is_direct = _DIRECT.get(kind) if isinstance(kind, str) else None
            if is_direct is not None:
                key = (name.lower(), _resolved(entry))
                direct[key] = direct.get(key, False) or is_direct
    return direct


def _dependency_names(source: SourceFile, name: str, entry: dict[str, Any]) -> list[str]:
    dependencies = entry.get("dependencies", {})
    if not isinstance(dependencies, dict):
        raise ReaderError(f"{source.path}: {name}: 'dependencies' is not an object")
    return list(dependencies)


def _key_lines(text: str) -> dict[str, list[int]]:
    """The 1-based lines of every `"key": {`, per key in document order, in one pass."""
    lines: dict[str, list[int]] = {}
    line, position = 1, 0
    for match in _OBJECT_KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match[1], []).append(line)
    return lines


def _nth(lines: list[int], index: int) -> int | None:
    return lines[index] if index < len(lines) else None
