"""The Terraform built-in functions on lists, sets and maps (`length`, `merge`, `lookup`,
`keys`, ...); see terraform_functions for the conventions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from garrison.iac.loaders.terraform_values import (
    Unknown,
    Unresolved,
    arity,
    as_ascii,
    as_integer,
    as_list,
    as_map,
    as_text,
    known,
)

MAX_RANGE = 1_000  # elements `range()` may build


def _length(values: list[Any]) -> Any:
    arity(values, 1)
    (value,) = values
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return len(as_map(value))
    if isinstance(value, str):
        return len(as_ascii(value))
    raise Unresolved


def _merge(values: list[Any]) -> Any:
    merged: dict[str, Any] = {}
    for item in values:
        if item is not None:
            merged.update(as_map(item))
    return merged


def _concat(values: list[Any]) -> Any:
    return [item for value in values for item in as_list(value)]


def _flatten(values: list[Any]) -> Any:
    arity(values, 1)

    def flat(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, Unknown):
                raise Unresolved  # it may be a list itself
            out += flat(item) if isinstance(item, list) else [item]
        return out

    return flat(as_list(values[0]))


def _element(values: list[Any]) -> Any:
    arity(values, 2)
    items, index = as_list(values[0]), as_integer(values[1])
    if not items or index < 0:
        raise Unresolved
    return items[index % len(items)]


def _slice(values: list[Any]) -> Any:
    arity(values, 3)
    items, start, end = as_list(values[0]), as_integer(values[1]), as_integer(values[2])
    if not 0 <= start <= end <= len(items):
        raise Unresolved
    return items[start:end]


def _same(a: Any, b: Any) -> bool:
    """Terraform equality: a bool never equals a number."""
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)


def _positions(values: list[Any]) -> list[int]:
    arity(values, 2)
    items, wanted = known(as_list(values[0])), known(values[1])
    return [i for i, item in enumerate(items) if _same(item, wanted)]


def _contains(values: list[Any]) -> Any:
    return bool(_positions(values))


def _index(values: list[Any]) -> Any:
    found = _positions(values)
    if not found:
        raise Unresolved  # an error in Terraform
    return found[0]


def _keys(values: list[Any]) -> Any:
    arity(values, 1)
    return sorted(as_map(values[0]))


def _values(values: list[Any]) -> Any:
    arity(values, 1)
    mapping = as_map(values[0])
    return [mapping[key] for key in sorted(mapping)]


def _lookup(values: list[Any]) -> Any:
    arity(values, 2, 3)
    mapping, key = as_map(values[0]), as_text(values[1])
    if key in mapping:
        return mapping[key]
    if len(values) == 3:
        return values[2]
    raise Unresolved


def _zipmap(values: list[Any]) -> Any:
    arity(values, 2)
    keys, items = [as_text(k) for k in as_list(values[0])], as_list(values[1])
    if len(keys) != len(items):
        raise Unresolved
    return dict(zip(keys, items, strict=True))


def _distinct(values: list[Any]) -> Any:
    arity(values, 1)
    found: list[Any] = []
    for item in known(as_list(values[0])):
        if item not in found:
            found.append(item)
    return found


def _toset(values: list[Any]) -> Any:
    """A set of primitives: Terraform orders strings lexically (we sort all-string sets)."""
    items = _distinct(values)
    return sorted(items) if all(isinstance(i, str) for i in items) else items


def _compact(values: list[Any]) -> Any:
    arity(values, 1)
    return [as_text(item) for item in known(as_list(values[0])) if item not in (None, "")]


def _sort(values: list[Any]) -> Any:
    arity(values, 1)
    return sorted(as_text(item) for item in as_list(values[0]))


def _one(values: list[Any]) -> Any:
    arity(values, 1)
    items = as_list(values[0])
    if len(items) > 1:
        raise Unresolved  # an error in Terraform
    return items[0] if items else None


def _coalescelist(values: list[Any]) -> Any:
    for value in values:
        if as_list(value):
            return value
    raise Unresolved


def _range(values: list[Any]) -> Any:
    arity(values, 1, 2, 3)
    numbers = [as_integer(v) for v in values]
    start, end = (0, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
    step = numbers[2] if len(numbers) == 3 else (1 if end >= start else -1)
    if step == 0 or abs(end - start) > MAX_RANGE * abs(step):
        raise Unresolved
    return list(range(start, end, step))


COLLECTION_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "length": _length,
    "merge": _merge,
    "concat": _concat,
    "flatten": _flatten,
    "element": _element,
    "slice": _slice,
    "contains": _contains,
    "index": _index,
    "keys": _keys,
    "values": _values,
    "lookup": _lookup,
    "zipmap": _zipmap,
    "distinct": _distinct,
    "compact": _compact,
    "sort": _sort,
    "one": _one,
    "coalescelist": _coalescelist,
    "range": _range,
    "toset": _toset,
}
