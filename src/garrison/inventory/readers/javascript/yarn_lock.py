"""yarn.lock: classic (v1, yarn's own text format) and berry (v2+, YAML with `__metadata`).

Each entry lists the descriptors (`name@range`) it satisfies; dependencies are descriptors
too, so edges resolve exactly. Workspace, link and portal entries are the project's own code:
not components, but what they depend on is direct. The lockfile does not say what is a dev
dependency: the sibling package.json does, and dev/optional scopes of transitive packages are
inferred from what only dev (or optional) roots reach, for a single-project lockfile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile, load_yaml
from garrison.inventory.readers.javascript import yarn_classic
from garrison.inventory.readers.javascript.common import (
    LOCAL_PROTOCOLS,
    PROD,
    Graph,
    Node,
    emit,
    foreign_origin,
    lockfile_matcher,
    redact,
    scalar,
    sibling_manifest,
    split_descriptor,
)

NAME = "yarn.lock"
ECOSYSTEM = "npm"
matches = lockfile_matcher("yarn.lock")

_SOURCE_HINTS = ("file:", "git", "github:", "gitlab:", "bitbucket:", "http:", "https:", "ssh:")


@dataclass(slots=True)
class _Package:
    """One entry, classic or berry, in one shape."""

    descriptors: list[str]
    name: str
    version: str | None
    line: int | None
    origin: str | None = None
    local: str | None = None  # the protocol of the project's own code: workspace:, link:, ...
    deps: list[tuple[str, str, bool]] = field(default_factory=list)  # name, range, optional


def read(source: SourceFile) -> ReadResult:
    text = source.text()
    if text.startswith("__metadata:") or "\n__metadata:" in text:
        packages = _berry(source, text)
    else:
        packages = [_classic(block) for block in yarn_classic.parse(source)]
    return emit(_graph(source, packages), source).result()


# --- classic ------------------------------------------------------------------------------


def _classic(block: yarn_classic.Block) -> _Package:
    alias, spec = split_descriptor(block.descriptors[0])
    name = split_descriptor(spec[4:])[0] if spec.startswith("npm:") else alias
    resolved = block.fields.get("resolved")
    package = _Package(block.descriptors, name, block.fields.get("version") or None, block.line)
    package.local = _local_protocol(spec)
    package.origin = foreign_origin(resolved) if resolved else _spec_origin(spec)
    for section, optional in (("dependencies", False), ("optionalDependencies", True)):
        for dep, dep_range in block.sections.get(section, {}).items():
            package.deps.append((dep, dep_range, optional))
    return package


def _spec_origin(spec: str) -> str | None:
    """The origin a range names when nothing was resolved: a path, URL or repository."""
    if spec.startswith(_SOURCE_HINTS) or "/" in spec:
        return redact(spec.partition("::")[0])
    return None


def _local_protocol(spec: str) -> str | None:
    """workspace:, link:, portal: or root: when a range names the project's own code."""
    if not spec.startswith(LOCAL_PROTOCOLS):
        return None
    return spec[: spec.index(":") + 1]


# --- berry --------------------------------------------------------------------------------


def _berry(source: SourceFile, text: str) -> list[_Package]:
    data = load_yaml(source)
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: expected a YAML mapping, found {type(data).__name__}")
    lines = _header_lines(text)
    packages = []
    for key, entry in data.items():
        if key == "__metadata":
            continue
        line = lines.get(str(key))
        if not isinstance(key, str) or not isinstance(entry, dict):
            where = f"line {line}: " if line else ""
            raise ReaderError(f"{source.path}: {where}entry {key!r} is not a mapping")
        packages.append(_berry_package(source, key, entry, line))
    return packages


def _berry_package(
    source: SourceFile, key: str, entry: dict[str, Any], line: int | None
) -> _Package:
    descriptors = [part.strip() for part in key.split(",") if part.strip()]
    resolution = entry.get("resolution")
    if not isinstance(resolution, str):
        resolution = descriptors[0] if descriptors else key
    name, locator = split_descriptor(resolution)
    if locator.startswith("patch:"):
        name, locator = split_descriptor(unquote(locator[6:].partition("#")[0]))
    version = scalar(source, entry.get("version"), f"{key!r}: version")
    package = _Package(descriptors, name, version, line)
    package.local = _local_protocol(locator)
    if not locator.startswith("npm:"):
        package.origin = _spec_origin(locator) or foreign_origin(locator)
    package.deps = _berry_deps(source, entry, line)
    return package


def _berry_deps(
    source: SourceFile, entry: dict[str, Any], line: int | None
) -> list[tuple[str, str, bool]]:
    deps = entry.get("dependencies") or {}
    meta = entry.get("dependenciesMeta") or {}
    where = f"line {line}: " if line else ""
    if not isinstance(deps, dict) or not isinstance(meta, dict):
        raise ReaderError(f"{source.path}: {where}dependencies is not a mapping")
    found = []
    for name, spec in deps.items():
        flags = meta.get(name)
        optional = isinstance(flags, dict) and bool(flags.get("optional"))
        text = scalar(source, spec, f"{where}dependency {name!r}") or ""
        found.append((str(name), text, optional))
    return found


def _header_lines(text: str) -> dict[str, int]:
    """The line of each top-level key (an entry's descriptors), unquoted, in one pass."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.endswith(":") and line[:1] not in ("", " ", "#", "\t"):
            key = line[:-1]
            if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
                key = key[1:-1]
            found.setdefault(key, number)
    return found


# --- the graph ----------------------------------------------------------------------------


def _graph(source: SourceFile, packages: list[_Package]) -> Graph:
    graph = Graph()
    keys: dict[str, str | None] = {}  # descriptor -> component key (None: the project's code)
    for package in packages:
        key = None
        if package.local is None:
            node = Node(package.name, package.version, package.line, origin=package.origin)
            key = graph.add(node)
        for descriptor in package.descriptors:
            keys.setdefault(descriptor, key)
            keys.setdefault(descriptor.partition("::")[0], key)  # berry's ::locator=... binding
    for package in packages:
        parent = keys.get(package.descriptors[0]) if package.descriptors else None
        for name, spec, optional in package.deps:
            child = _lookup(keys, name, spec)
            if parent is not None and child is not None:
                graph.edge(parent, child, optional=optional)
    _add_roots(source, graph, packages, keys)
    return graph


def _lookup(keys: dict[str, str | None], name: str, spec: str) -> str | None:
    """The component a dependency `name: spec` resolved to (berry omits the npm: default)."""
    found = keys.get(f"{name}@{spec}")
    return found if found is not None else keys.get(f"{name}@npm:{spec}")


def _add_roots(
    source: SourceFile, graph: Graph, packages: list[_Package], keys: dict[str, str | None]
) -> None:
    """Direct dependencies: what the project's own entries (berry workspaces, links) and the
    sibling package.json declare. Berry lists every workspace, so then the rest are transitive."""
    manifest = sibling_manifest(source)
    for project in (p for p in packages if p.local is not None):
        if manifest is not None and _is_root(project):
            continue  # package.json declares the same, and says which are dev
        for name, spec, _ in project.deps:
            child = _lookup(keys, name, spec)
            if child is not None:
                graph.root(child, PROD)
    if manifest is not None:
        for name, spec, scope in manifest.requirements:
            child = _lookup(keys, name, spec)
            if child is not None:
                graph.root(child, scope)
    workspaces = [p for p in packages if p.local == "workspace:"]
    if workspaces:
        graph.direct_known = True
    elif manifest is not None:
        graph.direct_known = not manifest.has_workspaces
    single = manifest is not None and not manifest.has_workspaces
    graph.infer_scopes = single and all(_is_root(p) for p in workspaces)


def _is_root(package: _Package) -> bool:
    return any(d.endswith("@workspace:.") for d in package.descriptors)
