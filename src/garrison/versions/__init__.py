"""Version ordering per ecosystem.

Public API:
    compare(ecosystem, a, b) -> -1 | 0 | 1
    parse(ecosystem, version) -> an ordered key; raises InvalidVersionError
    ordering_for(ecosystem) -> the Ordering for an OSV ecosystem name (suffixes allowed)

Each rule family lives in one module that exposes an `ORDERING` (or several) listed
explicitly in ORDERINGS below.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from garrison import ecosystems
from garrison.errors import InvalidVersionError, UnknownEcosystemError
from garrison.versions import (
    apk,
    cran,
    dpkg,
    golang,
    hackage,
    maven,
    nuget,
    packagist,
    pep440,
    pub,
    rpm,
    rubygems,
    semver,
)
from garrison.versions.base import Ordering

ORDERINGS: tuple[Ordering, ...] = (
    pep440.ORDERING,
    semver.ORDERING,
    golang.ORDERING,
    maven.ORDERING,
    rubygems.ORDERING,
    nuget.ORDERING,
    packagist.ORDERING,
    pub.ORDERING,
    hackage.ORDERING,
    cran.ORDERING,
    dpkg.ORDERING,
    apk.ORDERING,
    rpm.ORDERING,
)

_BY_ECOSYSTEM: dict[str, Ordering] = {
    eco: ordering for ordering in ORDERINGS for eco in ordering.ecosystems
}

# The OSV range type SEMVER always uses SemVer 2.0 rules, whatever the ecosystem.
SEMVER_ORDERING = semver.ORDERING


def ordering_for(ecosystem: str) -> Ordering:
    """The ordering for an OSV ecosystem name such as 'PyPI' or 'Debian:12'."""
    try:
        return _BY_ECOSYSTEM[ecosystems.base(ecosystem)]
    except KeyError:
        raise UnknownEcosystemError(ecosystem) from None


@lru_cache(maxsize=200_000)
def _parse_cached(ordering: Ordering, version: str) -> Any:
    return ordering.parse(version)


def parse(ecosystem: str, version: str) -> Any:
    """Parse a version strictly; raise InvalidVersionError naming it if it is not valid."""
    ordering = ordering_for(ecosystem)
    try:
        return _parse_cached(ordering, version)
    except InvalidVersionError as exc:
        raise InvalidVersionError(ecosystem, version, exc.reason) from None


def parse_with(ordering: Ordering, version: str) -> Any:
    """Parse strictly with a known ordering (cached; the hot path of matching)."""
    return _parse_cached(ordering, version)


def compare(ecosystem: str, a: str, b: str) -> int:
    """Compare two versions of one ecosystem: -1 if a < b, 0 if equal, 1 if a > b.

    Uses the ecosystem's lenient ordering where it has one (e.g. legacy PyPI versions sort
    before every valid one), so any two strings can be ordered; parse() stays strict.
    """
    ordering = ordering_for(ecosystem)
    key_a, key_b = ordering.sort_key(a), ordering.sort_key(b)
    return int(key_a > key_b) - int(key_a < key_b)


__all__ = [
    "ORDERINGS",
    "SEMVER_ORDERING",
    "Ordering",
    "compare",
    "ordering_for",
    "parse",
    "parse_with",
]
