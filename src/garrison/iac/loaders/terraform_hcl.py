"""One HCL file: parsing (python-hcl2's lark grammar, with positions), top-level blocks,
and block bodies turned into documents with the line span of every attribute and block."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import hcl2
from lark.exceptions import LarkError, UnexpectedInput

from garrison.iac.loaders.terraform_eval import Evaluator, Node, Scope, content, token_text
from garrison.iac.loaders.terraform_values import Unknown, materialize
from garrison.iac.model import DocPath, Span
from garrison.model import Gap, ScanWarning

MAX_DYNAMIC = 100  # instances of one dynamic block (or resource) expanded at most
Instances = list[tuple[Node, dict[str, Any]]]  # a block body and its iterators, per instance
_IGNORE = re.compile(r"(?:#|//|/\*)\s*garrison:ignore\[([^\]]*)\]")


@dataclass(frozen=True)
class HclFile:
    """A parsed file: `body` is None (and `warning` says why) when it does not parse."""

    path: str
    text: str
    body: Node | None
    warning: ScanWarning | None = None
    line_starts: tuple[int, ...] = ()
    ignores: Mapping[int, list[str]] = field(default_factory=dict)

    def span(self, node: Node) -> Span:
        """Lines of a node, not counting the newline a heredoc token swallows."""
        meta = node.meta
        end = meta.end_pos - 1
        while end > meta.start_pos and self.text[end] in " \t\r\n":
            end -= 1
        return Span(meta.line, bisect.bisect_right(self.line_starts, end))


@dataclass(frozen=True)
class Block:
    """A block: its type (`resource`, `ingress`), labels, body tree and file; `overrides`
    are the blocks of override files merged into it (see terraform_override)."""

    file: HclFile
    node: Node
    type: str
    labels: tuple[str, ...]
    body: Node
    overrides: tuple[Block, ...] = ()


def parse(path: str, data: bytes) -> HclFile:
    """Parse one file; bad encoding or syntax becomes a warning naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _broken(path, "", f"not UTF-8 text (byte {exc.start})", None)
    try:
        start = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line = exc.line if isinstance(exc.line, int) and exc.line > 0 else None
        where = f"line {line}: " if line else ""
        return _broken(path, text, f"{where}HCL syntax error (column {exc.column})", line)
    except (LarkError, RecursionError, RuntimeError, ValueError) as exc:
        return _broken(path, text, f"HCL parse failed: {type(exc).__name__}", None)
    starts = (0, *(m.end() for m in re.finditer("\n", text)))
    body = content(start)[0] if content(start) else None
    return HclFile(path, text, body, None, starts, _ignores(text))


def _broken(path: str, text: str, reason: str, line: int | None) -> HclFile:
    return HclFile(path, text, None, ScanWarning(path, reason, Gap.READER_FAILED, line))


def _ignores(text: str) -> dict[int, list[str]]:
    """`# garrison:ignore[ID, ID] reason` comments by line."""
    found: dict[int, list[str]] = {}
    if "garrison:ignore" not in text:
        return found
    for number, line in enumerate(text.split("\n"), start=1):
        match = _IGNORE.search(line)
        if match:
            found[number] = [i.strip() for i in match.group(1).split(",") if i.strip()]
    return found


def blocks(file: HclFile, body: Node | None = None) -> list[Block]:
    """The blocks directly inside `body` (default: the file's top level)."""
    body = file.body if body is None else body
    if body is None:
        return []
    found = []
    for child in content(body):
        if child.data == "block":
            *labels, inner = content(child)
            names = tuple(token_text(label) for label in labels)
            if names and inner.data == "body":
                found.append(Block(file, child, names[0], names[1:], inner))
    return found


def attributes(body: Node) -> dict[str, Node]:
    """Attribute name -> expression tree, for the attributes directly inside `body`."""
    found = {}
    for child in content(body):
        if child.data == "attribute":
            name, expression = content(child)
            found[token_text(name)] = expression
    return found


class DocBuilder:
    """Turns block bodies of one file into documents, collecting `spans` as it goes, and
    in `unknown_blocks` the DocPath of each block a `dynamic` block with an unknown
    `for_each` stands for: it may be there (with the contents written) or not at all."""

    def __init__(self, file: HclFile, scope: Scope) -> None:
        self.file = file
        self.scope = scope
        self.spans: dict[DocPath, Span] = {}
        self.unknown_blocks: list[DocPath] = []

    def body(self, body: Node, path: DocPath, iterators: Mapping[str, Any]) -> dict[str, Any]:
        evaluator = Evaluator(self.scope, self.file.text, iterators)
        doc: dict[str, Any] = {}
        for child in content(body):
            if child.data == "attribute":
                name_node, expression = content(child)
                name = token_text(name_node)
                doc[name] = materialize(evaluator.value(expression))
                self.spans[(*path, name)] = self.file.span(child)
                self._literal_spans(evaluator, expression, (*path, name))
            elif child.data == "block":
                self._block(doc, child, path, evaluator)
        return doc

    def _block(self, doc: dict[str, Any], node: Node, path: DocPath, ev: Evaluator) -> None:
        *labels, inner = content(node)
        names = [token_text(label) for label in labels]
        if not names or inner.data != "body":
            return
        known = True
        if names[0] == "dynamic" and len(names) > 1:
            name, (instances, known) = names[1], self._dynamic(inner, names[1], ev)
        else:
            name, instances = names[0], [(inner, dict(ev.iterators))]
        items = doc.setdefault(name, [])
        if not isinstance(items, list):
            return  # an attribute and a block of one name: not valid Terraform
        span = self.file.span(node)
        for body, iterators in instances:
            where = (*path, name, len(items))
            self.spans[where] = span
            if not known:
                self.unknown_blocks.append(where)
            items.append(self.body(body, where, iterators))
        first = self.spans.get((*path, name), span)
        self.spans[(*path, name)] = Span(min(first.start, span.start), max(first.end, span.end))

    def _dynamic(self, body: Node, name: str, ev: Evaluator) -> tuple[Instances, bool]:
        """A `dynamic` block's `content`, once per element of a known `for_each`, or once
        with its iterator unknown (then False: the block may as well not be there)."""
        inner = [b.body for b in blocks(self.file, body) if b.type == "content"]
        settings = attributes(body)
        if not inner:
            return [], True
        iterator = name
        if "iterator" in settings:
            iterator = token_text(content(settings["iterator"])[0]) or name
        each = ev.value(settings["for_each"]) if "for_each" in settings else Unknown("")
        elements: list[Any]
        if isinstance(each, dict):
            elements = [{"key": k, "value": v} for k, v in each.items()]
        elif isinstance(each, list):
            elements = [{"key": i, "value": v} for i, v in enumerate(each)]
        else:
            elements = [Unknown("${" + iterator + "}")]
        extra = dict(ev.iterators)
        instances = [(inner[0], {**extra, iterator: e}) for e in elements[:MAX_DYNAMIC]]
        return instances, isinstance(each, dict | list)

    def _literal_spans(self, ev: Evaluator, expression: Node, path: DocPath) -> None:
        """Spans of the keys and items of an object or list written out literally."""
        inner = expression
        while inner.data == "expr_term" and content(inner):
            inner = content(inner)[0]
        if inner.data == "object":
            for elem in content(inner):
                key_node, value_node = content(elem)
                where = (*path, ev.key(key_node))
                self.spans[where] = self.file.span(elem)
                self._literal_spans(ev, value_node, where)
        elif inner.data == "tuple":
            for index, item in enumerate(content(inner)):
                self.spans[(*path, index)] = self.file.span(item)
                self._literal_spans(ev, item, (*path, index))
