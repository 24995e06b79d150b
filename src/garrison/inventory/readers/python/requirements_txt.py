"""requirements*.txt (pip requirements files), following `-r` and `-c` includes.

Every requirement is direct. A pin (`==`, `===`) gives a component; a range, a bare name,
a URL, a VCS reference or a local path is an UNPINNED warning, with a component only when a
version is still known (a wheel or sdist file name, or a pin in a `-c` constraints file).
Constraints files only pin: what they list alone is not installed, so it is not reported.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
)
from garrison.inventory.readers.python.common import allows, is_blank, pep503, requirement_name
from garrison.inventory.readers.python.links import describe_link, is_url, looks_like_path
from garrison.model import Component, Gap, ScanWarning

NAME = "requirements.txt"
ECOSYSTEM = "PyPI"

_COMMENT = re.compile(r"(?:^|\s)#.*$")
# The common `name==1.2.3` / `name[extra]==1.2.3` line, read without the full PEP 508 parser.
_SIMPLE_PIN = re.compile(
    r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[A-Za-z0-9._,\s-]*\])?"
    r"\s*===?\s*(\d+(?:\.\d+)*(?:(?:a|b|rc|\.post|\.dev)\d+)*)"
)
_INCLUDES = {"-r": False, "--requirement": False, "-c": True, "--constraint": True}
_EDITABLE = frozenset({"-e", "--editable"})
_IGNORED_OPTIONS = frozenset(
    {
        "-i", "--index-url", "--extra-index-url", "--no-index", "-f", "--find-links",
        "--no-binary", "--only-binary", "--prefer-binary", "--require-hashes", "--pre",
        "--trusted-host", "--use-feature", "--hash", "--global-option", "--config-settings",
        "-C", "--install-option",
    }
)  # fmt: skip
_MAX_DEPTH = 32


def matches(path: PurePosixPath) -> bool:
    """requirements*.txt anywhere, and any .txt directly inside a `requirements/` directory."""
    name = path.name
    return name.endswith(".txt") and (
        name.startswith("requirements") or path.parent.name == "requirements"
    )


@dataclass(frozen=True, slots=True)
class _Item:
    """One line's outcome: a requirement (name/version) and/or a problem to warn about."""

    path: str  # the file it is in, relative to the target
    line: int
    name: str | None = None
    version: str | None = None
    problem: str | None = None
    gap: Gap = Gap.UNPINNED
    constraint: bool = False  # from a constraints file: pins versions, adds nothing
    pinnable: bool = False  # a plain unpinned requirement a constraint may pin


def read(source: SourceFile) -> ReadResult:
    """Components for the file and everything it includes (each at its own path)."""
    if is_blank(source):
        return ReadResult(())
    text = source.text()
    if "\x00" in text:
        raise ReaderError(f"{source.path}: binary data, not a requirements file")
    parser = _Parser(source, {posixpath.basename(source.path)})
    parser.parse(posixpath.basename(source.path), source.path, text, constraint=False, depth=0)
    return _build(source, parser.items)


@dataclass
class _Parser:
    top: SourceFile
    seen: set[str]  # included files, relative to the top file's directory
    items: list[_Item] = field(default_factory=list)

    def parse(self, rel: str, path: str, text: str, *, constraint: bool, depth: int) -> None:
        """Parse one file; `rel` is its path from the top file's directory."""
        for number, line in _logical_lines(text):
            if line.startswith("-"):
                self._option(rel, path, number, line, constraint=constraint, depth=depth)
            else:
                item = _requirement(_drop_options(line), path, number)
                self.items.append(_as_constraint(item) if constraint else item)

    def _option(
        self, rel: str, path: str, number: int, line: str, *, constraint: bool, depth: int
    ) -> None:
        option, value = _split_option(line)
        if option in _INCLUDES:
            target = value.replace("\\", "/")
            include = _Include(rel, path, number, target, constraint or _INCLUDES[option])
            self._include(include, depth)
        elif option in _EDITABLE:
            item = _Item(path, number, *describe_link(value, None, editable=True))
            self.items.append(_as_constraint(item) if constraint else item)
        elif option not in _IGNORED_OPTIONS:
            problem = f"unknown option {line.split()[0]!r}"
            self.items.append(_Item(path, number, problem=problem, gap=Gap.READER_FAILED))

    def _include(self, include: _Include, depth: int) -> None:
        """Follow `-r`/`-c` through open_relative; warn about what cannot be followed."""
        kind = "constraints file" if include.constraint else "requirements file"
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(include.rel), include.target))
        problem = None
        data = None
        if is_url(include.target):
            problem = f"cannot follow remote {kind} {include.target!r}"
        elif rel in self.seen:
            return  # already read (an include cycle or a repeat)
        elif depth >= _MAX_DEPTH:
            problem = f"{kind} {include.target!r} nested too deeply"
        elif (data := self.top.open_relative(rel)) is None:
            problem = f"{kind} {include.target!r} not found"
        if problem is not None or data is None:
            self.items.append(_Item(include.path, include.line, problem=problem, gap=Gap.SKIPPED))
            return
        self.seen.add(rel)
        top_dir = posixpath.dirname(self.top.path)
        path = posixpath.normpath(posixpath.join(top_dir, rel)) if top_dir else rel
        try:
            text = SourceFile(path, data).text()
        except ReaderError as error:
            problem = str(error)
            self.items.append(
                _Item(include.path, include.line, problem=problem, gap=Gap.READER_FAILED)
            )
            return
        self.parse(rel, path, text, constraint=include.constraint, depth=depth + 1)


@dataclass(frozen=True, slots=True)
class _Include:
    rel: str  # the including file, from the top file's directory
    path: str  # the including file, from the target
    line: int
    target: str
    constraint: bool


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each non-empty line, comments removed and `\\`
    continuations joined (a line with a comment does not continue)."""
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not parts:
            start = number
        stripped = _COMMENT.sub("", raw) if "#" in raw else raw
        if stripped == raw and raw.endswith("\\"):
            parts.append(raw[:-1])
            continue
        parts.append(stripped)
        joined = "".join(parts).strip()
        parts = []
        if joined:
            yield start, joined
    joined = "".join(parts).strip()
    if joined:
        yield start, joined


def _split_option(line: str) -> tuple[str, str]:
    """'--requirement=a.txt' / '--requirement a.txt' / '-ra.txt' -> (option, value)."""
    words = line.split(None, 1)
    first, rest = words[0], (words[1].strip() if len(words) > 1 else "")
    if first.startswith("--"):
        option, equals, value = first.partition("=")
        return option, (f"{value} {rest}".strip() if equals else rest)
    if len(first) > 2:
        return first[:2], f"{first[2:]} {rest}".strip()
    return first, rest


def _drop_options(line: str) -> str:
    """The requirement part of a line: its words up to the first option (`--hash=...`)."""
    words = line.split()
    for index, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:index])
    return line


def _as_constraint(item: _Item) -> _Item:
    return replace(item, constraint=True, pinnable=False)


def _requirement(spec: str, path: str, line: int) -> _Item:
    """One requirement specifier: a pin, a range, a URL/path, or something unparsable."""
    if "${" in spec:
        name = requirement_name(spec)
        problem = f"{name or spec}: version depends on environment variables in {spec!r}"
        return _Item(path, line, name, problem=problem)
    simple = _SIMPLE_PIN.fullmatch(spec)
    if simple is not None:
        return _Item(path, line, simple[1], simple[2])
    if is_url(spec) or looks_like_path(spec):
        return _Item(path, line, *describe_link(spec, None, editable=False))
    try:
        requirement = Requirement(spec)
    except InvalidRequirement:
        return _Item(
            path, line, problem=f"cannot parse requirement {spec!r}", gap=Gap.READER_FAILED
        )
    if requirement.url:
        link = describe_link(requirement.url, requirement.name, editable=False)
        return _Item(path, line, *link)
    version = _pinned(requirement.specifier)
    if version is not None:
        return _Item(path, line, requirement.name, version)
    shown = repr(str(requirement.specifier)) if requirement.specifier else "(no version)"
    problem = f"{requirement.name}: unpinned requirement {shown}"
    return _Item(path, line, requirement.name, problem=problem, pinnable=True)


def _pinned(specifier: SpecifierSet) -> str | None:
    """The one version an `==`/`===` specifier set allows, if it allows only one."""
    pins = {s.version for s in specifier if s.operator in ("==", "===")}
    if len(pins) != 1:
        return None
    version = pins.pop()
    if version.endswith("*") or (len(specifier) > 1 and not allows(specifier, version)):
        return None
    return version


def _build(source: SourceFile, items: list[_Item]) -> ReadResult:
    """Components and warnings per file (pins from constraints files applied)."""
    pins: dict[str, str] = {}
    for item in items:
        if item.constraint and item.name and item.version and item.problem is None:
            pins.setdefault(pep503(item.name), item.version)
    builders = {source.path: ResultBuilder(source, ECOSYSTEM)}
    for item in items:
        if item.constraint and item.name:
            continue
        builder = builders.get(item.path)
        if builder is None:
            builder = builders[item.path] = ResultBuilder(SourceFile(item.path, b""), ECOSYSTEM)
        version, problem = item.version, item.problem
        if item.pinnable and item.name and pep503(item.name) in pins:
            version, problem = pins[pep503(item.name)], None
        if problem is not None:
            builder.warn(problem, item.gap, item.line)
        if item.name and version:
            builder.add(item.name, version, line=item.line, direct=True)
    return _merge(builders.values())


def _merge(builders: Iterable[ResultBuilder]) -> ReadResult:
    components: dict[str, Component] = {}
    warnings: list[ScanWarning] = []
    for builder in builders:
        for key, component in builder.components.items():
            components.setdefault(key, component)
        warnings.extend(builder.warnings)
    return ReadResult(tuple(components.values()), (), tuple(warnings))
