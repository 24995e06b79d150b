"""The pure Terraform built-in functions the evaluator computes (`length`, `merge`,
`lookup`, `jsonencode`, ...). Each takes the evaluated arguments and returns the result,
or raises Unresolved when the result cannot be known: an argument is unknown where the
result depends on it, has the wrong type, or the call would fail in Terraform. Strings
are only measured or cut when they are ASCII (Terraform counts grapheme clusters).
Functions not listed here (`cidrsubnet`, `regex`, `file`, ...) leave the call unknown.
The ones on lists and maps are in terraform_collections.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from garrison.iac.loaders.terraform_collections import COLLECTION_FUNCTIONS
from garrison.iac.loaders.terraform_values import (
    Unknown,
    Unresolved,
    arity,
    as_ascii,
    as_integer,
    as_list,
    as_map,
    as_text,
    is_known,
    is_number,
    known,
    materialize,
)

Function = Callable[[list[Any]], Any]


# --- values -------------------------------------------------------------------------------


def _first_known(values: list[Any]) -> Any:
    """`try(a, b)`: `a` when it is known. An unknown `a` may be a value only known after
    apply rather than an error, so the result is unknown then (never the fallback)."""
    if values and is_known(values[0]):
        return values[0]
    raise Unresolved


def _can(values: list[Any]) -> Any:
    """`can(x)`: true when `x` is known; an unknown `x` may be an error, so unknown."""
    arity(values, 1)
    known(values[0])
    return True


def _coalesce(values: list[Any]) -> Any:
    for item in values:
        if known(item) not in (None, ""):
            return item
    raise Unresolved


def _numbers(values: list[Any]) -> list[Any]:
    if not values or not all(is_number(v) for v in values):
        raise Unresolved
    return values


def _abs(values: list[Any]) -> Any:
    arity(values, 1)
    return abs(_numbers(values)[0])


def _tomap(values: list[Any]) -> Any:
    arity(values, 1)
    return as_map(values[0])


def _tostring(values: list[Any]) -> Any:
    arity(values, 1)
    return None if values[0] is None else as_text(values[0])


def _tonumber(values: list[Any]) -> Any:
    arity(values, 1)
    value = values[0]
    if value is None or is_number(value):
        return value
    try:
        text = as_text(value)
        return float(text) if "." in text or "e" in text.lower() else int(text)
    except ValueError:
        raise Unresolved from None


def _tobool(values: list[Any]) -> Any:
    arity(values, 1)
    value = values[0]
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise Unresolved


def _tolist(values: list[Any]) -> Any:
    arity(values, 1)
    return as_list(values[0])


def _jsonencode(values: list[Any]) -> Any:
    """Unknown parts inside stay as their "${...}" text: a policy's `"Action": "*"` is still
    readable when its `Resource` is an ARN only known after apply."""
    if len(values) != 1 or isinstance(values[0], Unknown):
        raise Unresolved
    return json.dumps(materialize(values[0]), separators=(",", ":"))


def _jsondecode(values: list[Any]) -> Any:
    arity(values, 1)
    try:
        return json.loads(as_text(values[0]))
    except ValueError:
        raise Unresolved from None


# --- strings ------------------------------------------------------------------------------


def _format(values: list[Any]) -> Any:
    """`format` with the verbs %s, %d, %v and %% (others leave the result unknown)."""
    if not values:
        raise Unresolved
    spec, arguments = as_text(values[0]), list(values[1:])
    out, position = [], 0
    while (found := spec.find("%", position)) >= 0:
        out.append(spec[position:found])
        verb = spec[found + 1 : found + 2]
        if verb == "%":
            out.append("%")
        elif verb in ("s", "v") and arguments:
            out.append(as_text(arguments.pop(0)))
        elif verb == "d" and arguments:
            out.append(str(as_integer(arguments.pop(0))))
        else:
            raise Unresolved
        position = found + 2
    out.append(spec[position:])
    if arguments:
        raise Unresolved
    return "".join(out)


def _join(values: list[Any]) -> Any:
    arity(values, 2)
    return as_text(values[0]).join(as_text(item) for item in as_list(values[1]))


def _split(values: list[Any]) -> Any:
    arity(values, 2)
    separator, text = as_text(values[0]), as_text(values[1])
    if not separator:
        raise Unresolved
    return text.split(separator)


def _replace(values: list[Any]) -> Any:
    arity(values, 3)
    text, old, new = (as_text(v) for v in values)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        raise Unresolved  # a regular expression
    return text.replace(old, new)


def _substr(values: list[Any]) -> Any:
    arity(values, 3)
    text, offset, length = as_ascii(values[0]), as_integer(values[1]), as_integer(values[2])
    start = offset if offset >= 0 else len(text) + offset
    if not 0 <= start <= len(text) or length < -1:
        raise Unresolved
    return text[start:] if length == -1 else text[start : start + length]


def _string(convert: Callable[[str], Any]) -> Function:
    def call(values: list[Any]) -> Any:
        arity(values, 1)
        return convert(as_text(values[0]))

    return call


def _string2(convert: Callable[[str, str], Any]) -> Function:
    def call(values: list[Any]) -> Any:
        arity(values, 2)
        return convert(as_text(values[0]), as_text(values[1]))

    return call


def _identity(values: list[Any]) -> Any:
    arity(values, 1)
    return values[0]


FUNCTIONS: dict[str, Function] = {
    **COLLECTION_FUNCTIONS,
    # values and conversions
    "try": _first_known,
    "can": _can,
    "coalesce": _coalesce,
    "min": lambda values: min(_numbers(values)),
    "max": lambda values: max(_numbers(values)),
    "abs": _abs,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": _tolist,
    "tomap": _tomap,
    "sensitive": _identity,
    "nonsensitive": _identity,
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    # strings
    "format": _format,
    "join": _join,
    "split": _split,
    "replace": _replace,
    "substr": _substr,
    "lower": _string(str.lower),
    "upper": _string(str.upper),
    "trimspace": _string(str.strip),
    "trimprefix": _string2(str.removeprefix),
    "trimsuffix": _string2(str.removesuffix),
    "startswith": _string2(str.startswith),
    "endswith": _string2(str.endswith),
}
