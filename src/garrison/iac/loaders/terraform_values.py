"""Values of statically evaluated HCL: the Unknown marker, operators and the few pure
Terraform functions the evaluator computes (`jsonencode`, `merge`, `concat`, `try`, ...).
A function raises Unresolved when its result cannot be known."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


class Unknown:
    """A value the scan cannot know; `text` is how it reads in the document."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"


class Unresolved(Exception):
    """Raised inside evaluation when a value cannot be known."""


def materialize(value: Any) -> Any:
    """The document form of a value: Unknowns become their "${...}" text."""
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, dict):
        return {key: materialize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [materialize(item) for item in value]
    return value


def is_known(value: Any) -> bool:
    """True when no part of `value` is unknown."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_known(item) for item in value.values())
    if isinstance(value, list):
        return all(is_known(item) for item in value)
    return True


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def apply(operator: str, left: Any, right: Any) -> Any:
    if not (is_known(left) and is_known(right)):
        raise Unresolved
    if operator == "==":
        return bool(left == right)
    if operator == "!=":
        return bool(left != right)
    if operator in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
        return (left and right) if operator == "&&" else (left or right)
    if is_number(left) and is_number(right):
        arithmetic: dict[str, Callable[[Any, Any], Any]] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }
        if operator in arithmetic:
            return arithmetic[operator](left, right)
    raise Unresolved


def _merge(values: list[Any]) -> Any:
    if not all(isinstance(v, dict) for v in values):
        raise Unresolved
    merged: dict[str, Any] = {}
    for item in values:
        merged.update(item)
    return merged


def _concat(values: list[Any]) -> Any:
    if not all(isinstance(v, list) for v in values):
        raise Unresolved
    return [item for v in values for item in v]


def _first_known(values: list[Any]) -> Any:
    """`try(a, b)`: `a` when it is known. An unknown `a` may be a value only known after
    apply rather than an error, so the result is unknown then (never the fallback)."""
    if values and is_known(values[0]):
        return values[0]
    raise Unresolved


def _coalesce(values: list[Any]) -> Any:
    for item in values:
        if not is_known(item):
            raise Unresolved
        if item not in (None, ""):
            return item
    raise Unresolved


def _lookup(values: list[Any]) -> Any:
    if len(values) >= 2 and isinstance(values[0], dict) and isinstance(values[1], str):
        if values[1] in values[0]:
            return values[0][values[1]]
        if len(values) == 3:
            return values[2]
    raise Unresolved


def _one(convert: Callable[[Any], Any]) -> Callable[[list[Any]], Any]:
    def call(values: list[Any]) -> Any:
        if len(values) != 1 or not is_known(values[0]):
            raise Unresolved
        try:
            return convert(values[0])
        except (TypeError, ValueError, AttributeError):
            raise Unresolved from None

    return call


def _jsonencode(values: list[Any]) -> Any:
    """Unknown parts inside stay as their "${...}" text: a policy's `"Action": "*"` is still
    readable when its `Resource` is an ARN only known after apply."""
    if len(values) != 1 or isinstance(values[0], Unknown):
        raise Unresolved
    return json.dumps(materialize(values[0]), separators=(",", ":"))


def _tobool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise ValueError(value)


FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "jsonencode": _jsonencode,
    "merge": _merge,
    "concat": _concat,
    "try": _first_known,
    "coalesce": _coalesce,
    "lookup": _lookup,
    "tostring": _one(to_text),
    "tonumber": _one(lambda v: v if is_number(v) else float(v) if "." in v else int(v)),
    "tobool": _one(_tobool),
    "tolist": _one(list),
    "toset": _one(lambda v: list(dict.fromkeys(v))),
    "lower": _one(lambda v: v.lower()),
    "upper": _one(lambda v: v.upper()),
    "jsondecode": _one(json.loads),
}
