"""pnpm-lock.yaml: lockfileVersion 5.x (`/name/1.0.0_peer@2` keys, `dev` flags), 6.x
(`/name@1.0.0(peer@2)` keys) and 9.x (`packages` + `snapshots`, no dev flags).

Direct dependencies come from `importers` (every workspace) or, in single-project v5/v6
files, from the top-level dependencies/devDependencies/optionalDependencies. Peer suffixes
are stripped from versions; copies of one package for different peers are one component.
v5/v6 say which packages are dev or optional; for v9 that is inferred from the importers.
"""

from __future__ import annotations

from typing import Any

from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile, load_yaml
from garrison.inventory.readers.javascript.common import (
    DEV,
    OPTIONAL,
    PROD,
    Graph,
    Node,
    emit,
    foreign_origin,
    is_version,
    lockfile_matcher,
    redact,
    scalar,
    split_descriptor,
)

NAME = "pnpm-lock.yaml"
ECOSYSTEM = "npm"
matches = lockfile_matcher("pnpm-lock.yaml")

_SECTIONS = (("dependencies", PROD), ("optionalDependencies", OPTIONAL), ("devDependencies", DEV))
_EDGES = (("dependencies", False), ("optionalDependencies", True))
_URL_PREFIXES = ("file:", "http:", "https:", "git+", "git:", "git@")
_Table = dict[str, dict[str, Any]]


def read(source: SourceFile) -> ReadResult:
    data = load_yaml(source)
    if data is None:
        return ReadResult(())  # empty, or only comments
    if not isinstance(data, dict):
        raise ReaderError(f"{source.path}: expected a YAML mapping, found {type(data).__name__}")
    lines = _key_lines(source.text())
    packages = _table(source, data, "packages", lines)
    snapshots = _table(source, data, "snapshots", lines)
    major = _major(scalar(source, data.get("lockfileVersion"), "lockfileVersion"), bool(snapshots))
    graph = Graph()
    keys = _add_packages(source, graph, packages, snapshots, major, lines)
    for path, meta in (snapshots or packages).items():
        for section, optional in _EDGES:
            for name, ref in _refs(source, meta, section, path):
                child = _resolve(keys, name, ref)
                if path in keys and child is not None:
                    graph.edge(keys[path], child, optional=optional)
    _add_roots(source, graph, data, keys)
    graph.infer_scopes = major >= 9
    return emit(graph, source).result()


def _add_packages(
    source: SourceFile,
    graph: Graph,
    packages: _Table,
    snapshots: _Table,
    major: int,
    lines: dict[str, int],
) -> dict[str, str]:
    """A node per package (v9: per snapshot, with its package's details); key per path."""
    keys: dict[str, str] = {}
    for path, meta in (snapshots or packages).items():
        info = packages.get(_strip_peers(path), {}) if snapshots else meta
        line = lines.get(_strip_peers(path)) if snapshots else lines.get(path)
        node = _node(source, path, info, meta, major, line)
        if node is not None:
            keys[path] = graph.add(node)
    covered = {_strip_peers(path) for path in snapshots}
    for path, info in packages.items():
        if snapshots and path not in covered:
            node = _node(source, path, info, info, major, lines.get(path))
            if node is not None:
                keys[path] = graph.add(node)
    return keys


def _node(
    source: SourceFile,
    path: str,
    info: dict[str, Any],
    meta: dict[str, Any],
    major: int,
    line: int | None,
) -> Node | None:
    """The package at a dependency path; None for a link (the project's own code)."""
    if path.startswith("link:"):
        return None
    parsed_name, parsed_version = _parse_path(path, major)
    own_name = info.get("name")
    name = own_name if isinstance(own_name, str) and own_name else parsed_name or path
    version = scalar(source, info.get("version"), f"{path!r}: version") or parsed_version
    scope = PROD
    if meta.get("dev") is True:
        scope = DEV
    elif meta.get("optional") is True:
        scope = OPTIONAL
    return Node(name, version if is_version(version) else None, line, scope, (), _origin(info))


def _parse_path(path: str, major: int) -> tuple[str, str | None]:
    """(name, version) from a dependency path such as /@s/n/1.0.0_p@2, /n@1.0.0(p@2), n@1.0.0
    (only used where the entry has no name and version of its own)."""
    if path.startswith(_URL_PREFIXES):
        return _strip_peers(path).rstrip("/").rpartition("/")[2].partition("_")[0], None
    text = _strip_peers(path.lstrip("/"))
    host, _, rest = text.partition("/")
    hosted = "." in host and not host.startswith("@") and bool(rest)
    if hosted:
        text = rest  # registry.npmjs.org/foo/1.0.0, github.com/owner/repo/commit
    if major >= 6:
        name, version = split_descriptor(text)
    else:
        name, _, version = text.rpartition("/")
        version = version.partition("_")[0]
    if hosted and not is_version(version):
        owner_repo = text.split("/")
        return (owner_repo[1] if len(owner_repo) > 1 else text), None  # the repository's name
    return (name, version) if name else (version, None)


def _strip_peers(path: str) -> str:
    cut = path.find("(")
    return path if cut <= 0 else path[:cut]


def _origin(info: dict[str, Any]) -> str | None:
    """Where a package came from when not a registry: a git commit, directory or tarball."""
    resolution = info.get("resolution")
    if not isinstance(resolution, dict):
        return None
    if isinstance(resolution.get("repo"), str):
        commit = resolution.get("commit")
        return f"{redact(resolution['repo'])}#{commit if isinstance(commit, str) else ''}"
    if isinstance(resolution.get("directory"), str):
        return f"file:{resolution['directory']}"
    tarball = resolution.get("tarball")
    return foreign_origin(tarball) if isinstance(tarball, str) else None


# --- importers and references -------------------------------------------------------------


def _add_roots(
    source: SourceFile, graph: Graph, data: dict[str, Any], keys: dict[str, str]
) -> None:
    importers = data.get("importers")
    if importers is not None:
        if not isinstance(importers, dict):
            raise ReaderError(f"{source.path}: importers is not a mapping")
        projects = [(str(path), project) for path, project in importers.items()]
    elif any(section in data for section, _ in _SECTIONS):
        projects = [(".", data)]
    else:
        return
    graph.direct_known = True
    for path, project in projects:
        if not isinstance(project, dict):
            raise ReaderError(f"{source.path}: importer {path!r} is not a mapping")
        for section, scope in _SECTIONS:
            for name, ref in _refs(source, project, section, path):
                child = _resolve(keys, name, ref)
                if child is not None:
                    graph.root(child, scope)


def _refs(
    source: SourceFile, meta: dict[str, Any], section: str, path: str
) -> list[tuple[str, str]]:
    """(name, reference) pairs of a dependency section; v6+ importers nest {specifier, version}."""
    value = meta.get(section)
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ReaderError(f"{source.path}: {path!r}: {section} is not a mapping")
    found = []
    for name, ref in value.items():
        if isinstance(ref, dict):
            ref = ref.get("version")
        text = scalar(source, ref, f"{path!r}: {section}: {name}")
        if text is not None:
            found.append((str(name), text))
    return found


def _resolve(keys: dict[str, str], name: str, ref: str) -> str | None:
    """The component a reference points at: a full path, or a version (with peer suffix)."""
    if ref.startswith("link:"):
        return None
    for candidate in (ref, f"/{name}/{ref}", f"/{name}@{ref}", f"{name}@{ref}"):
        if candidate in keys:
            return keys[candidate]
    return None


# --- shape checks and lines ---------------------------------------------------------------


def _table(source: SourceFile, data: dict[str, Any], section: str, lines: dict[str, int]) -> _Table:
    value = data.get(section)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ReaderError(f"{source.path}: {section} is not a mapping")
    table: _Table = {}
    for key, meta in value.items():
        if meta is not None and not isinstance(meta, dict):
            line = lines.get(str(key))
            raise ReaderError(
                f"{source.path}: {f'line {line}: ' if line else ''}{key!r} is not a mapping"
            )
        table[str(key)] = meta or {}
    return table


def _major(version: str | None, has_snapshots: bool) -> int:
    digits = (version or "").partition(".")[0]
    return int(digits) if digits.isdigit() else (9 if has_snapshots else 6)


def _key_lines(text: str) -> dict[str, int]:
    """The line of each key indented two spaces (package paths), unquoted, in one pass."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("  ") and line[2:3] not in (" ", "#", "-", ""):
            key = _line_key(line[2:].rstrip())
            if key is not None:
                found.setdefault(key, number)
    return found


def _line_key(body: str) -> str | None:
    """The key of `key:`, `key: value`, `'key': value` (None if the line is no key)."""
    if body[0] in "'\"":
        end = body.find(body[0], 1)
        return body[1:end] if end > 0 and body.startswith(":", end + 1) else None
    if body.endswith(":"):
        return body[:-1]
    cut = body.find(": ")
    return body[:cut] if cut > 0 else None
