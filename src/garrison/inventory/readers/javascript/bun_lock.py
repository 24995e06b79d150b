"""bun.lock: bun's text lockfile (JSON with trailing commas; bun writes no comments). The
binary bun.lockb is not claimed: nothing in it can be read without bun.

    "workspaces": {"": {"dependencies": {"chalk": "^4.0.0"}}},
    "packages": {
      "chalk": ["chalk@4.1.2", "", {"dependencies": {"supports-color": "^7.1.0"}}, "sha512-.."],
      "chalk/supports-color": ["supports-color@7.2.0", "", {}, "sha512-.."],
    }

`packages` keys are install paths (`parent/child`, a workspace's own copies under its name);
the first tuple element names the real package and its version (or its git/file/URL source).
Workspaces declare the direct dependencies; dev/optional scopes are inferred from them.
"""

from __future__ import annotations

import re
from typing import Any

from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile, load_json
from garrison.inventory.readers.javascript.common import (
    DEV,
    LOCAL_PROTOCOLS,
    OPTIONAL,
    PROD,
    Graph,
    Node,
    emit,
    is_version,
    lockfile_matcher,
    redact,
    split_descriptor,
)

NAME = "bun.lock"
ECOSYSTEM = "npm"
matches = lockfile_matcher("bun.lock")

_TRAILING_COMMA = re.compile(r",\s*[\]}]")
_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_EDGES = (("dependencies", False), ("optionalDependencies", True), ("peerDependencies", False))
_DECLARED = (
    ("dependencies", PROD),
    ("optionalDependencies", OPTIONAL),
    ("devDependencies", DEV),
    ("peerDependencies", PROD),
)


def read(source: SourceFile) -> ReadResult:
    text = source.text()
    data = load_json(SourceFile(source.path, strip_trailing_commas(text).encode()))
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: expected a JSON object, found {type(data).__name__}")
    lines = _key_lines(text)
    packages = _object(source, data, "packages")
    graph = Graph()
    keys: dict[str, str | None] = {}  # install path -> component key (None: the project's)
    metas: dict[str, dict[str, Any]] = {}
    for path, value in packages.items():
        node, metas[path] = _entry(source, path, value, lines.get(path))
        keys[path] = None if node is None else graph.add(node)
    for path, meta in metas.items():
        parent, segments = keys[path], _segments(path)
        optional_peers = meta.get("optionalPeers")
        optional_peers = optional_peers if isinstance(optional_peers, list) else []
        for section, optional in _EDGES:
            for name in _names(source, meta, section, path):
                child = _resolve(keys, segments, name)
                if parent is not None and child is not None:
                    graph.edge(parent, child, optional=optional or name in optional_peers)
    _add_roots(source, graph, _object(source, data, "workspaces"), keys)
    return emit(graph, source).result()


def strip_trailing_commas(text: str) -> str:
    """JSON from bun's JSON-with-trailing-commas: each comma before a closing bracket is
    dropped unless it sits inside a string (JSON strings never span lines, so the comma's
    own line tells)."""
    pieces = []
    last = 0
    for match in _TRAILING_COMMA.finditer(text):
        comma = match.start()
        line = text[text.rfind("\n", 0, comma) + 1 : comma]
        if '"' in _STRING.sub("", line):
            continue  # an unclosed string before the comma: the comma is inside it
        pieces.append(text[last:comma])
        last = comma + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _entry(
    source: SourceFile, path: str, value: Any, line: int | None
) -> tuple[Node | None, dict[str, Any]]:
    """The component a `packages` tuple describes (None for the project's own code)."""
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        where = f"line {line}: " if line else ""
        raise ReaderError(f'{source.path}: {where}{path!r}: expected ["name@version", ...]')
    name, spec = split_descriptor(value[0])
    meta = next((item for item in value[1:3] if isinstance(item, dict)), {})
    if spec.startswith(LOCAL_PROTOCOLS):
        return None, meta
    if is_version(spec):
        return Node(name, spec, line), meta
    return Node(name, None, line, origin=redact(spec) or None), meta


def _add_roots(
    source: SourceFile, graph: Graph, workspaces: dict[str, Any], keys: dict[str, str | None]
) -> None:
    """Each workspace's declared dependencies, resolved from the workspace (its own copies
    are keyed under its name) up to the root."""
    graph.direct_known = True if workspaces else None
    graph.infer_scopes = bool(workspaces)
    for path, workspace in workspaces.items():
        if not isinstance(workspace, dict):
            raise ReaderError(f"{source.path}: workspace {path!r} is not an object")
        own = workspace.get("name")
        start = [own] if path and isinstance(own, str) and own else []
        for section, scope in _DECLARED:
            for name in _names(source, workspace, section, path):
                child = _resolve(keys, start, name)
                if child is not None:
                    graph.root(child, scope)


def _resolve(keys: dict[str, str | None], segments: list[str], name: str) -> str | None:
    """The nearest copy of `name` seen from the package at `segments` (as node_modules);
    None when that is the project's own code or nothing."""
    for depth in range(len(segments), -1, -1):
        candidate = "/".join([*segments[:depth], name])
        if candidate in keys:
            return keys[candidate]
    return None


def _segments(path: str) -> list[str]:
    """Package names along an install path: 'a/@s/b/c' -> ['a', '@s/b', 'c']."""
    parts = path.split("/")
    found: list[str] = []
    index = 0
    while index < len(parts):
        if parts[index].startswith("@") and index + 1 < len(parts):
            found.append(f"{parts[index]}/{parts[index + 1]}")
            index += 2
        else:
            found.append(parts[index])
            index += 1
    return found


def _object(source: SourceFile, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ReaderError(f"{source.path}: {key!r} is not an object")
    return value


def _names(source: SourceFile, meta: dict[str, Any], section: str, path: str) -> list[str]:
    value = meta.get(section)
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ReaderError(f"{source.path}: {path!r}: {section} is not an object")
    return list(value)


def _key_lines(text: str) -> dict[str, int]:
    """The line of each `"key": [` (a packages entry), in one pass."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        if stripped.startswith('"'):
            end = stripped.find('"', 1)
            if end > 0 and stripped.startswith('": [', end):
                found.setdefault(stripped[1:end], number)
    return found
