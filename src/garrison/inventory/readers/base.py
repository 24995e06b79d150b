"""The interface every lockfile/manifest reader implements, and helpers they share.

A reader is a module with:
    NAME: str                                  unique, e.g. "package-lock.json"
    ECOSYSTEM: str                             OSV ecosystem of what it reads, e.g. "npm"
    def matches(path: PurePosixPath) -> bool   cheap: decided from the path alone
    def read(source: SourceFile) -> ReadResult pure: bytes in, components out
Optionally:
    MAX_BYTES: int                             files larger are skipped with a warning
    def sniff(head: bytes) -> bool             for files no name identifies (binaries)

`read` raises ReaderError (or any GarrisonError) for a file it cannot read; the walk turns
that into a warning naming the file (and line) and goes on.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol

import yaml

from garrison.errors import InputError
from garrison.model import Component, Gap, Location, ScanWarning
from garrison.sbom.purls import build_purl
from garrison.yamlsafe import StrictLoader

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class ReaderError(InputError):
    """A file a reader claimed cannot be read. The message names the file (and line)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file handed to a reader. `path` is relative to the scan target (POSIX form).

    `open_relative(rel)` returns the bytes of another file, relative to this file's directory,
    or None if it is missing, unreadable or outside the target (used for `-r` includes, pom
    parents and the like).
    """

    path: str
    data: bytes
    open_relative: Callable[[str], bytes | None] = lambda _rel: None

    def text(self) -> str:
        """The file as UTF-8 text (BOM tolerated); invalid UTF-8 is a ReaderError."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReaderError(f"{self.path}: not UTF-8 text (byte {exc.start})") from None


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What one file holds. Components' bom_ref are local keys unique within this file;
    `dependencies` maps such a key to the keys it depends on."""

    components: tuple[Component, ...]
    dependencies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    warnings: tuple[ScanWarning, ...] = ()


class Reader(Protocol):
    NAME: str
    ECOSYSTEM: str

    def matches(self, path: PurePosixPath) -> bool: ...

    def read(self, source: SourceFile) -> ReadResult: ...


# --- parsing helpers: one safe way to load each format -----------------------------------


def load_json(source: SourceFile) -> Any:
    """Parse JSON; duplicate keys and syntax errors are ReaderErrors naming the line."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ReaderError(f"{source.path}: duplicate key {key!r}")
            result[key] = value
        return result

    try:
        return json.loads(source.text(), object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise ReaderError(f"{source.path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReaderError(f"{source.path}: JSON nested too deeply") from None


def load_toml(source: SourceFile, skip_keys: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Parse TOML (tomllib rejects duplicate keys itself).

    `skip_keys` names keys whose values no reader needs and that dominate big lockfiles
    (`wheels`, `files`, `sdist`: artifact URLs and hashes); lines holding them are blanked
    before parsing (line numbers stay true), which makes tomllib 3-5x faster. If the text
    does not parse that way, it is parsed whole, so the shortcut can never change a verdict.
    """
    text = source.text()
    blanked = _blank_keys(text, skip_keys) if skip_keys else None
    if blanked is not None:
        try:
            return tomllib.loads(blanked)
        except (tomllib.TOMLDecodeError, RecursionError):
            pass
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReaderError(f"{source.path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ReaderError(f"{source.path}: TOML nested too deeply") from None


def _blank_keys(text: str, keys: frozenset[str]) -> str | None:
    """Blank `key = {...}` lines and `key = [` ... `]` blocks whose every inner line is one
    inline table; None (parse the whole text) at anything else, such as an unclosed block."""
    lines = text.split("\n")
    inside = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if inside:
            if stripped == "]":
                inside = False
            elif not (stripped.startswith("{") and stripped.endswith(("}", "},"))):
                return None
            lines[index] = ""
            continue
        key, equals, rest = stripped.partition(" = ")
        if not equals or key not in keys:
            continue
        if rest == "[":
            inside = True
        elif not _one_line_tables(rest):
            return None
        lines[index] = ""
    return None if inside else "\n".join(lines)


def _one_line_tables(value: str) -> bool:
    """`{...}` or `[{...}]`: an inline table, or a one-line array of them."""
    return (value[:1], value[-1:]) == ("{", "}") or (value[:2], value[-2:]) == ("[{", "}]")


def load_yaml(source: SourceFile) -> Any:
    """Parse YAML safely (no alias bombs, no duplicate keys, timestamps stay strings)."""
    try:
        document = yaml.load(source.text(), Loader=StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise ReaderError(f"{source.path}:{where} invalid YAML: {_yaml_reason(exc)}") from None
    except RecursionError:
        raise ReaderError(f"{source.path}: YAML nested too deeply") from None
    _refuse_shared_containers(source, document)
    return document


def _refuse_shared_containers(source: SourceFile, document: Any) -> None:
    """Refuse a document in which one list or mapping is reachable twice.

    That only happens through YAML aliases, which no lockfile writes; a "billion laughs"
    document loads into a few shared objects, but walking it would never end. The check
    visits each distinct container once, so it is linear in the size of the document.
    """
    seen: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                raise ReaderError(f"{source.path}: YAML aliases are not allowed in a lockfile")
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)


def _yaml_reason(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or exc).strip()


# --- building results --------------------------------------------------------------------


@dataclass
class ResultBuilder:
    """Accumulates one file's components, edges and warnings; `key` dedupes by name@version."""

    source: SourceFile
    ecosystem: str
    components: dict[str, Component] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[ScanWarning] = field(default_factory=list)

    def add(
        self,
        name: str,
        version: str | None,
        *,
        line: int | None = None,
        scope: str | None = None,
        direct: bool | None = None,
        licenses: Iterable[str] = (),
        key: str | None = None,
        ecosystem: str | None = None,
    ) -> str:
        """Add a component (first occurrence wins); returns its local key."""
        local = key or f"{name}@{version or ''}"
        if local not in self.components:
            eco = ecosystem or self.ecosystem
            self.components[local] = Component(
                ecosystem=eco,
                name=name,
                version=version,
                purl=build_purl(eco, name, version),
                location=Location(self.source.path, line),
                licenses=tuple(licenses),
                bom_ref=local,
                scope=scope,
                direct=direct,
            )
            if not version:
                self.warn(f"{name}: no resolvable version", Gap.NO_VERSION, line)
        return local

    def depends(self, parent: str, child: str) -> None:
        children = self.edges.setdefault(parent, [])
        if child not in children:
            children.append(child)

    def warn(self, message: str, gap: Gap, line: int | None = None) -> None:
        where = f"line {line}: " if line else ""
        self.warnings.append(ScanWarning(self.source.path, f"{where}{message}", gap, line))

    def result(self) -> ReadResult:
        known = self.components.keys()
        edges = tuple(
            (parent, tuple(c for c in children if c in known))
            for parent, children in self.edges.items()
            if parent in known
        )
        return ReadResult(tuple(self.components.values()), edges, tuple(self.warnings))


class NameMatcher:
    """A `matches` for readers identified by exact file names, plus an optional extra test.

    `names` lets the walk skip the reader for every other file without calling it (a
    20,000-file tree would otherwise cost 600,000 calls).
    """

    __slots__ = ("extra", "names")

    def __init__(
        self, names: Iterable[str], extra: Callable[[PurePosixPath], bool] | None = None
    ) -> None:
        self.names = frozenset(names)
        self.extra = extra

    def __call__(self, path: PurePosixPath) -> bool:
        return path.name in self.names and (self.extra is None or self.extra(path))


def name_is(*names: str) -> NameMatcher:
    """A `matches` for readers identified by exact file names."""
    return NameMatcher(names)
