"""Decide whether one version falls in an OSV `affected` entry (pure logic).

Follows the OSV evaluation rules: events sorted by version, `introduced: "0"` is the lowest
possible version, `fixed` and `limit` are exclusive upper bounds, `last_affected` inclusive,
several ranges are OR-ed, the `versions` list is checked as well. GIT ranges are skipped: no
commit is known for a component. A bound or a component version that cannot be parsed makes
the answer UNKNOWN — never 'not affected'.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from garrison import versions
from garrison.errors import GarrisonError
from garrison.versions.base import Ordering
from garrison.vulndb.advisory import AffectedPackage, Range


class Verdict(enum.Enum):
    AFFECTED = "affected"
    NOT_AFFECTED = "not_affected"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class _CompiledRange:
    ordering: Ordering | None  # None: a bound could not be parsed
    events: tuple[tuple[str, Any, str], ...]  # (kind, key, text) sorted; key None means "0"
    limit: Any


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    fixed: tuple[str, ...] = ()


class CompiledAffected:
    """An AffectedPackage with every bound parsed once, ready to test many versions."""

    __slots__ = ("_eco_ordering", "_listed", "_listed_keys", "_ranges", "package")

    def __init__(self, package: AffectedPackage) -> None:
        self.package = package
        self._eco_ordering = _ordering_or_none(package.ecosystem)
        self._ranges = tuple(
            _compile_range(r, self._eco_ordering) for r in package.ranges if r.type != "GIT"
        )
        self._listed = frozenset(package.versions)
        self._listed_keys: frozenset[Any] | None = None

    def evaluate(self, version: str | None) -> Outcome:
        if version is None:
            return Outcome(Verdict.UNKNOWN)
        unknown = False
        for compiled in self._ranges:
            key = _key(compiled.ordering, version)
            if key is None:
                unknown = True
            elif _in_range(key, compiled):
                return Outcome(Verdict.AFFECTED, _next_fix(key, compiled))
        if version in self._listed:
            return Outcome(Verdict.AFFECTED)
        if self._listed and not self._ranges:
            # Only a list: compare by ecosystem equality too ('1.0' == '1.0.0' in PyPI).
            equal = self._listed_equal(version)
            if equal is None:
                return Outcome(Verdict.UNKNOWN)
            return Outcome(Verdict.AFFECTED if equal else Verdict.NOT_AFFECTED)
        if not self._ranges and not self._listed:
            # No SEMVER/ECOSYSTEM range and no list: every version (or only GIT ranges: unknown).
            has_git = any(r.type == "GIT" for r in self.package.ranges)
            return Outcome(Verdict.UNKNOWN if has_git else Verdict.AFFECTED)
        return Outcome(Verdict.UNKNOWN if unknown else Verdict.NOT_AFFECTED)

    def _listed_equal(self, version: str) -> bool | None:
        """Is `version` equal (by ecosystem ordering) to a listed version? None: can't tell."""
        key = _key(self._eco_ordering, version)
        if key is None:
            return None
        if self._listed_keys is None:
            keys = (_key(self._eco_ordering, listed) for listed in self._listed)
            self._listed_keys = frozenset(k for k in keys if k is not None)
        return key in self._listed_keys


def _ordering_or_none(ecosystem: str) -> Ordering | None:
    try:
        return versions.ordering_for(ecosystem)
    except GarrisonError:
        return None


def _key(ordering: Ordering | None, version: str | None) -> Any:
    if ordering is None or version is None:
        return None
    try:
        return versions.parse_with(ordering, version)
    except (GarrisonError, ValueError):
        return None


def _compile_range(rng: Range, eco_ordering: Ordering | None) -> _CompiledRange:
    ordering = versions.SEMVER_ORDERING if rng.type == "SEMVER" else eco_ordering
    events: list[tuple[str, Any, str]] = []
    limits: list[Any] = []
    for kind, raw in rng.events:
        if kind == "introduced" and raw == "0":
            events.append((kind, None, raw))
            continue
        if kind == "limit" and raw == "*":
            continue
        key = _key(ordering, raw)
        if key is None:
            return _CompiledRange(None, (), None)
        if kind == "limit":
            limits.append(key)
        else:
            events.append((kind, key, raw))
    events.sort(key=lambda event: (event[1] is not None, event[1]))
    return _CompiledRange(ordering, tuple(events), min(limits, default=None))


def _next_fix(key: Any, compiled: _CompiledRange) -> tuple[str, ...]:
    """The first `fixed` version above `key`: the upgrade that leaves this range."""
    for kind, bound, raw in compiled.events:
        if kind == "fixed" and bound > key:
            return (raw,)
    return ()


def _in_range(key: Any, compiled: _CompiledRange) -> bool:
    if compiled.limit is not None and key >= compiled.limit:
        return False
    affected = False
    for kind, bound, _ in compiled.events:
        if kind == "introduced":
            if bound is None or key >= bound:
                affected = True
        elif kind == "fixed":
            if key >= bound:
                affected = False
        elif kind == "last_affected" and key > bound:
            affected = False
    return affected
