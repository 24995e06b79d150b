"""Docker Compose files: one Resource per service (kind "service", doc = its mapping).

The YAML is composed into nodes (line-aware, C parser when available) and turned into plain
data here, so every key and list item gets a span. Merge keys (`<<: *common`,
`<<: [*a, *b]`) are applied as YAML defines them: explicit keys win, then earlier merged
mappings; a merged key's span is where its value is written. Plain scalars follow YAML 1.2
as Compose reads them (`22:22` and `yes` stay strings). Expanding aliases is limited to
MAX_NODES values per file, so an alias bomb is a warning, not a hang.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from garrison.iac.model import DocPath, LoadResult, Resource, Span
from garrison.inventory.readers.base import SourceFile
from garrison.model import Gap, ScanWarning

NAME = "compose"
SOURCE = "compose"
MAX_NODES = 100_000
MAX_DEPTH = 64

_NAMES = frozenset({"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"})
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_IGNORE = re.compile(r"#\s*garrison:ignore\[([^\]]*)\]")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL = {"": None, "~": None, "null": None, "Null": None, "NULL": None, "true": True,
            "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
            ".inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}  # fmt: skip


class _Invalid(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def matches(path: PurePosixPath) -> bool:
    name = path.name
    if name in _NAMES:
        return True
    return name.startswith(("docker-compose.", "compose.")) and name.endswith((".yml", ".yaml"))


def load(source: SourceFile) -> LoadResult:
    text = source.text()
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = str(getattr(exc, "problem", None) or exc).strip()
        return _warning(source.path, line, f"invalid YAML: {reason}")
    except RecursionError:
        return _warning(source.path, 1, "YAML nested too deeply")
    services = _services(root)
    if services is None:
        return LoadResult(())
    if not isinstance(services, MappingNode):
        return _warning(source.path, _line(services), "`services` is not a mapping")
    builder = _Builder(text.split("\n"))
    try:
        resources = tuple(builder.services(services, source.path))
    except _Invalid as exc:
        return _warning(source.path, exc.line, exc.reason)
    warnings = tuple(
        ScanWarning(source.path, f"line {line}: {reason}", Gap.READER_FAILED, line)
        for line, reason in builder.problems
    )
    return LoadResult(resources, warnings)


def _services(root: Node | None) -> Node | None:
    """The node under the top-level `services` key, or None (then it is no Compose file)."""
    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "services":
            return None if _is_null(value) else value
    return None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and not node.style and node.value in ("", "~", "null")


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _warning(path: str, line: int, reason: str) -> LoadResult:
    return LoadResult((), (ScanWarning(path, f"line {line}: {reason}", Gap.READER_FAILED, line),))


class _Builder:
    """Turns nodes into data and spans, counting every value against MAX_NODES."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.left = MAX_NODES
        self.problems: list[tuple[int, str]] = []
        self.ignores = _ignores(lines)

    def services(self, node: MappingNode, path: str) -> list[Resource]:
        found: list[Resource] = []
        for name, key, value in self._pairs(node, 0):
            spans: dict[DocPath, Span] = {}
            try:
                doc = self._value(value, (), spans, 1)
            except _Invalid as exc:  # name the service, not a line deep inside an anchor
                raise _Invalid(_line(key), f"service {name!r}: {exc.reason}") from None
            if doc is None:
                doc = {}
            if not isinstance(doc, dict):
                self.problems.append((_line(key), f"service {name!r} is not a mapping"))
                continue
            span = Span(_line(key), self._end(value))
            context = {"ignores": self.ignores}
            found.append(Resource(SOURCE, "service", name, path, doc, span, spans, context))
        return found

    def _value(self, node: Node, at: DocPath, spans: dict[DocPath, Span], depth: int) -> Any:
        self.left -= 1
        if self.left < 0:
            raise _Invalid(_line(node), f"more than {MAX_NODES} values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise _Invalid(_line(node), f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                spans[(*at, index)] = Span(_line(item), self._end(item))
                items.append(self._value(item, (*at, index), spans, depth + 1))
            return items
        result: dict[str, Any] = {}
        for key, key_node, value in self._pairs(node, depth):
            spans[(*at, key)] = Span(_line(key_node), self._end(value))
            result[key] = self._value(value, (*at, key), spans, depth + 1)
        return result

    def _pairs(self, node: Node, depth: int) -> list[tuple[str, Node, Node]]:
        """A mapping's (key, key node, value node), merge keys applied."""
        if not isinstance(node, MappingNode):
            raise _Invalid(_line(node), "a merge key needs a mapping or a list of mappings")
        if depth > MAX_DEPTH:
            raise _Invalid(_line(node), f"nested deeper than {MAX_DEPTH} levels")
        chosen: dict[str, tuple[Node, Node]] = {}
        merged: list[tuple[str, Node, Node]] = []
        for key_node, value in node.value:
            self.left -= 1
            if self.left < 0:
                raise _Invalid(_line(key_node), f"more than {MAX_NODES} values (an alias bomb?)")
            if key_node.tag == _MERGE:
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for source in sources:
                    merged += self._pairs(source, depth + 1)
                continue
            if not isinstance(key_node, ScalarNode):
                raise _Invalid(_line(key_node), "a mapping key is not a plain value")
            if key_node.value in chosen:
                self.problems.append((_line(key_node), f"duplicate key {key_node.value!r}"))
            chosen[key_node.value] = (key_node, value)
        for key, key_node, value in merged:
            chosen.setdefault(key, (key_node, value))
        return [(key, key_node, value) for key, (key_node, value) in chosen.items()]

    def _end(self, node: Node) -> int:
        """The last line of a node: its end mark, less trailing blank and comment lines
        (a block collection ends where the next token starts)."""
        start = _line(node)
        line, column = node.end_mark.line, node.end_mark.column
        if line >= len(self.lines) or not self.lines[line][:column].strip():
            end = min(line, len(self.lines))  # the previous line (1-based)
            while end > start and self._blank(end):
                end -= 1
            return max(end, start)
        return line + 1

    def _blank(self, number: int) -> bool:
        text = self.lines[number - 1].strip()
        return not text or text.startswith("#")


def _scalar(node: ScalarNode) -> Any:
    value = node.value
    if node.style or not node.tag.startswith("tag:yaml.org,2002:"):  # C parser: plain is ""
        return value
    if value in _SPECIAL:
        return _SPECIAL[value]
    if _INT.fullmatch(value):
        return int(value)
    if value[:2] in ("0o", "0x") and len(value) > 2:
        try:
            return int(value[2:], 8 if value[1] == "o" else 16)
        except ValueError:
            return value
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


def _ignores(lines: list[str]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for number, line in enumerate(lines, 1):
        if "garrison:ignore" in line:
            for match in _IGNORE.finditer(line):
                ids = [part.strip() for part in match[1].split(",") if part.strip()]
                found.setdefault(number, []).extend(ids)
    return found
