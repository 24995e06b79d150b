"""`for` expressions: `[for k, v in c : value if cond]` and `{for k, v in c : key =>
value if cond}` (with `value...` grouping values by key), evaluated when the collection,
the condition and the keys are known; else the whole expression stays unknown. Maps are
iterated in key order, as Terraform does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lark import Token, Tree

from garrison.iac.loaders.terraform_values import Unresolved, to_text

if TYPE_CHECKING:
    from garrison.iac.loaders.terraform_eval import Evaluator

Node = Tree[Token]
MAX_FOR_ELEMENTS = 1_000  # a `for` over a longer collection stays unknown


def _content(node: Node) -> list[Node]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def for_tuple(ev: Evaluator, node: Node) -> Any:
    """`[for k, v in c : value if cond]`: a list of the values the condition keeps."""
    intro, value, *condition = _content(node)
    return [child.value(value) for child in _bindings(ev, intro, condition)]


def for_object(ev: Evaluator, node: Node) -> Any:
    """`{for k, v in c : key => value if cond}`; `value...` groups values by key."""
    intro, key, value, *condition = _content(node)
    grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
    result: dict[str, Any] = {}
    for child in _bindings(ev, intro, condition):
        name = child.known(key)
        if not isinstance(name, str | int | float | bool) or "${" in to_text(name):
            raise Unresolved
        name = to_text(name)
        if grouping:
            result.setdefault(name, []).append(child.value(value))
        elif name in result:
            raise Unresolved  # duplicate keys are an error in Terraform
        else:
            result[name] = child.value(value)
    return result


def _bindings(ev: Evaluator, intro: Node, condition: list[Node]) -> list[Evaluator]:
    """An evaluator per element of the collection that the condition (if any) keeps."""
    *names, collection_node = _content(intro)
    words = [str(n.children[0]) for n in names]
    test = _content(condition[0])[0] if condition else None
    found = []
    for key, item in _pairs(ev.known(collection_node)):
        bound = dict(zip(words, (key, item), strict=True)) if len(words) == 2 else {}
        bound[words[-1]] = item
        child = ev.bound(bound)
        keep = True if test is None else child.known(test)
        if not isinstance(keep, bool):
            raise Unresolved
        if keep:
            found.append(child)
    return found


def _pairs(collection: Any) -> list[tuple[Any, Any]]:
    """(key, value) of each element: list indexes, or map keys in order."""
    if isinstance(collection, dict) and not any("${" in k for k in collection):
        pairs: list[tuple[Any, Any]] = sorted(collection.items(), key=lambda kv: kv[0])
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        raise Unresolved
    if len(pairs) > MAX_FOR_ELEMENTS:
        raise Unresolved
    return pairs
