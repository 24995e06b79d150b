"""Keeping a SARIF run within GitHub code scanning's limits (pure).

GitHub accepts at most 25,000 results a run and 1,000 locations a result. Over the first
limit, findings of one rule in one file (with the same gate outcome) become one result whose
other places are related locations; if that is still too many, the most severe results are
kept (blocking first, suppressed last). Every merge or omission is said in a notification.
"""

from __future__ import annotations

from dataclasses import dataclass

from garrison.model import Finding
from garrison.policy import Suppression

MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000


@dataclass(frozen=True, slots=True)
class Item:
    """One finding as a SARIF result will show it."""

    finding: Finding
    fingerprint: str
    blocking: bool
    suppression: Suppression | None


Group = list[Item]  # one result: the first item's place, the others as related locations


def fit(
    items: list[Item], max_results: int = MAX_RESULTS, max_locations: int = MAX_LOCATIONS
) -> tuple[list[Group], list[str]]:
    """The results to write (each a group of items) and the notes saying what was merged,
    not listed or left out."""
    groups: list[Group] = [[item] for item in items]
    notes: list[str] = []
    if len(groups) > max_results:
        groups = _per_rule_and_file(items)
        notes.append(
            f"{len(items)} findings are more than the {max_results} results a SARIF run may "
            f"hold: findings of one rule in one file were merged into {len(groups)} results "
            "(the other places are related locations)"
        )
    unlisted = sum(max(0, len(group) - max_locations) for group in groups)
    if unlisted:
        notes.append(
            f"{unlisted} places are not listed as related locations (at most "
            f"{max_locations} locations a result); their results say how many"
        )
    if len(groups) > max_results:
        groups, left = _most_severe(groups, max_results)
        count = sum(len(group) for group in left)
        notes.append(
            f"{len(left)} results ({count} findings) were left out: a SARIF run may hold at "
            f"most {max_results} results; the most severe were kept (the JSON report has all)"
        )
    return groups, notes


def _group_key(item: Item) -> tuple[str, str, bool, str]:
    finding = item.finding
    location = finding.location
    if location is None and finding.component is not None:
        location = finding.component.location
    suppressed = item.suppression.by.value if item.suppression else ""
    return (finding.id, location.path if location else "", item.blocking, suppressed)


def _per_rule_and_file(items: list[Item]) -> list[Group]:
    """Items grouped by rule, file and outcome, in order of each group's first item."""
    merged: dict[tuple[str, str, bool, str], Group] = {}
    for item in items:
        merged.setdefault(_group_key(item), []).append(item)
    return list(merged.values())


def _most_severe(groups: list[Group], limit: int) -> tuple[list[Group], list[Group]]:
    """The `limit` groups to keep (blocking, then open, then by severity; ties in the
    given order) in their original order, and those left out."""
    ranked = sorted(
        range(len(groups)),
        key=lambda i: (
            not groups[i][0].blocking,
            groups[i][0].suppression is not None,
            -groups[i][0].finding.severity,
            i,
        ),
    )
    kept = sorted(ranked[:limit])
    left = sorted(ranked[limit:])
    return [groups[i] for i in kept], [groups[i] for i in left]
