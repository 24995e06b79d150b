"""Line-aware YAML: each document as plain data plus the 1-based line span of every
mapping key and list item, built in one pass over the composed node graph (pure).

`yaml.compose_all` (libyaml's C parser when present) gives nodes with start and end marks;
the builder turns them into plain values itself, so no constructor ever sees a tag. A
node reached a second time is an alias: every such expansion is counted, and a document
that expands too many (a "billion laughs" bomb, or an alias that contains itself) or nests
too deeply stops with `YamlLimitError` instead of eating the memory. A key written twice
in one mapping keeps its last value (as a lenient JSON or YAML decoder does) and is
listed in the document's `duplicates`, for the loader to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from garrison.iac.model import DocPath, Span

MAX_DEPTH = 200
MAX_ALIAS_EXPANSIONS = 1_000

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_TRUE = frozenset({"yes", "true", "on"})


class YamlLimitError(ValueError):
    """A document too deep or with too many alias expansions; the message names the line."""


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document: its value, the spans of every key and item in it, its own span.
    `complex_keys` is True when some mapping key is itself a mapping or list (what an
    unrendered template such as `{{ .Values.name }}` parses into); `duplicates` holds the
    path and line of each key written again in the same mapping."""

    value: Any
    span: Span
    spans: dict[DocPath, Span] = field(default_factory=dict)
    complex_keys: bool = False
    duplicates: tuple[tuple[DocPath, int], ...] = ()


def compose_documents(text: str) -> Iterator[Document]:
    """Each non-empty document of `text`, in order. Raises yaml.YAMLError on invalid YAML
    (after yielding the documents before the error) and YamlLimitError on a bomb."""
    lines = text.split("\n")
    for root in yaml.compose_all(text, Loader=_LOADER):
        if root is None:
            continue
        builder = _Builder(lines)
        value, last = builder.build(root, (), 0)
        start = root.start_mark.line + 1
        span = Span(start, max(start, last))
        yield Document(value, span, builder.spans, builder.complex_keys, tuple(builder.duplicates))


class _Builder:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.spans: dict[DocPath, Span] = {}
        self.seen: set[int] = set()
        self.expansions = 0
        self.complex_keys = False
        self.duplicates: list[tuple[DocPath, int]] = []

    def build(self, node: Node, path: DocPath, depth: int) -> tuple[Any, int]:
        """The plain value of `node` and the last line it occupies (1-based)."""
        if isinstance(node, ScalarNode):
            return _scalar(node), self._scalar_end(node)
        if depth >= MAX_DEPTH:
            raise YamlLimitError(f"line {_line(node)}: nested deeper than {MAX_DEPTH} levels")
        if id(node) in self.seen:
            self.expansions += 1
            if self.expansions > MAX_ALIAS_EXPANSIONS:
                raise YamlLimitError(
                    f"line {_line(node)}: more than {MAX_ALIAS_EXPANSIONS} alias expansions "
                    "(a YAML alias bomb?)"
                )
        self.seen.add(id(node))
        if isinstance(node, SequenceNode):
            value, last = self._sequence(node, path, depth)
        elif isinstance(node, MappingNode):
            value, last = self._mapping(node, path, depth)
        else:  # no other node type exists
            raise YamlLimitError(f"line {_line(node)}: unknown YAML node")
        if getattr(node, "flow_style", False):
            last = max(last, _end_line(node))
        return value, last

    def _sequence(self, node: SequenceNode, path: DocPath, depth: int) -> tuple[Any, int]:
        values: list[Any] = []
        last = _line(node)
        for index, item in enumerate(node.value):
            value, end = self.build(item, (*path, index), depth + 1)
            start = _line(item)
            self.spans[(*path, index)] = Span(start, max(start, end))
            values.append(value)
            last = max(last, end)
        return values, last

    def _mapping(self, node: MappingNode, path: DocPath, depth: int) -> tuple[Any, int]:
        result: dict[str, Any] = {}
        written: set[str] = set()  # keys written in this mapping (not merged in by `<<`)
        last = _line(node)
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged, end = self.build(value_node, path, depth + 1)
                for part in merged if isinstance(merged, list) else [merged]:
                    if isinstance(part, dict):
                        result.update({k: v for k, v in part.items() if k not in result})
                last = max(last, end)
                continue
            key = self._key(key_node)
            if key in written:
                self.duplicates.append(((*path, key), _line(key_node)))
            written.add(key)
            value, end = self.build(value_node, (*path, key), depth + 1)
            start = _line(key_node)
            self.spans[(*path, key)] = Span(start, max(start, end))
            result[key] = value
            last = max(last, end)
        return result, last

    def _key(self, node: Node) -> str:
        if isinstance(node, ScalarNode):
            return str(node.value)
        self.complex_keys = True
        return f"<key at line {_line(node)}>"

    def _scalar_end(self, node: ScalarNode) -> int:
        start = _line(node)
        end = _end_line(node)
        if node.style in ("|", ">"):  # block scalars take the blank lines after them
            while end > start and not self.lines[end - 1].strip():
                end -= 1
        return max(start, end)


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    try:
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return value.lower() in _TRUE
        if tag == _TAG + "int":
            return _CONSTRUCTOR.construct_yaml_int(node)
        if tag == _TAG + "float":
            return _CONSTRUCTOR.construct_yaml_float(node)
    except (ValueError, TypeError, OverflowError):
        return value
    return value  # strings, timestamps (kept as written), binary, custom tags


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _end_line(node: Node) -> int:
    """The last line of a node whose end mark is just past its last character (a mark at
    column 0 is the start of the line after)."""
    mark = node.end_mark
    return int(mark.line) + (1 if mark.column > 0 else 0)
