"""Diff mode's core (pure): which findings of HEAD are new since BASE.

Findings are compared by fingerprint (`fingerprints.py`, stable across line shifts) as a
multiset: a fingerprint HEAD has k times and BASE j times gives k - j new findings (none
when j >= k). Findings alike (same kind, id, file and package: numbered by their order in
the file) and secrets (whose fingerprint does not depend on the path) are grouped by
identity, so that when only some of a group are new, the ones picked are, in order: those
on a line the range BASE..HEAD changed (`changed`, from git), those in a file where BASE
had none of the group, the last ones in the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from garrison.fingerprints import fingerprint_of
from garrison.model import Finding

Place = tuple[str, int | None]  # path relative to the target, line


@dataclass(frozen=True, slots=True)
class Surplus:
    """Findings of HEAD alike (one identity), `count` of which BASE does not have."""

    indexes: tuple[int, ...]  # into HEAD's findings, in order of place in the file
    count: int


def surpluses(base: Sequence[Finding], head: Sequence[Finding]) -> tuple[Surplus, ...]:
    """Every identity HEAD has more findings of than BASE."""
    before = _groups(base)
    out = []
    for key, indexes in _groups(head).items():
        extra = len(indexes) - len(before.get(key, ()))
        if extra > 0:
            ordered = sorted(indexes, key=lambda i: (_position(head[i]), i))
            out.append(Surplus(tuple(ordered), extra))
    return tuple(out)


def candidates(base: Sequence[Finding], head: Sequence[Finding]) -> tuple[int, ...]:
    """Indexes of HEAD's findings that may be new (worth asking git about), in order."""
    return tuple(sorted(i for surplus in surpluses(base, head) for i in surplus.indexes))


def new_findings(
    base: Sequence[Finding], head: Sequence[Finding], changed: Collection[int] = ()
) -> tuple[int, ...]:
    """Indexes of HEAD's findings that BASE does not have, in order; `changed` names the
    findings on lines the range changed (they are preferred when a choice is needed)."""
    paths: dict[str, set[str]] = defaultdict(set)
    for key, indexes in _groups(base).items():
        paths[key].update(_path(base[i]) for i in indexes)
    picked: list[int] = []
    for surplus in surpluses(base, head):
        known = paths[_key(head[surplus.indexes[0]])]
        rank = {index: order for order, index in enumerate(surplus.indexes)}
        preferred = sorted(
            surplus.indexes,
            key=lambda i: (i not in changed, _path(head[i]) in known, -rank[i]),
        )
        picked.extend(preferred[: surplus.count])
    return tuple(sorted(picked))


def place_of(finding: Finding) -> Place | None:
    """Where git can say who brought a finding in: its file and line (a package's
    manifest when the finding has no place of its own), or None."""
    location = finding.location
    if location is None and finding.component is not None:
        location = finding.component.location
    if location is None or not location.path:
        return None
    return (location.path.replace("\\", "/"), location.line or None)


def _groups(findings: Sequence[Finding]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        groups[_key(finding)].append(index)
    return groups


def _key(finding: Finding) -> str:
    """The finding's own fingerprint, or the one the first of its kind gets in its file."""
    return fingerprint_of(finding, 0)


def _path(finding: Finding) -> str:
    place = place_of(finding)
    return place[0] if place else ""


def _position(finding: Finding) -> tuple[int, int, int]:
    location = finding.location
    if location is None:
        return (0, 0, 0)
    return (location.line or 0, location.column or 0, location.end_line or 0)
