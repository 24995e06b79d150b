"""The check language (pure): parse paths and `fail_if` conditions once, evaluate them per
object. A condition is a mapping of one or more of:

- a leaf: `path` with one operator (`equals`, `not_equals`, `in`, `not_in`, `exists`,
  `matches`, `not_matches`, `greater_than`, `less_than`, `contains`, `not_contains`,
  `empty`); it holds if ANY value the path reaches satisfies the operator, except
  `exists: false` / `empty: true`, which hold when nothing / only empty values exist;
- a quantifier: `path` with `any`, `all` or `none`, a condition evaluated with each item of
  the list at `path` as the object (an empty or missing list: any fails, all/none hold);
- `all_of: [...]`, `any_of: [...]`, `not: {...}`;
- `python: module:function`, a function (resource, obj, obj_path) -> list[DocPath] | bool.
Several forms in one mapping must all hold. Path syntax: see `paths.py`.

`evaluate` returns None when the condition does not hold, else the DocPaths of the values
that made it hold (possibly none); `deepest` picks the one a finding should point at.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from garrison.errors import ConfigError
from garrison.iac.conditions import (
    AllOf,
    AnyOf,
    Condition,
    Hit,
    Leaf,
    Not,
    PythonCheck,
    PythonCondition,
    Quantified,
    deepest,
)
from garrison.iac.model import DocPath, Resource
from garrison.iac.paths import Path, PathError, parse_path, resolve

__all__ = [
    "BUILTIN_PYTHON",
    "Condition",
    "DslError",
    "Hit",
    "Path",
    "PathError",
    "deepest",
    "evaluate",
    "parse_condition",
    "parse_path",
    "resolve",
]

OPERATORS = frozenset(
    {"equals", "not_equals", "in", "not_in", "exists", "matches", "not_matches",
     "greater_than", "less_than", "contains", "not_contains", "empty"}
)  # fmt: skip
QUANTIFIERS = frozenset({"any", "all", "none"})
KEYS = OPERATORS | QUANTIFIERS | {"path", "all_of", "any_of", "not", "python"}
BUILTIN_PYTHON = "garrison.iac.checks"
_FUNCTION = re.compile(r"^([A-Za-z_][\w.]*):([A-Za-z_]\w*)$")


class DslError(ConfigError):
    """A condition does not parse. `key` says where, e.g. `fail_if.all_of[1].equals`."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.reason = message
        super().__init__(f"{key}: {message}")


def evaluate(condition: Condition, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
    return condition.evaluate(resource, obj, obj_path)


def parse_condition(
    raw: Any, where: str = "fail_if", python: str | None = BUILTIN_PYTHON
) -> Condition:
    """Parse a condition. `python` is the package `python:` functions must live in
    ("" allows any module, None forbids `python:`). Errors are DslErrors naming the key."""
    if not isinstance(raw, dict) or not raw:
        raise DslError(where, "a condition must be a non-empty mapping")
    unknown = sorted(str(key) for key in raw if key not in KEYS)
    if unknown:
        raise DslError(f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(KEYS))})")
    parts: list[Condition] = []
    if "path" in raw or raw.keys() & (OPERATORS | QUANTIFIERS):
        parts.append(_leaf(raw, where, python))
    for key in ("all_of", "any_of"):
        if key in raw:
            parts.append(_group(raw[key], f"{where}.{key}", python, key))
    if "not" in raw:
        parts.append(Not(parse_condition(raw["not"], f"{where}.not", python)))
    if "python" in raw:
        parts.append(_python(raw["python"], f"{where}.python", python))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _group(raw: Any, where: str, python: str | None, key: str) -> Condition:
    if not isinstance(raw, list) or not raw:
        raise DslError(where, "must be a non-empty list of conditions")
    conditions = tuple(
        parse_condition(item, f"{where}[{index}]", python) for index, item in enumerate(raw)
    )
    return AllOf(conditions) if key == "all_of" else AnyOf(conditions)


def _leaf(raw: dict[str, Any], where: str, python: str | None) -> Condition:
    ops = sorted(raw.keys() & (OPERATORS | QUANTIFIERS))
    if "path" not in raw:
        raise DslError(f"{where}.{ops[0]}", "needs a `path`")
    if len(ops) != 1:
        found = ", ".join(ops) or "none"
        raise DslError(f"{where}.path", f"needs exactly one operator or quantifier ({found})")
    try:
        path = parse_path(raw["path"])
    except PathError as exc:
        raise DslError(f"{where}.path", str(exc)) from None
    op = ops[0]
    if op in QUANTIFIERS:
        return Quantified(path, op, parse_condition(raw[op], f"{where}.{op}", python))
    return Leaf(path, op, _operand(op, raw[op], f"{where}.{op}"))


def _operand(op: str, value: Any, where: str) -> Any:
    if op in ("in", "not_in"):
        if not isinstance(value, list):
            raise DslError(where, "must be a list")
        return tuple(value)
    if op in ("exists", "empty"):
        if not isinstance(value, bool):
            raise DslError(where, "must be true or false")
        return value
    if op in ("matches", "not_matches"):
        if not isinstance(value, str):
            raise DslError(where, "must be a regular expression (a string)")
        try:
            return re.compile(value)
        except re.error as exc:
            raise DslError(where, f"invalid regular expression: {exc}") from None
    if op in ("greater_than", "less_than"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DslError(where, "must be a number")
        return float(value)
    return value


def _python(spec: Any, where: str, allowed: str | None) -> Condition:
    if allowed is None:
        raise DslError(where, "not allowed here (only built-in checks and plugins use Python)")
    match = _FUNCTION.match(spec) if isinstance(spec, str) else None
    if match is None:
        raise DslError(where, "must be `module:function`")
    module_name, function_name = match.groups()
    if allowed and module_name != allowed and not module_name.startswith(f"{allowed}."):
        raise DslError(where, f"the module must be under {allowed}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DslError(where, f"cannot import {module_name}: {exc}") from None
    function = getattr(module, function_name, None)
    if not callable(function):
        raise DslError(where, f"{module_name} has no function {function_name}")
    checked: PythonCheck = function
    return PythonCondition(spec, checked)
