"""Values of statically evaluated HCL: the Unknown marker, the Unresolved signal, the
operators, and the argument checks the built-in functions share (the functions are in
terraform_functions and terraform_collections)."""

from __future__ import annotations

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
    if operator in ("==", "!="):
        equal = isinstance(left, bool) == isinstance(right, bool) and bool(left == right)
        return equal == (operator == "==")
    if operator in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
        return (left and right) if operator == "&&" else (left or right)
    if is_number(left) and is_number(right):
        arithmetic: dict[str, Callable[[Any, Any], Any]] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": lambda a, b: a / b,
            "%": lambda a, b: a % b,
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }
        if operator in arithmetic and _defined(operator, left, right):
            return arithmetic[operator](left, right)
    raise Unresolved


def _defined(operator: str, left: Any, right: Any) -> bool:
    """Division by zero fails in Terraform; `%` is only computed where Terraform's
    (truncating) remainder and Python's agree."""
    if operator == "/":
        return bool(right != 0)
    if operator == "%":
        return bool(left >= 0 and right > 0)
    return True


# --- argument checks of the built-in functions ------------------------------------------


def arity(values: list[Any], *counts: int) -> None:
    """A call with another number of arguments fails in Terraform."""
    if len(values) not in counts:
        raise Unresolved


def known(value: Any) -> Any:
    """`value` when no part of it is unknown."""
    if not is_known(value):
        raise Unresolved
    return value


def as_text(value: Any) -> str:
    """A known primitive as Terraform converts it to a string."""
    if isinstance(value, str | bool) or is_number(value):
        return to_text(value)
    raise Unresolved


def as_ascii(value: Any) -> str:
    text = as_text(value)
    if not text.isascii():
        raise Unresolved
    return text


def as_integer(value: Any) -> int:
    if is_number(value) and float(value).is_integer():
        return int(value)
    raise Unresolved


def as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise Unresolved


def as_map(value: Any) -> dict[str, Any]:
    """A mapping whose keys are all known (an unknown key may equal another one)."""
    if isinstance(value, dict) and not any("${" in key for key in value):
        return value
    raise Unresolved
