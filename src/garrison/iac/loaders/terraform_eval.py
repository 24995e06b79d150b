"""Static evaluation of HCL expressions, as far as a scan can know their values.

Works on the lark parse trees of python-hcl2's grammar. Literals, strings, lists, objects,
`var.x` and `local.x` (and indexing into them), bound iterators (`each`, `count`, a
dynamic block's), conditionals with a known condition, operators, `for` expressions over
a known collection and the pure functions of terraform_functions are evaluated.
Everything else (resource attributes, data sources, splats, template directives) is
*unknown*: it becomes the string "${<source text>}" in the document, so a check sees a
string containing "${" and can treat it as neither good nor bad.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hcl2.utils import process_escape_sequences
from lark import Token, Tree

from garrison.iac.loaders.terraform_for import for_object, for_tuple
from garrison.iac.loaders.terraform_functions import FUNCTIONS
from garrison.iac.loaders.terraform_values import (
    Unknown,
    Unresolved,
    apply,
    is_number,
    to_text,
)

Node = Tree[Token]


@dataclass
class Scope:
    """The names a module's expressions can see: variable values and local definitions
    (each local is a parse tree plus the text of the file it came from, evaluated lazily)."""

    variables: Mapping[str, Any]
    local_nodes: Mapping[str, tuple[Node, str]] = field(default_factory=dict)
    _locals: dict[str, Any] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.local_nodes or name in self._busy:
            return Unknown(f"${{local.{name}}}")
        self._busy.add(name)
        node, text = self.local_nodes[name]
        value = Evaluator(self, text).value(node)
        self._busy.discard(name)
        self._locals[name] = value
        return value


def source_of(node: Node, text: str) -> str:
    meta = node.meta
    if meta.empty:
        return ""
    return text[meta.start_pos : meta.end_pos]


def content(node: Node) -> list[Node]:
    """The child trees of `node`, without tokens and newline/comment runs."""
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def token_text(node: Node) -> str:
    """The text of a one-token tree (identifier, keyword, literal) or a plain string."""
    if node.data == "string":
        parts = [p.children[0] for p in node.children if isinstance(p, Tree)]
        return "".join(str(p) for p in parts if isinstance(p, Token))
    return "".join(str(c) for c in node.children if isinstance(c, Token))


class Evaluator:
    """Evaluates expressions of one file (`text`) in a scope. `iterators` binds extra root
    names, such as a dynamic block's iterator, to values."""

    def __init__(self, scope: Scope, text: str, iterators: Mapping[str, Any] | None = None):
        self.scope = scope
        self.text = text
        self.iterators = dict(iterators or {})

    def value(self, node: Node) -> Any:
        """The value of an expression tree, or an Unknown."""
        try:
            return self._eval(node)
        except Unresolved:
            return self.unknown(node)

    def unknown(self, node: Node) -> Unknown:
        return Unknown("${" + " ".join(source_of(node, self.text).split()) + "}")

    def _eval(self, node: Node) -> Any:
        handler = _HANDLERS.get(str(node.data))
        if handler is None:
            return self.unknown(node)
        return handler(self, node)

    def known(self, node: Node) -> Any:
        """The value of an expression tree; raises Unresolved where `value` would give
        an Unknown (for the parts of an expression that must be known)."""
        return self._eval(node)

    def bound(self, names: Mapping[str, Any]) -> Evaluator:
        """An evaluator with more iterator names bound (a `for` expression's `k`, `v`)."""
        return Evaluator(self.scope, self.text, {**self.iterators, **names})

    def _expr_term(self, node: Node) -> Any:
        inner = content(node)
        return self._eval(inner[0]) if inner else self.unknown(node)

    def _literal(self, node: Node) -> Any:
        word = token_text(node)
        return {"true": True, "false": False, "null": None}.get(word, word)

    def _number(self, node: Node) -> Any:
        word = token_text(node)
        return int(word) if node.data == "int_lit" else float(word)

    def _string(self, node: Node) -> Any:
        parts: list[Any] = []
        for part in node.children:
            if not isinstance(part, Tree):
                continue
            piece = part.children[0]
            if isinstance(piece, Token):
                parts.append(process_escape_sequences(str(piece)))
            elif piece.data == "interpolation":
                parts.append(self.value(content(piece)[0]))
            else:  # a %{if}/%{for} template directive
                return self.unknown(node)
        if all(isinstance(p, str | int | float | bool) for p in parts):
            return "".join(to_text(p) for p in parts)
        return Unknown("".join(p.text if isinstance(p, Unknown) else to_text(p) for p in parts))

    def _heredoc(self, node: Node) -> Any:
        raw = token_text(node)
        marker, _, rest = raw.partition("\n")
        name = marker.lstrip("<-").strip()
        body = rest.rstrip()
        body = body[: -len(name)] if body.endswith(name) else body
        lines = body.rstrip(" \t").removesuffix("\n").split("\n")
        if node.data == "heredoc_template_trim":
            indents = [len(x) - len(x.lstrip(" ")) for x in lines if x.strip()]
            lines = [x[min(indents, default=0) :] for x in lines]
        text = _SIMPLE_INTERPOLATION.sub(self._substitute, "\n".join(lines))
        return Unknown(text) if "${" in text else text

    def _substitute(self, match: re.Match[str]) -> str:
        root, _, name = match.group(1).partition(".")
        value = self.scope.local(name) if root == "local" else self.scope.variables.get(name)
        return to_text(value) if isinstance(value, str | int | float | bool) else match.group(0)

    def _tuple(self, node: Node) -> Any:
        return [self.value(item) for item in content(node)]

    def _object(self, node: Node) -> Any:
        result: dict[str, Any] = {}
        for elem in content(node):
            key_node, value_node = content(elem)
            result[self.key(key_node)] = self.value(value_node)
        return result

    def key(self, key_node: Node) -> str:
        """The text of an object key (an identifier, a string, or an expression)."""
        inner = content(key_node)[0] if content(key_node) else key_node
        if inner.data == "expr_term" and content(inner):
            inner = content(inner)[0]
        if inner.data in ("identifier", "keyword", "literal_value"):
            return token_text(inner)
        value = self.value(inner)
        return value.text if isinstance(value, Unknown) else to_text(value)

    def _traversal(self, node: Node) -> Any:
        root, steps = _flatten(node)
        steps = [self._index(step) if isinstance(step, Tree) else step for step in steps]
        if root.data == "identifier":
            name = token_text(root)
            if name in self.iterators:
                return _walk(self.iterators[name], steps)
            if name in ("var", "local") and steps and isinstance(steps[0], str):
                first = self._named(name, steps[0])
                return _walk(first, steps[1:])
            raise Unresolved
        return _walk(self._eval(root), steps)

    def _identifier(self, node: Node) -> Any:
        """A bare name: a bound iterator (a `for` expression's `k`, `v`), else unknown."""
        name = token_text(node)
        if name in self.iterators:
            return self.iterators[name]
        raise Unresolved

    def _index(self, node: Node) -> str | int:
        """A computed index (`[count.index]`, `["name"]`): a known number or string."""
        key = self._eval(node)
        if is_number(key) and float(key).is_integer():
            return int(key)
        if isinstance(key, str) and "${" not in key:
            return key
        raise Unresolved

    def _named(self, root: str, name: str) -> Any:
        if root == "local":
            return self.scope.local(name)
        if name in self.scope.variables:
            return self.scope.variables[name]
        return Unknown(f"${{var.{name}}}")

    def _conditional(self, node: Node) -> Any:
        condition, if_true, if_false = content(node)
        test = self._eval(condition)
        if not isinstance(test, bool):
            raise Unresolved
        return self._eval(if_true if test else if_false)

    def _unary(self, node: Node) -> Any:
        operator = str(node.children[0]).strip()
        operand = self._eval(content(node)[0])
        if operator == "!" and isinstance(operand, bool):
            return not operand
        if operator == "-" and is_number(operand):
            return -operand
        raise Unresolved

    def _binary(self, node: Node) -> Any:
        left_node, term = content(node)[:2]
        operator_node, right_node = content(term)
        operator = token_text(operator_node).strip()
        left = self._eval(left_node)
        if operator in ("&&", "||") and isinstance(left, bool) and left == (operator == "||"):
            return left
        return apply(operator, left, self._eval(right_node))

    def _call(self, node: Node) -> Any:
        names = [token_text(c) for c in content(node) if c.data == "identifier"]
        function = FUNCTIONS.get("::".join(names))
        arguments = [c for c in content(node) if c.data == "arguments"]
        spread = any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for a in arguments for c in a.children
        )
        if function is None or spread:
            raise Unresolved
        values = [self.value(a) for a in content(arguments[0])] if arguments else []
        return function(values)


def _flatten(node: Node) -> tuple[Node, list[Any]]:
    """`a.b[0].c` as its root tree and steps ("b", 0, "c"); a computed index is a tree."""
    steps: list[Any] = []
    while node.data in ("get_attr_expr_term", "index_expr_term"):
        base, accessor = content(node)
        if accessor.data == "get_attr":
            steps.append(token_text(content(accessor)[0]))
        elif accessor.data == "short_index":
            steps.append(int(str(accessor.children[-1])))
        else:
            steps.append(content(accessor)[0])
        node = content(base)[0] if base.data == "expr_term" and content(base) else base
    return node, steps[::-1]


def _walk(value: Any, steps: list[Any]) -> Any:
    for step in steps:
        in_dict = isinstance(value, dict) and isinstance(step, str) and step in value
        in_list = isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        if not (in_dict or in_list):
            raise Unresolved
        value = value[step]
    return value


_SIMPLE_INTERPOLATION = re.compile(r"\$\{\s*((?:var|local)\.[A-Za-z_][\w-]*)\s*\}")

_HANDLERS: dict[str, Callable[[Evaluator, Node], Any]] = {
    "expr_term": Evaluator._expr_term,
    "literal_value": Evaluator._literal,
    "int_lit": Evaluator._number,
    "float_lit": Evaluator._number,
    "string": Evaluator._string,
    "heredoc_template": Evaluator._heredoc,
    "heredoc_template_trim": Evaluator._heredoc,
    "tuple": Evaluator._tuple,
    "object": Evaluator._object,
    "identifier": Evaluator._identifier,
    "get_attr_expr_term": Evaluator._traversal,
    "index_expr_term": Evaluator._traversal,
    "conditional": Evaluator._conditional,
    "unary_op": Evaluator._unary,
    "binary_op": Evaluator._binary,
    "function_call": Evaluator._call,
    "for_tuple_expr": for_tuple,
    "for_object_expr": for_object,
}
