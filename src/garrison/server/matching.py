"""Match advisories against rows of the server's component index (pure logic).

A sync hands over only the advisories that changed; the component rows are those whose
(ecosystem, name_key) one of their `affected` packages names. Each (component, advisory) pair
gets AFFECTED or UNKNOWN (a version or bound that cannot be compared is never "not affected")
with the fixed versions that leave the range. Range logic is garrison's own
(`vulndb.ranges.CompiledAffected`): every `affected` entry is compiled once per call and each
answer is cached per (advisory, package, release, version), so a thousand artifacts with the
same package version cost one evaluation.

Matches of one component that are the same flaw (advisories linked by their ids and aliases,
e.g. PYSEC-2021-142 and GHSA-8q59-q68h-6hv4) become one `Flaw`, merged exactly as
`garrison scan` merges them (`vulndb.match.merge_hits`): one finding under the first id, the
others as aliases, the worst severity. A sync therefore re-matches every advisory linked to a
changed one (`AdvisoryFile.linked_ids`), so a merged finding is always rebuilt whole.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from garrison import ecosystems
from garrison.model import Finding
from garrison.vulndb.advisory import Advisory, AffectedPackage
from garrison.vulndb.match import AdvisorySource, Hit, merge_hits, same_flaw_groups
from garrison.vulndb.ranges import CompiledAffected, Outcome, Verdict

PackageKey = tuple[str, str]  # (base ecosystem, normalised name)


class MatchState(enum.StrEnum):
    AFFECTED = "affected"
    UNKNOWN = "unknown"  # the version cannot be compared with the advisory's ranges


@dataclass(frozen=True, slots=True)
class IndexedComponent:
    """One row of the component index: the BASE ecosystem ("Debian"), its release ("12") if
    any, and `name_key`, the garrison.ecosystems-normalised name advisories are keyed by."""

    id: int
    artifact_id: int
    ecosystem: str
    release: str | None
    name_key: str
    version: str | None


@dataclass(frozen=True, slots=True)
class Match:
    component: IndexedComponent
    advisory: Advisory
    state: MatchState
    fixed_versions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Flaw:
    """One component's matches of one flaw: garrison's merged finding (no component set) and
    the ids of every advisory merged into it, its own first."""

    component: IndexedComponent
    finding: Finding
    advisory_ids: tuple[str, ...]


def flaws_of(matches: Iterable[Match]) -> list[Flaw]:
    """The matches merged per component and flaw, in the order of their first match."""
    by_component: dict[int, list[Match]] = defaultdict(list)
    components: dict[int, IndexedComponent] = {}
    for match in matches:
        by_component[match.component.id].append(match)
        components[match.component.id] = match.component
    flaws = []
    for ident, found in by_component.items():
        hits = [Hit(m.advisory, m.state is MatchState.UNKNOWN, m.fixed_versions) for m in found]
        for group in same_flaw_groups(hits):
            finding = merge_hits(group)
            others = sorted({hit.advisory.id for hit in group} - {finding.id})
            flaws.append(Flaw(components[ident], finding, (finding.id, *others)))
    return flaws


def folded_ids(flaws: Iterable[Flaw]) -> dict[str, str]:
    """Advisory id -> the id of the finding it was merged into (for ids not reported alone)."""
    return {other: f.finding.id for f in flaws for other in f.advisory_ids[1:]}


def wanted_packages(advisories: Iterable[Advisory]) -> dict[str, set[str]]:
    """Base ecosystem -> package keys the (non-withdrawn) advisories affect."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for advisory in advisories:
        if advisory.withdrawn:
            continue
        for package in advisory.affected:
            wanted[package.ecosystem].add(package.key)
    return dict(wanted)


def component_keys(components: Iterable[IndexedComponent]) -> dict[str, set[str]]:
    """Base ecosystem -> the name keys of the components."""
    keys: dict[str, set[str]] = defaultdict(set)
    for component in components:
        keys[component.ecosystem].add(component.name_key)
    return dict(keys)


def advisories_for_keys(
    source: AdvisorySource, keys: Mapping[str, Collection[str]]
) -> list[Advisory]:
    """Every advisory (garrison's VulnDB or InMemorySource) affecting one of the packages,
    each narrowed to one package."""
    found: list[Advisory] = []
    for base, names in sorted(keys.items()):
        by_key = source.advisories_for(base, names)
        for name in sorted(by_key):
            found.extend(by_key[name])
    return found


def match_index(
    advisories: Iterable[Advisory], components: Iterable[IndexedComponent]
) -> list[Match]:
    """Every (component, advisory) pair where the component's version is affected or unknown.

    Withdrawn advisories match nothing. Each advisory id appears at most once per component
    (an advisory handed over narrowed to several packages is fine).
    """
    index = _PackageIndex(advisories)
    matches: list[Match] = []
    for component in components:
        key = (component.ecosystem, component.name_key)
        for advisory, packages in index.candidates(key):
            outcome = index.evaluate(advisory, packages, component.release, component.version)
            if outcome is not None:
                state = MatchState(outcome.verdict.value)
                matches.append(Match(component, advisory, state, outcome.fixed))
    return matches


class _PackageIndex:
    """Advisories by package, their `affected` entries compiled lazily, answers cached."""

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        grouped: dict[PackageKey, dict[str, tuple[Advisory, list[AffectedPackage]]]]
        grouped = defaultdict(dict)
        for advisory in advisories:
            if advisory.withdrawn:
                continue
            for package in advisory.affected:
                slot = grouped[(package.ecosystem, package.key)]
                entry = slot.setdefault(advisory.id, (advisory, []))
                if package not in entry[1]:
                    entry[1].append(package)
        self._packages = {key: list(slot.values()) for key, slot in grouped.items()}
        self._compiled: dict[int, CompiledAffected] = {}
        self._answers: dict[tuple[str, PackageKey, str | None, str | None], Outcome | None] = {}

    def candidates(self, key: PackageKey) -> Iterable[tuple[Advisory, list[AffectedPackage]]]:
        return self._packages.get(key, ())

    def evaluate(
        self,
        advisory: Advisory,
        packages: Sequence[AffectedPackage],
        release: str | None,
        version: str | None,
    ) -> Outcome | None:
        """AFFECTED beats UNKNOWN across the advisory's entries for the package; None: not."""
        cache_key = (advisory.id, (packages[0].ecosystem, packages[0].key), release, version)
        if cache_key in self._answers:
            return self._answers[cache_key]
        best: Outcome | None = None
        for package in packages:
            if not ecosystems.same_release(release, package.release):
                continue
            outcome = self._compiled_for(package).evaluate(version)
            if outcome.verdict is Verdict.AFFECTED:
                best = outcome
                break
            if outcome.verdict is Verdict.UNKNOWN and best is None:
                best = outcome
        self._answers[cache_key] = best
        return best

    def _compiled_for(self, package: AffectedPackage) -> CompiledAffected:
        compiled = self._compiled.get(id(package))
        if compiled is None:
            compiled = self._compiled[id(package)] = CompiledAffected(package)
        return compiled
