"""YAML with line numbers (pure): a document's value plus the line of every key and value,
so a policy error can say `garrison.yaml:12: exceptions[0].expires: not a date`.

The text is composed with the project's safe loader (C parser, timestamps kept as text);
the tree is then walked here, which refuses duplicate keys, non-string keys and aliases
(an alias shares a node, so "billion laughs" documents are refused before any expansion).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from garrison.errors import PolicyError
from garrison.yamlsafe import StrictLoader

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Located:
    """A YAML document as plain values, with 1-based lines for every path in it."""

    value: Any
    value_lines: dict[KeyPath, int] = field(default_factory=dict)
    key_lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int], *, key: bool = False) -> int:
        """The line of `path` (its key's line with `key`), else of its nearest ancestor."""
        path = tuple(path)
        while path:
            lines = self.key_lines if key else self.value_lines
            if path in lines:
                return lines[path]
            path = path[:-1]
        return self.value_lines.get((), 1)


def render_path(path: Sequence[str | int]) -> str:
    """`("exceptions", 0, "expires")` -> "exceptions[0].expires"; the root is "(top level)"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def located_yaml(text: str, source: str) -> Located:
    """Parse one YAML document; errors are PolicyErrors `FILE:LINE: ...`."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {(): 1})
        walker = _Walker(loader, source)
        value = walker.walk(node, ())
        return Located(value, walker.value_lines, walker.key_lines)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"{source}:{line}: invalid YAML: {problem}") from None
    except RecursionError:
        raise PolicyError(f"{source}:1: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


class _Walker:
    def __init__(self, loader: Any, source: str) -> None:
        self.loader = loader
        self.source = source
        self.seen: set[int] = set()
        self.value_lines: dict[KeyPath, int] = {}
        self.key_lines: dict[KeyPath, int] = {}

    def walk(self, node: yaml.Node, path: KeyPath) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.seen:
            where = self.key_lines.get(path, line)
            raise self.error(where, path, "YAML aliases (*name) are not allowed in a policy file")
        self.seen.add(id(node))
        self.value_lines[path] = line
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise self.error(line, path, f"keys must be text, not {key!r}")
            if key in result:
                raise self.error(line, (*path, key), "duplicate key")
            self.key_lines[(*path, key)] = line
            result[key] = self.walk(value_node, (*path, key))
        return result

    def error(self, line: int, path: KeyPath, message: str) -> PolicyError:
        return PolicyError(f"{self.source}:{line}: {render_path(path)}: {message}")
