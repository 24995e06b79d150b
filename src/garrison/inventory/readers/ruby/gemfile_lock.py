"""Gemfile.lock (Bundler 1.x and 2.x; gems.locked is the same format).

Sections start at column 0. In a source section (`GEM`, `GIT`, `PATH`, `PLUGIN SOURCE`)
the `specs:` list gives each gem at four spaces as `name (version)` or
`name (version-platform)` (the version ends at the first `-`, Bundler's own rule), and at six
spaces what that gem depends on (edges). `DEPENDENCIES` lists what the Gemfile declares
(direct; a `!` suffix means "from a GIT/PATH source"); without that section direct is None.
A gem from `GIT` keeps its version with an UNPINNED warning naming the repository and
revision; a `PATH` gem keeps its version. `BUNDLED WITH` gives a `bundler` component: the
Bundler that installs the bundle has advisories of its own. Scope is None: the lockfile
does not record Gemfile groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    name_is,
)
from garrison.model import Gap

NAME = "Gemfile.lock"
ECOSYSTEM = "RubyGems"
matches = name_is("Gemfile.lock", "gems.locked")

_SOURCES = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})
_HEADER = re.compile(r"[A-Z][A-Z0-9 _]*")
# `name`, `name (version[-platform])` or `name (requirements)`, maybe with a `!` suffix.
_ENTRY = re.compile(r"(?P<name>[^\s(!]+)(?: \((?P<detail>[^)]*)\))?(?P<pinned>!)?")


@dataclass(slots=True)
class _Gem:
    name: str
    version: str | None
    line: int
    section: str
    origin: str
    dependencies: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Lockfile:
    gems: list[_Gem] = field(default_factory=list)
    declared: set[str] | None = None  # DEPENDENCIES, if the section exists
    bundler: tuple[str, int] | None = None


@dataclass(slots=True)
class _Section:
    name: str = ""
    remote: str = ""
    revision: str = ""
    in_specs: bool = False
    gem: _Gem | None = None  # the last gem of its specs


def read(source: SourceFile) -> ReadResult:
    """Every gem in the specs, direct flags, dependency edges and the Bundler version."""
    lockfile = _parse(source)
    builder = ResultBuilder(source, ECOSYSTEM)
    keys: dict[str, str] = {}
    declared = lockfile.declared
    for gem in lockfile.gems:
        direct = gem.name in declared if declared is not None else None
        key = builder.add(gem.name, gem.version, line=gem.line, direct=direct)
        keys.setdefault(gem.name, key)
        if gem.section == "GIT":
            builder.warn(
                f"{gem.name} {gem.version}: from git {gem.origin} (not a registry release)",
                Gap.UNPINNED,
                gem.line,
            )
    for gem in lockfile.gems:
        for child in gem.dependencies:
            if child in keys:
                builder.depends(keys[gem.name], keys[child])
    if lockfile.bundler:
        version, line = lockfile.bundler
        builder.add("bundler", version, line=line)
    return builder.result()


def _parse(source: SourceFile) -> _Lockfile:
    """The gems, declared names and Bundler version of a lockfile, checked line by line."""
    lockfile = _Lockfile()
    section = _Section()
    for number, raw in enumerate(source.text().splitlines(), 1):
        line = raw.rstrip()
        if not line:
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            if not _HEADER.fullmatch(line):
                raise ReaderError(f"{source.path}: line {number}: not a Gemfile.lock section")
            section = _Section(line)
            if line == "DEPENDENCIES":
                lockfile.declared = set()
        elif section.name in _SOURCES:
            _source_line(source, section, lockfile, line, indent, number)
        elif section.name == "DEPENDENCIES" and lockfile.declared is not None:
            lockfile.declared.add(_entry(source, line, number)[0])
        elif section.name == "BUNDLED WITH":
            lockfile.bundler = (line.strip(), number)
    return lockfile


def _source_line(
    source: SourceFile, section: _Section, lockfile: _Lockfile, line: str, indent: int, number: int
) -> None:
    """A line inside GEM/GIT/PATH: an option, `specs:`, a gem or one of its dependencies."""
    text = line.strip()
    if indent == 2:
        key, _, value = text.partition(": ")
        section.in_specs = text == "specs:"
        if key == "remote" and not section.remote:
            section.remote = value
        elif key == "revision":
            section.revision = value
    elif indent == 4 and section.in_specs:
        name, detail = _entry(source, text, number)
        version = detail.partition("-")[0] if detail else None
        origin = f"{section.remote}@{section.revision}" if section.revision else section.remote
        section.gem = _Gem(name, version, number, section.name, origin)
        lockfile.gems.append(section.gem)
    elif indent == 6 and section.in_specs and section.gem is not None:
        section.gem.dependencies.append(_entry(source, text, number)[0])
    else:
        raise ReaderError(f"{source.path}: line {number}: unexpected indentation")


def _entry(source: SourceFile, text: str, number: int) -> tuple[str, str | None]:
    """The name and the parenthesised detail (version or requirements) of an entry."""
    found = _ENTRY.fullmatch(text.strip())
    if found is None:
        raise ReaderError(f"{source.path}: line {number}: not a gem entry: {text.strip()!r}")
    return found["name"], found["detail"]
