"""Helpers shared by the Python readers: names, TOML shapes and lines, the sibling manifest."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion

from garrison.ecosystems import normalize_name
from garrison.inventory.readers.base import ReaderError, SourceFile

# The name at the start of a PEP 508 requirement ("requests[socks]>=2; ..." -> "requests").
_LEADING_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
# A TOML string value on the line of a `name = "..."` key.
_NAME_VALUE = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@lru_cache(maxsize=1 << 16)
def pep503(name: str) -> str:
    """The PEP 503 normalised form of a PyPI name ("Foo_Bar" -> "foo-bar")."""
    return normalize_name("PyPI", name)


def requirement_name(requirement: str) -> str | None:
    """The distribution name a PEP 508 requirement string starts with, if any."""
    found = _LEADING_NAME.match(requirement)
    return found[1] if found else None


def allows(specifier: SpecifierSet, version: str) -> bool:
    """Does a specifier set allow a version (pre-releases included)? Never raises."""
    try:
        return specifier.contains(version, prereleases=True)
    except InvalidVersion:
        return False


def is_blank(source: SourceFile) -> bool:
    """An empty or whitespace-only file: it holds nothing, so readers report nothing."""
    return not source.data.strip()


# --- TOML shapes ------------------------------------------------------------------------


def table_list(source: SourceFile, data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """`data[key]` as a list of tables (missing: empty); any other shape is a ReaderError."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ReaderError(f"{source.path}: '{key}' is not an array of tables")
    return value


def string_field(source: SourceFile, entry: Mapping[str, Any], key: str, where: str) -> str | None:
    """An optional string field of a table; present but not a string is a ReaderError."""
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise ReaderError(f"{source.path}: {where}: '{key}' is not a string")
    return value


def required_name(source: SourceFile, entry: Mapping[str, Any], where: str) -> str:
    """The non-empty `name` string of a package table, or a ReaderError."""
    name = string_field(source, entry, "name", where)
    if not name:
        raise ReaderError(f"{source.path}: {where}: package without a name")
    return name


def array_table_lines(text: str, table: str) -> list[int]:
    """For each `[[table]]` header in order, the line of its `name = ...` key (1-based).

    A header whose table has no such key before the next header gets the header's line.
    """
    header = f"[[{table}]]"
    lines: list[int] = []
    awaiting = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("["):
            awaiting = stripped.startswith(header)
            if awaiting:
                lines.append(number)
        elif awaiting and stripped.startswith("name") and stripped[4:].lstrip().startswith("="):
            lines[-1] = number
            awaiting = False
    return lines


def first_name_lines(text: str) -> dict[str, int]:
    """Each `name = "..."` value in the text mapped to the first line it appears on."""
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        if "name" in raw:
            for found in _NAME_VALUE.finditer(raw):
                lines.setdefault(found[1] if found[1] is not None else found[2], number)
    return lines


def package_lines(text: str, table: str, packages: list[dict[str, Any]]) -> list[int | None]:
    """A line for each package table: from its `[[table]]` header when every package has
    one, else from the first line naming it (inline arrays of tables)."""
    by_header = array_table_lines(text, table)
    if len(by_header) == len(packages):
        return list(by_header)
    by_name = first_name_lines(text)
    return [by_name.get(str(package.get("name"))) for package in packages]


# --- the sibling project manifest ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Declared:
    """What a pyproject.toml (or Pipfile) declares: normalised names of direct dependencies,
    and the names of its optional-dependency groups (extras) and development groups."""

    names: frozenset[str]
    optional_groups: frozenset[str] = field(default_factory=frozenset)
    dev_groups: frozenset[str] = field(default_factory=frozenset)


def sibling_toml(source: SourceFile, name: str) -> dict[str, Any] | None:
    """A TOML file beside this one, parsed; None when missing or unreadable."""
    data = source.open_relative(name)
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None


def _table(data: Any, *keys: str) -> dict[str, Any]:
    """A nested table, or an empty one where any step is missing or not a table."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _pep508_names(requirements: Any) -> Iterable[str]:
    if isinstance(requirements, list):
        for item in requirements:
            name = requirement_name(item) if isinstance(item, str) else None
            if name:
                yield name


def _group_names(groups: dict[str, Any]) -> Iterable[str]:
    for requirements in groups.values():
        yield from _pep508_names(requirements)


def pyproject_declared(source: SourceFile) -> Declared | None:
    """Dependencies a sibling pyproject.toml declares (PEP 621, PEP 735, Poetry, PDM, uv);
    None when there is none, or it has neither a [project] nor a [tool.poetry] table."""
    data = sibling_toml(source, "pyproject.toml")
    if data is None or not (_table(data, "project") or _table(data, "tool", "poetry")):
        return None
    project, poetry = _table(data, "project"), _table(data, "tool", "poetry")
    optional = _table(project, "optional-dependencies")
    dev_groups = {
        **_table(data, "dependency-groups"),
        **_table(data, "tool", "pdm", "dev-dependencies"),
    }
    names: list[str] = [*_pep508_names(project.get("dependencies")), *_group_names(optional)]
    names += [
        *_group_names(dev_groups),
        *_pep508_names(_table(data, "tool", "uv").get("dev-dependencies")),
    ]
    poetry_tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    poetry_tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()]
    names += [name for table in poetry_tables for name in table if name != "python"]
    poetry_groups = {key for key in _table(poetry, "group") if key != "main"}
    return Declared(
        frozenset(pep503(name) for name in names),
        frozenset(optional) | frozenset(_table(poetry, "extras")),
        frozenset(dev_groups) | poetry_groups,
    )


def direct_flag(declared: Declared | None) -> Callable[[str], bool | None]:
    """name -> True/False when the manifest is known, None when it is not."""
    if declared is None:
        return lambda _name: None
    return lambda name: pep503(name) in declared.names


# --- resolving dependency edges by name -----------------------------------------------------


@dataclass
class NameIndex:
    """Local keys of a file's components by normalised name, to resolve edges."""

    keys: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)

    def add(self, name: str, version: str | None, key: str) -> None:
        self.keys.setdefault(pep503(name), []).append((key, version))

    def entries(self, name: str) -> list[tuple[str, str | None]]:
        """(key, version) of every component with this name."""
        return self.keys.get(pep503(name), [])

    def find(self, name: str, version: str | None = None) -> list[str]:
        """Keys for a name; only the matching version's when one is given and known."""
        candidates = self.entries(name)
        if version is not None:
            exact = [key for key, known in candidates if known == version]
            if exact:
                return exact
        return [key for key, _ in candidates]


# Keys of artifact lists (URLs and hashes) in uv.lock, poetry.lock and pdm.lock: no reader
# needs them, and they are most of a big lockfile's bytes (see base.load_toml).
ARTIFACT_KEYS = frozenset({"wheels", "sdist", "files"})
