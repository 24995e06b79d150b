"""composer.lock: `packages` (scope None) and `packages-dev` (scope "dev").

Names are `vendor/package` as written. Versions lose a leading `v` before a digit
(`v5.4.1` -> `5.4.1`): Composer normalises tags that way and OSV's Packagist advisories
write versions without it, so listed-version matches work. A branch checkout (`dev-main`,
`2.x-dev`) has no release version: an UNPINNED warning naming the branch and commit, no
component. `license` gives the licences, `require` the edges (platform requirements such
as `php` and `ext-*` are not packages; a name another package `replace`s or `provide`s
leads to that package). Direct is True for what the sibling composer.json requires
(`require`, `require-dev`), False otherwise, None without a readable composer.json.
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    load_json,
    name_is,
)
from garrison.model import Gap

NAME = "composer.lock"
ECOSYSTEM = "Packagist"
matches = name_is("composer.lock")

_SECTIONS = (("packages", None), ("packages-dev", "dev"))
_NAME_KEY = re.compile(r'"name"\s*:\s*"([^"]+)"')
_LEADING_V = re.compile(r"^[vV](?=\d)")

Package = dict[str, Any]


def read(source: SourceFile) -> ReadResult:
    """Locked packages with scope, licences, edges and direct flags."""
    if not source.data.strip():
        return ReadResult(())
    data = load_json(source)
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: not a composer.lock (top level is not an object)")
    sections = [(scope, _section(source, data, key)) for key, scope in _SECTIONS]
    lines = _name_lines(source.text())
    declared = _declared(source)
    builder = ResultBuilder(source, ECOSYSTEM)
    keys: dict[str, str] = {}
    for scope, packages in sections:
        for package in packages:
            name = package["name"]
            line = lines[name].popleft() if lines.get(name) else None
            key = _add(builder, package, scope, line, declared)
            if key:
                keys.setdefault(name.lower(), key)
    _add_aliases(keys, sections)
    for _, packages in sections:
        for package in packages:
            parent = keys.get(package["name"].lower())
            for child in _required(package):
                if parent and child in keys:
                    builder.depends(parent, keys[child])
    return builder.result()


def _add(
    builder: ResultBuilder,
    package: Package,
    scope: str | None,
    line: int | None,
    declared: set[str] | None,
) -> str | None:
    """Add one package; a branch checkout gets a warning instead. Returns its key."""
    name, version = package["name"], package["version"]
    if _is_branch(version):
        commit = _reference(package)
        at = f" at commit {commit}" if commit else ""
        builder.warn(f"{name}: branch {version}{at} is not a release", Gap.UNPINNED, line)
        return None
    return builder.add(
        name,
        _LEADING_V.sub("", version),
        line=line,
        scope=scope,
        direct=(name.lower() in declared) if declared is not None else None,
        licenses=_licenses(builder.source, package),
    )


def _is_branch(version: str) -> bool:
    lowered = version.lower()
    return lowered.startswith("dev-") or lowered.endswith("-dev")


def _reference(package: Package) -> str | None:
    for key in ("source", "dist"):
        origin = package.get(key)
        if isinstance(origin, dict) and isinstance(origin.get("reference"), str):
            return str(origin["reference"]) or None
    return None


def _licenses(source: SourceFile, package: Package) -> tuple[str, ...]:
    value = package.get("license", [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ReaderError(f"{source.path}: {package['name']}: 'license' is not a list of strings")
    return tuple(value)


def _required(package: Package) -> list[str]:
    """The package names a package requires (platform requirements left out)."""
    require = package.get("require")
    if not isinstance(require, dict):
        return []
    return [name.lower() for name in require if "/" in name]


def _add_aliases(keys: dict[str, str], sections: list[tuple[str | None, list[Package]]]) -> None:
    """Names packages `replace` or `provide` lead to those packages (real names first)."""
    for _, packages in sections:
        for package in packages:
            key = keys.get(package["name"].lower())
            for field in ("replace", "provide"):
                names = package.get(field)
                if key and isinstance(names, dict):
                    for alias in names:
                        keys.setdefault(alias.lower(), key)


def _section(source: SourceFile, data: dict[str, Any], key: str) -> list[Package]:
    """A `packages` list, each entry checked to have a string name and version."""
    packages = data.get(key)
    if packages is None:
        return []
    if not isinstance(packages, list):
        raise ReaderError(f"{source.path}: '{key}' is not a list")
    for number, package in enumerate(packages, 1):
        where = f"{source.path}: {key}[{number - 1}]"
        if not isinstance(package, dict):
            raise ReaderError(f"{where}: not an object")
        name, version = package.get("name"), package.get("version")
        if not isinstance(name, str) or not name:
            raise ReaderError(f"{where}: no package name")
        if not isinstance(version, str) or not version:
            raise ReaderError(f"{where}: {name} has no version")
    return packages


def _name_lines(text: str) -> dict[str, deque[int]]:
    """The lines of every `"name": "..."` in the file, per name, in order (one pass)."""
    lines: dict[str, deque[int]] = {}
    line, position = 1, 0
    for found in _NAME_KEY.finditer(text):
        line += text.count("\n", position, found.start())
        position = found.start()
        lines.setdefault(found[1], deque()).append(line)
    return lines


def _declared(source: SourceFile) -> set[str] | None:
    """The (lower-cased) names the sibling composer.json requires, or None without one."""
    raw = source.open_relative("composer.json")
    if raw is None:
        return None
    try:
        manifest = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(manifest, dict):
        return None
    names: set[str] = set()
    for key in ("require", "require-dev"):
        section = manifest.get(key)
        if isinstance(section, dict):
            names.update(name.lower() for name in section)
    return names
