"""package-lock.json and npm-shrinkwrap.json: lockfileVersion 1 (nested `dependencies`) and
2/3 (`packages` keyed by install path, used whenever present).

Every entry under a node_modules path is a component; the root entry "" and other paths
outside node_modules (workspaces, `file:` directories) are the project's own code, and so are
links (`link: true`). What those declare are the direct dependencies. Edges are resolved as
node does: the nearest `node_modules/<name>` up the tree from the requiring package.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile, load_json
from garrison.inventory.readers.javascript.common import (
    DEV,
    OPTIONAL,
    PROD,
    Graph,
    Node,
    emit,
    foreign_origin,
    is_version,
    json_key_lines,
    licences,
    lockfile_matcher,
    sibling_manifest,
    split_descriptor,
)

NAME = "package-lock.json"
ECOSYSTEM = "npm"
matches = lockfile_matcher("package-lock.json", "npm-shrinkwrap.json")

_EDGES = (("dependencies", False), ("optionalDependencies", True), ("peerDependencies", False))
_DECLARED = (
    ("dependencies", PROD),
    ("optionalDependencies", OPTIONAL),
    ("devDependencies", DEV),
    ("peerDependencies", PROD),
)
_TARBALL = (".tgz", ".tar.gz", ".tar")

Declared = list[tuple[str, str | None]]  # (name, scope) a project declares
_Lines = dict[str, list[int]]  # key text -> every line it opens an object on


@dataclass
class _Tree:
    """A lockfile flattened to install paths: packages, links and the project's own dirs."""

    installs: dict[str, dict[str, Any]] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    projects: dict[str, Declared] = field(default_factory=dict)


def read(source: SourceFile) -> ReadResult:
    data = load_json(source)
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: expected a JSON object, found {type(data).__name__}")
    lines = json_key_lines(source.text())
    tree = _Tree()
    if data.get("packages") is not None:
        _read_packages(source, tree, data["packages"], lines)
    else:
        dependencies = data.get("dependencies")
        _read_v1(source, tree, {} if dependencies is None else dependencies, lines)
    if "" not in tree.projects:
        manifest = sibling_manifest(source)
        if manifest is not None and not manifest.has_workspaces:
            tree.projects[""] = [(name, scope) for name, _, scope in manifest.requirements]
    return emit(_graph(source, tree), source).result()


# --- lockfileVersion 2 and 3 -------------------------------------------------------------


def _read_packages(source: SourceFile, tree: _Tree, packages: Any, lines: _Lines) -> None:
    for path, meta in _entries(source, packages, "'packages'", lines):
        line = _first(lines, path)
        if meta.get("link"):
            tree.links[path] = _text(source, meta, "resolved", path, line) or ""
        elif path == "" or not _under_node_modules(path):
            tree.projects[path] = _declared(source, meta, path, line)
        else:
            tree.installs[path] = meta
            tree.lines[path] = line


def _under_node_modules(path: str) -> bool:
    return path.startswith("node_modules/") or "/node_modules/" in path


# --- lockfileVersion 1 -------------------------------------------------------------------


def _read_v1(source: SourceFile, tree: _Tree, dependencies: Any, lines: _Lines) -> None:
    """Nested `dependencies` flattened to v2-style paths and entries, in document order."""
    cursor = 0
    stack = list(reversed(list(_entries(source, dependencies, "'dependencies'", lines, ""))))
    while stack:
        path, meta = stack.pop()
        name = path[path.rfind("node_modules/") + 13 :]
        line = _next_line(lines.get(name), cursor)
        cursor = line or cursor
        entry = _v1_entry(source, meta, path, line)
        if entry is None:
            tree.projects[path] = _declared(
                source, {"dependencies": meta.get("requires")}, path, line
            )
        else:
            tree.installs[path] = entry
            tree.lines[path] = line
        nested = meta.get("dependencies")
        if nested:
            where = f"{_at(line)}{path!r}: dependencies"
            stack.extend(reversed(list(_entries(source, nested, where, lines, path))))


def _v1_entry(
    source: SourceFile, meta: dict[str, Any], path: str, line: int | None
) -> dict[str, Any] | None:
    """A v1 entry in v2 shape; None for a `file:` directory (a link to the project's code)."""
    version = _text(source, meta, "version", path, line) or ""
    entry: dict[str, Any] = {k: meta[k] for k in ("dev", "optional", "resolved") if k in meta}
    entry["dependencies"] = meta.get("requires")
    if not isinstance(entry["dependencies"], dict | None):
        raise ReaderError(f"{source.path}: {_at(line)}{path!r}: requires is not an object")
    if version.startswith("npm:"):
        entry["name"], entry["version"] = split_descriptor(version[4:])
    elif is_version(version):
        entry["version"] = version
    elif version.startswith("file:") and not version.endswith(_TARBALL):
        return None
    elif version:
        entry["resolved"] = version
    return entry


def _next_line(candidates: list[int] | None, after: int) -> int | None:
    """The first line holding the key after `after` (entries come in document order)."""
    if not candidates:
        return None
    index = bisect_right(candidates, after)
    return candidates[index] if index < len(candidates) else None


# --- checking entries ---------------------------------------------------------------------


def _entries(
    source: SourceFile, value: Any, where: str, lines: _Lines, parent: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, entry) pairs of a `packages` or v1 `dependencies` object, each checked."""
    if not isinstance(value, dict):
        raise ReaderError(f"{source.path}: {where} is not an object")
    for key, meta in value.items():
        path = key if parent is None else f"{parent}/node_modules/{key}".lstrip("/")
        if not isinstance(meta, dict):
            line = _first(lines, key)
            raise ReaderError(f"{source.path}: {_at(line)}entry {key!r} is not an object")
        yield path, meta


def _text(
    source: SourceFile, meta: dict[str, Any], key: str, path: str, line: int | None
) -> str | None:
    value = meta.get(key)
    if value is not None and not isinstance(value, str):
        raise ReaderError(f"{source.path}: {_at(line)}{path!r}: {key} is not a string")
    return value


def _declared(source: SourceFile, meta: dict[str, Any], path: str, line: int | None) -> Declared:
    """(name, scope) of what a project entry (root, workspace, linked dir) depends on."""
    found: Declared = []
    for section, scope in _DECLARED:
        found.extend((name, scope) for name in _names(source, meta, section, path, line))
    return found


def _names(
    source: SourceFile, meta: dict[str, Any], section: str, path: str, line: int | None
) -> list[str]:
    value = meta.get(section)
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ReaderError(f"{source.path}: {_at(line)}{path!r}: {section} is not an object")
    return list(value)


def _first(lines: _Lines, key: str) -> int | None:
    found = lines.get(key)
    return found[0] if found else None


def _at(line: int | None) -> str:
    return f"line {line}: " if line else ""


# --- the graph ----------------------------------------------------------------------------


def _graph(source: SourceFile, tree: _Tree) -> Graph:
    graph = Graph(direct_known=True if "" in tree.projects else None)
    keys = {
        path: graph.add(_node(source, path, meta, tree.lines[path]))
        for path, meta in tree.installs.items()
    }
    for path, meta in tree.installs.items():
        for section, optional in _EDGES:
            for name in _names(source, meta, section, path, tree.lines[path]):
                target = _resolve(tree, path, name)
                if target is not None:
                    graph.edge(keys[path], keys[target], optional=optional)
    for path, declared in tree.projects.items():
        for name, scope in declared:
            target = _resolve(tree, path, name)
            if target is not None:
                graph.root(keys[target], scope)
    return graph


def _node(source: SourceFile, path: str, meta: dict[str, Any], line: int | None) -> Node:
    name = _text(source, meta, "name", path, line) or path[path.rfind("node_modules/") + 13 :]
    version = _text(source, meta, "version", path, line)
    resolved = _text(source, meta, "resolved", path, line)
    scope = DEV if meta.get("dev") or meta.get("devOptional") else PROD
    if scope is PROD and meta.get("optional"):
        scope = OPTIONAL
    return Node(name, version or None, line, scope, licences(meta), foreign_origin(resolved))


def _resolve(tree: _Tree, start: str, name: str) -> str | None:
    """The install path node would load `name` from, for code at `start` (links followed)."""
    here = start
    while True:
        candidate = f"{here}/node_modules/{name}" if here else f"node_modules/{name}"
        if candidate in tree.installs:
            return candidate
        if candidate in tree.links:
            target = tree.links[candidate]
            return target if target in tree.installs else None
        if not here:
            return None
        here = _parent(here)


def _parent(path: str) -> str:
    """Where node looks next: the package enclosing a nested install, else the parent dir."""
    nested = path.rfind("/node_modules/")
    if nested >= 0:
        return path[:nested]
    if path.startswith("node_modules/"):
        return ""
    return path.rpartition("/")[0]
