"""mix.lock (Elixir's Mix; also Erlang projects built with Mix).

The file is one Elixir map literal from app name to a lock tuple, read with a small term
parser (`_terms`), not line by line, so any layout works. A Hex entry,
`{:hex, :package, "1.2.3", "checksum", [:mix], [deps], "hexpm", "checksum"}` (older Mix
writes fewer fields), is a component named after the Hex package (which may differ from
the app name). Each dep, `{:app, "~> 1.0", [hex: :package, repo: "hexpm", optional: false]}`,
is an edge to the entry of that app. A `{:git, url, commit, opts}` entry records no version:
an UNPINNED warning naming the repository and commit, no component; so for any other
non-Hex source. Mix.lock does not say which deps mix.exs declares, nor their environments:
direct and scope are None.
"""

from __future__ import annotations

from typing import Any

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    name_is,
)
from garrison.inventory.readers.elixir._terms import Atom, TermError, parse_map_entries
from garrison.model import Gap

NAME = "mix.lock"
ECOSYSTEM = "Hex"
matches = name_is("mix.lock")


def read(source: SourceFile) -> ReadResult:
    """Hex packages with dependency edges; git and other sources as warnings."""
    try:
        entries = parse_map_entries(source.text())
    except TermError as exc:
        raise ReaderError(f"{source.path}: {exc}") from None
    builder = ResultBuilder(source, ECOSYSTEM)
    keys: dict[str, str] = {}
    deps: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for app, lock, line in entries:
        where = f"{source.path}: line {line}: {app}"
        if not isinstance(lock, tuple) or not lock or not isinstance(lock[0], Atom):
            raise ReaderError(f"{where}: not a lock tuple")
        if app in seen:
            raise ReaderError(f"{where}: duplicate key")
        seen.add(app)
        if lock[0] != "hex":
            _warn_not_hex(builder, app, lock, line)
            continue
        name, version, children = _hex_entry(where, lock)
        keys[app] = builder.add(name, version, line=line)
        deps.append((app, children))
    for app, children in deps:
        for child in children:
            if child in keys:
                builder.depends(keys[app], keys[child])
    return builder.result()


def _hex_entry(where: str, lock: tuple[Any, ...]) -> tuple[str, str, list[str]]:
    """The package name, version and dep app names of a `{:hex, ...}` tuple."""
    if len(lock) < 3 or not isinstance(lock[1], Atom) or not isinstance(lock[2], str):
        raise ReaderError(f"{where}: hex entry without a package name and version")
    if isinstance(lock[2], Atom) or not lock[2]:
        raise ReaderError(f"{where}: hex entry without a version")
    deps = lock[5] if len(lock) > 5 else []
    if not isinstance(deps, list):
        raise ReaderError(f"{where}: the deps of a hex entry are not a list")
    children = []
    for dep in deps:
        if not isinstance(dep, tuple) or not dep or not isinstance(dep[0], Atom):
            raise ReaderError(f"{where}: malformed dep {dep!r}")
        children.append(str(dep[0]))
    return str(lock[1]), str(lock[2]), children


def _warn_not_hex(builder: ResultBuilder, app: str, lock: tuple[Any, ...], line: int) -> None:
    """A git (or other non-Hex) dependency: no version to report."""
    scm = str(lock[0])
    details = [str(part) for part in lock[1:3] if isinstance(part, str)]
    where = " at ".join(details)
    origin = f" {where}" if where else ""
    builder.warn(f"{app}: {scm} dependency{origin} has no version", Gap.UNPINNED, line)
