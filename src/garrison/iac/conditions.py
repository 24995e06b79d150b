"""Conditions of the check language (pure): the parsed form of `fail_if` and how each
kind evaluates. `evaluate` returns None when a condition does not hold, else the DocPaths of
the values that made it hold (possibly none). Parsing is in `dsl.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from garrison.iac.model import DocPath, Resource
from garrison.iac.paths import Path, Value, nearest, resolve

Hit = list[DocPath] | None  # None: the condition does not hold
PythonCheck = Callable[[Resource, Any, DocPath], "Sequence[DocPath] | DocPath | bool | None"]


class Condition(ABC):
    """A parsed condition."""

    @abstractmethod
    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        """The offending paths when the condition holds, else None."""

    def locate(self, resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
        """Where this condition looks (for a `not:` that holds): nothing by default."""
        return []


# --- values ------------------------------------------------------------------------------


def same(value: Any, expected: Any) -> bool:
    """Equality that keeps booleans apart from numbers (YAML `true` is not `1`)."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    return bool(value == expected)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict | tuple) and not value)


def text_of(value: Any) -> str | None:
    """What `matches` sees: scalars as text (booleans as `true`/`false`), else None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def number_of(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def contains(value: Any, item: Any) -> bool | None:
    """Whether a list/string/mapping contains `item`; None for other values."""
    if isinstance(value, list):
        return any(same(element, item) for element in value)
    if isinstance(value, str):
        return str(item) in value
    if isinstance(value, dict):
        return isinstance(item, str | int | float | bool) and item in value
    return None


def _test(op: str, operand: Any) -> Callable[[Any], bool]:
    """The per-value test of an operator (`exists`/`empty` are handled by Leaf)."""
    if op == "equals":
        return lambda v: same(v, operand)
    if op == "not_equals":
        return lambda v: not same(v, operand)
    if op == "in":
        return lambda v: any(same(v, x) for x in operand)
    if op == "not_in":
        return lambda v: not any(same(v, x) for x in operand)
    if op in ("matches", "not_matches"):
        want = op == "matches"
        return lambda v: (t := text_of(v)) is not None and bool(operand.search(t)) == want
    if op in ("greater_than", "less_than"):
        sign = 1 if op == "greater_than" else -1
        return lambda v: (n := number_of(v)) is not None and (n - operand) * sign > 0
    if op == "contains":
        return lambda v: contains(v, operand) is True
    return lambda v: contains(v, operand) is False  # not_contains


# --- conditions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf(Condition):
    path: Path
    op: str
    operand: Any

    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        values = resolve(self.path, resource, obj, obj_path)
        if self.op == "exists":
            if bool(values) != self.operand:
                return None
            return [where for _, where in values] or self._nearest(resource, obj, obj_path)
        if self.op == "empty":
            empty = [where for value, where in values if is_empty(value)]
            if self.operand and len(empty) == len(values):
                return empty or self._nearest(resource, obj, obj_path)
            full = [where for value, where in values if not is_empty(value)]
            return full if not self.operand and full else None
        test = _test(self.op, self.operand)
        hits = [where for value, where in values if test(value)]
        return hits or None

    def locate(self, resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
        values = resolve(self.path, resource, obj, obj_path)
        return [where for _, where in values] or self._nearest(resource, obj, obj_path)

    def _nearest(self, resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
        return nearest(self.path, resource, obj, obj_path)


@dataclass(frozen=True)
class Quantified(Condition):
    path: Path
    mode: str  # any | all | none
    condition: Condition

    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        found = resolve(self.path, resource, obj, obj_path)
        items = [item for value in found for item in _items(value)]
        hits: list[DocPath] = []
        matched = 0
        for item, where in items:
            hit = self.condition.evaluate(resource, item, where)
            if hit is not None:
                matched += 1
                hits += hit or [where]
        if self.mode == "any":
            return hits if matched else None
        if (self.mode == "all" and matched < len(items)) or (self.mode == "none" and matched):
            return None
        return [w for _, w in found] or nearest(self.path, resource, obj, obj_path)


def _items(value: Value) -> list[Value]:
    """The items of a list; any other value (a container `$containers` reached, a
    scalar) is one item itself."""
    node, where = value
    if isinstance(node, list):
        return [(item, (*where, i)) for i, item in enumerate(node) if item is not None]
    return [value]


@dataclass(frozen=True)
class AllOf(Condition):
    conditions: tuple[Condition, ...]

    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        hits: list[DocPath] = []
        for condition in self.conditions:
            hit = condition.evaluate(resource, obj, obj_path)
            if hit is None:
                return None
            hits += hit
        return hits


@dataclass(frozen=True)
class AnyOf(Condition):
    conditions: tuple[Condition, ...]

    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        for condition in self.conditions:
            hit = condition.evaluate(resource, obj, obj_path)
            if hit is not None:
                return hit
        return None


@dataclass(frozen=True)
class Not(Condition):
    condition: Condition

    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        if self.condition.evaluate(resource, obj, obj_path) is not None:
            return None
        return self.condition.locate(resource, obj, obj_path)


@dataclass(frozen=True)
class PythonCondition(Condition):
    name: str
    function: PythonCheck

    def evaluate(self, resource: Resource, obj: Any, obj_path: DocPath) -> Hit:
        result: Any = self.function(resource, obj, obj_path)
        if result is True:
            return []
        if not result:
            return None
        if isinstance(result, tuple) and all(isinstance(p, str | int) for p in result):
            return [result]  # one DocPath rather than a list of them
        return [tuple(where) for where in result]


def deepest(paths: Sequence[DocPath]) -> DocPath | None:
    """The longest path (the first of equals), where a finding should point."""
    best: DocPath | None = None
    for path in paths:
        if best is None or len(path) > len(best):
            best = path
    return best
