"""Paths of the check language (pure): parse `spec.containers[*].image`, resolve them in a
Resource.

Syntax: dot-separated keys; `[*]` every item of a list (or value of a mapping); `[n]` one
item (negative counts from the end); `"..."` a key with dots or other special characters;
`.` alone is the object itself. A leading `/` anchors the path at the resource root instead
of the current object; a leading macro anchors it at `$pod` (the workload's pod spec, from
`context["pod_spec"]`), `$containers` (every container, init container and ephemeral
container of the pod spec) or `$meta` (`context["pod_meta"]`, else `metadata`). A null
value counts as absent everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from garrison.errors import ConfigError
from garrison.iac.model import DocPath, Resource


class _Wild:
    def __repr__(self) -> str:
        return "[*]"


WILD: Final = _Wild()
Segment = str | int | _Wild
Value = tuple[Any, DocPath]  # a value found in the document, and where

MACROS = ("pod", "containers", "meta")
CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|(?P<bare>[^.\[\]"]+)|\[(?P<index>\*|-?\d+)\]')
_MACRO = re.compile(r"\$(?P<name>[A-Za-z_]+)")


class PathError(ConfigError):
    """A path of the check language does not parse."""


@dataclass(frozen=True, slots=True)
class Path:
    """A parsed path: `anchor` is "obj", "root" or a macro name."""

    text: str
    anchor: str
    segments: tuple[Segment, ...]


def parse_path(text: str) -> Path:
    """Parse a path; a PathError says what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise PathError(f"path must be a non-empty string, not {text!r}")
    rest, anchor = text.strip(), "obj"
    if rest.startswith("/"):
        rest, anchor = rest[1:], "root"
    elif rest.startswith("$"):
        macro = _MACRO.match(rest)
        if macro is None or macro["name"] not in MACROS:
            raise PathError(f"path {text!r}: unknown macro (known: ${', $'.join(MACROS)})")
        rest, anchor = rest[macro.end() :], macro["name"]
        if rest and rest[0] not in ".[":
            raise PathError(f"path {text!r}: expected '.' or '[' after the macro")
        rest = rest[1:] if rest.startswith(".") else rest
    if rest in ("", "."):
        if rest == "" and anchor == "obj":
            raise PathError(f"path {text!r} is empty")
        return Path(text, anchor, ())
    return Path(text, anchor, _segments(text, rest))


def _segments(text: str, rest: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    position, need_dot = 0, False
    while position < len(rest):
        if rest[position] == "." and need_dot:
            position, need_dot = position + 1, False
            if position == len(rest):
                raise PathError(f"path {text!r} ends with '.'")
            continue
        token = _TOKEN.match(rest, position)
        if token is None or (need_dot and token["index"] is None):
            raise PathError(f"path {text!r}: unexpected {rest[position:]!r}")
        if token["index"] is not None:
            index = token["index"]
            segments.append(WILD if index == "*" else int(index))
        else:
            key = token["quoted"] if token["quoted"] is not None else token["bare"].strip()
            if not key:
                raise PathError(f"path {text!r}: empty key")
            segments.append(key)
        position, need_dot = token.end(), True
    return tuple(segments)


def path_text(path: DocPath) -> str:
    """A DocPath written in the path syntax (for messages)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = f'"{part}"' if re.search(r'[.\[\]"\s]', part) else part
            out += f".{key}" if out else key
    return out or "."


def get(doc: Any, path: DocPath) -> Any:
    """The value at `path` in `doc`, or None."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(doc, list) or not -len(doc) <= part < len(doc):
                return None
        elif not isinstance(doc, dict):
            return None
        doc = doc[part] if isinstance(part, int) else doc.get(part)
    return doc


def anchors(path: Path, resource: Resource, obj: Any, obj_path: DocPath) -> list[Value]:
    """Where `path` starts: the object, the resource root, or the macro's object(s)."""
    if path.anchor == "obj":
        return [(obj, obj_path)] if obj is not None else []
    if path.anchor == "root":
        return [(resource.doc, ())]
    if path.anchor == "meta":
        meta_path = tuple(resource.context.get("pod_meta") or ("metadata",))
        return _present(resource.doc, meta_path)
    pod_path = resource.context.get("pod_spec")
    if pod_path is None:
        return []
    pod_path = tuple(pod_path)
    if path.anchor == "pod":
        return _present(resource.doc, pod_path)
    pod = get(resource.doc, pod_path)
    found: list[Value] = []
    for name in CONTAINER_LISTS:
        items = pod.get(name) if isinstance(pod, dict) else None
        if isinstance(items, list):
            found += [(c, (*pod_path, name, i)) for i, c in enumerate(items) if c is not None]
    return found


def _present(doc: Any, path: DocPath) -> list[Value]:
    value = get(doc, path)
    return [] if value is None else [(value, path)]


def resolve(path: Path, resource: Resource, obj: Any, obj_path: DocPath) -> list[Value]:
    """Every non-null value `path` reaches, with its DocPath, in document order."""
    values = anchors(path, resource, obj, obj_path)
    for segment in path.segments:
        values = [found for value in values for found in _step(value, segment)]
        if not values:
            break
    return values


def _step(value: Value, segment: Segment) -> Iterator[Value]:
    node, where = value
    if isinstance(segment, str):
        if isinstance(node, dict) and node.get(segment) is not None:
            yield node[segment], (*where, segment)
    elif isinstance(segment, int):
        if isinstance(node, list) and -len(node) <= segment < len(node):
            index = segment % len(node)
            if node[index] is not None:
                yield node[index], (*where, index)
    elif isinstance(node, list):
        yield from ((item, (*where, i)) for i, item in enumerate(node) if item is not None)
    elif isinstance(node, dict):
        yield from ((item, (*where, k)) for k, item in node.items() if item is not None)


def nearest(path: Path, resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """For a path that reaches nothing: the deepest existing ancestor(s) along it, so a
    finding about a missing field points at the object that lacks it."""
    values = anchors(path, resource, obj, obj_path)
    for segment in path.segments:
        deeper = [found for value in values for found in _step(value, segment)]
        if not deeper:
            break
        values = deeper
    return [where for _, where in values]
