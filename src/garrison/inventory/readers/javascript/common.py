"""What the javascript readers share: package names, origins, licences, the dependency graph
each lockfile is turned into, and the one-pass maps from a key's text to its line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from garrison.inventory.readers.base import NameMatcher, ReaderError, ResultBuilder, SourceFile
from garrison.model import Gap

ECOSYSTEM = "npm"
PROD, OPTIONAL, DEV = None, "optional", "dev"
_RANK = {PROD: 0, OPTIONAL: 1, DEV: 2}
LOCAL_PROTOCOLS = ("link:", "portal:", "workspace:", "root:")
_CREDENTIALS = re.compile(r"(?<=//)[^/@\s]+@")
_REGISTRY_HOSTS = ("npm.pkg.github.com",)


def lockfile_matcher(*names: str) -> NameMatcher:
    """A `matches` for lockfiles: the name, but never inside node_modules (packages there may
    ship their authors' lockfiles; the node_modules reader sees what was installed)."""
    return NameMatcher(names, lambda path: "node_modules" not in path.parts)


def split_descriptor(text: str) -> tuple[str, str]:
    """'@scope/name@range' -> ('@scope/name', 'range'); without a range -> (text, '')."""
    at = text.find("@", 1)
    return (text, "") if at < 0 else (text[:at], text[at + 1 :])


def is_version(text: str | None) -> bool:
    """A concrete version (1.2.3, 1.0.0-rc.1), not a range, tag, URL or path."""
    return bool(text and text[0].isdigit() and ":" not in text and "/" not in text)


def redact(url: str) -> str:
    """The URL without user:password or token before the host."""
    return _CREDENTIALS.sub("", url)


def foreign_origin(resolved: str | None) -> str | None:
    """Where a package came from when that is not a registry release (redacted), else None."""
    if not resolved or resolved.startswith("npm:") or is_version(resolved):
        return None
    if resolved.startswith(("http://", "https://")) and (
        "/-/" in resolved or any(host in resolved for host in _REGISTRY_HOSTS)
    ):
        return None
    return redact(resolved)


def scalar(source: SourceFile, value: Any, what: str) -> str | None:
    """A YAML/JSON scalar as text (None stays None); a list or mapping is a ReaderError (and
    is never turned into text: an aliased YAML list can be astronomically large)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ReaderError(f"{source.path}: {what} is not a string")


def licences(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The `license` (or legacy `licenses`) a package manifest or lockfile entry states."""
    value = meta.get("license") or meta.get("licenses")
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        text = item.get("type") if isinstance(item, dict) else item
        if isinstance(text, str) and text.strip():
            found.append(text.strip())
    return tuple(found)


def stronger_scope(first: str | None, second: str | None) -> str | None:
    """The scope of a package needed as both: prod beats optional beats dev."""
    return first if _RANK.get(first, 0) <= _RANK.get(second, 0) else second


# --- the graph every lockfile is turned into ---------------------------------------------


@dataclass(slots=True)
class Node:
    name: str
    version: str | None
    line: int | None = None
    scope: str | None = None
    licences: tuple[str, ...] = ()
    origin: str | None = None


@dataclass
class Graph:
    """Packages keyed by name@version (copies merged), edges, and the project's own direct
    dependencies (`roots`: key -> scope of the section that declares it).

    `direct_known`: True when `roots` lists every direct dependency (the rest are transitive),
    False when it may miss some (the rest are 'not told'), None when there are no roots at all.
    `infer_scopes`: the lockfile does not mark dev/optional packages; derive them from what is
    reachable from prod, optional and dev roots (as npm does).
    """

    nodes: dict[str, Node] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    optional_edges: set[tuple[str, str]] = field(default_factory=set)
    roots: dict[str, str | None] = field(default_factory=dict)
    direct_known: bool | None = None
    infer_scopes: bool = False

    def add(self, node: Node) -> str:
        """Add a package (merged with an earlier copy of it); returns its key: name@version,
        plus the origin for non-registry code (two git commits are two components)."""
        key = f"{node.name}@{node.version or ''}"
        if node.origin:
            key = f"{key} ({node.origin})"
        old = self.nodes.get(key)
        if old is None:
            self.nodes[key] = node
        else:
            old.scope = stronger_scope(old.scope, node.scope)
            old.licences = old.licences or node.licences
            old.origin = old.origin or node.origin
        return key

    def edge(self, parent: str, child: str, *, optional: bool = False) -> None:
        children = self.children.setdefault(parent, [])
        if child not in children:
            children.append(child)
        if optional:
            self.optional_edges.add((parent, child))

    def root(self, key: str, scope: str | None) -> None:
        self.roots[key] = stronger_scope(self.roots[key], scope) if key in self.roots else scope


def _reachable(graph: Graph, start: Iterable[str], *, follow_optional: bool) -> set[str]:
    seen = set(start)
    stack = list(seen)
    while stack:
        parent = stack.pop()
        for child in graph.children.get(parent, ()):
            if child not in seen and (
                follow_optional or (parent, child) not in graph.optional_edges
            ):
                seen.add(child)
                stack.append(child)
    return seen


def inferred_scopes(graph: Graph) -> dict[str, str | None]:
    """dev: only dev roots reach it; optional: only via optional roots or edges; else prod."""
    prod = [key for key, scope in graph.roots.items() if scope is PROD]
    optional = [key for key, scope in graph.roots.items() if scope == OPTIONAL]
    dev = [key for key, scope in graph.roots.items() if scope == DEV]
    required = _reachable(graph, prod, follow_optional=False)
    maybe = _reachable(graph, prod + optional, follow_optional=True)
    from_dev = _reachable(graph, dev, follow_optional=True)
    scopes: dict[str, str | None] = {}
    for key in graph.nodes:
        if key in required:
            scopes[key] = PROD
        elif key in from_dev:
            scopes[key] = DEV
        elif key in maybe:
            scopes[key] = OPTIONAL
    return scopes


def emit(graph: Graph, source: SourceFile) -> ResultBuilder:
    """Components, edges and warnings of a graph, in the order its packages were added."""
    builder = ResultBuilder(source, ECOSYSTEM)
    scopes = inferred_scopes(graph) if graph.infer_scopes else {}
    for key, node in graph.nodes.items():
        direct = _direct(graph, key)
        scope = scopes.get(key, node.scope) if graph.infer_scopes else node.scope
        builder.add(
            node.name,
            node.version,
            line=node.line,
            scope=scope,
            direct=direct,
            licenses=node.licences,
            key=key,
        )
        if node.origin:
            where = f"{node.name}@{node.version}" if node.version else node.name
            message = f"{where}: resolved from {node.origin}, not a registry release"
            builder.warn(message, Gap.UNPINNED, node.line)
    for parent, children in graph.children.items():
        for child in children:
            builder.depends(parent, child)
    return builder


def _direct(graph: Graph, key: str) -> bool | None:
    if graph.direct_known is None:
        return None
    if key in graph.roots:
        return True
    return False if graph.direct_known else None


# --- the project's package.json beside a lockfile -----------------------------------------

MANIFEST_SECTIONS = (
    ("dependencies", PROD),
    ("optionalDependencies", OPTIONAL),
    ("devDependencies", DEV),
)


@dataclass(frozen=True, slots=True)
class Manifest:
    """The sibling package.json: its declared dependencies (name, range, scope) and whether
    it is a workspace root (other workspaces' package.json files are then not seen)."""

    requirements: tuple[tuple[str, str, str | None], ...]
    has_workspaces: bool


def sibling_manifest(source: SourceFile) -> Manifest | None:
    """The package.json beside a lockfile, or None if absent or unreadable."""
    raw = source.open_relative("package.json")
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    return Manifest(tuple(requirements(data)), bool(data.get("workspaces")))


def requirements(
    meta: Mapping[str, Any], sections: Iterable[tuple[str, str | None]] = MANIFEST_SECTIONS
) -> Iterable[tuple[str, str, str | None]]:
    """(name, range, scope) of each dependency a manifest declares (non-objects ignored)."""
    for section, scope in sections:
        declared = meta.get(section)
        if isinstance(declared, dict):
            for name, spec in declared.items():
                yield name, spec if isinstance(spec, str) else "", scope


# --- line numbers -------------------------------------------------------------------------


def json_key_lines(text: str, opener: str = "{") -> dict[str, list[int]]:
    """Every line (1-based) of pretty-printed JSON that opens `"key": {` (or `[`), by key.
    One pass over the lines; keys are compared as written (escapes are not decoded)."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if line.endswith(opener):
            stripped = line.lstrip()
            if stripped.startswith('"'):
                end = stripped.find('"', 1)
                if end > 0:
                    found.setdefault(stripped[1:end], []).append(number)
    return found
