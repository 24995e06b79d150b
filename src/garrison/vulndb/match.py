"""Match components against advisories and build vulnerability Findings (pure logic).

The advisory source is anything with `advisories_for(ecosystem, keys)`: the SQLite store in
production, an in-memory index in tests. Advisories that are the same flaw (linked through
their ids and aliases) become one Finding carrying every id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from garrison import ecosystems
from garrison.errors import GarrisonError
from garrison.model import Component, Finding, Gap, ScanWarning
from garrison.vulndb.advisory import Advisory, AffectedPackage
from garrison.vulndb.ranges import CompiledAffected, Verdict

_ID_RANK = {"GHSA": 1, "CVE": 2}


class AdvisorySource(Protocol):
    def advisories_for(
        self, ecosystem: str, keys: Collection[str]
    ) -> Mapping[str, Sequence[Advisory]]:
        """Non-withdrawn advisories per normalised package key, `affected` narrowed to it."""
        ...


@dataclass(frozen=True, slots=True)
class MatchResult:
    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One advisory affecting one version (`unknown`: it could not be compared)."""

    advisory: Advisory
    unknown: bool
    fixed: tuple[str, ...]


class InMemorySource:
    """An AdvisorySource over parsed advisories (for tests and small imports)."""

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        self._index: dict[tuple[str, str], list[Advisory]] = defaultdict(list)
        for advisory in advisories:
            if advisory.withdrawn:
                continue
            for key in {(a.ecosystem, a.key) for a in advisory.affected}:
                narrowed = tuple(a for a in advisory.affected if (a.ecosystem, a.key) == key)
                self._index[key].append(_narrow(advisory, narrowed))

    def advisories_for(
        self, ecosystem: str, keys: Collection[str]
    ) -> Mapping[str, Sequence[Advisory]]:
        return {k: self._index[(ecosystem, k)] for k in keys if (ecosystem, k) in self._index}


def _narrow(advisory: Advisory, affected: tuple[AffectedPackage, ...]) -> Advisory:
    return replace(advisory, affected=affected)


def match_components(components: Iterable[Component], source: AdvisorySource) -> MatchResult:
    """Every vulnerability finding for the components, plus warnings that make it partial."""
    located: list[tuple[Component, str, str | None, str]] = []
    warnings: list[ScanWarning] = []
    wanted: dict[str, set[str]] = defaultdict(set)
    for component in components:
        try:
            base, release = ecosystems.split(component.ecosystem)
        except GarrisonError as exc:
            warnings.append(ScanWarning(_label(component), f"{exc}; not matched", Gap.UNMATCHED))
            continue
        key = ecosystems.normalize_name(base, component.source_package or component.name)
        located.append((component, base, release, key))
        wanted[base].add(key)
    known = {base: source.advisories_for(base, keys) for base, keys in wanted.items()}
    matcher = _Matcher()
    findings: list[Finding] = []
    for component, base, release, key in located:
        templates = matcher.findings(known[base].get(key, ()), release, component.version)
        if any(t.version_unknown for t in templates):
            reason = _unknown_reason(component)
            warnings.append(ScanWarning(_label(component), reason, Gap.VERSION_UNKNOWN))
        findings.extend(_bind(t, component) for t in templates)
    return MatchResult(tuple(findings), tuple(warnings))


def _bind(template: Finding, component: Component) -> Finding:
    """A template finding (cached per package version) attached to one component."""
    return Finding(
        template.kind, template.id, template.summary, template.severity, component,
        component.location, template.aliases, template.cvss_score, template.cvss_vector,
        template.fixed_versions, template.references, template.version_unknown,
    )  # fmt: skip


def _label(component: Component) -> str:
    where = f" ({component.location.path})" if component.location else ""
    return f"{component.ecosystem}/{component.name}@{component.version or '?'}{where}"


def _unknown_reason(component: Component) -> str:
    if component.version is None:
        return "no version: advisories for this package are reported as 'version unknown'"
    return "version cannot be compared: advisories for it are reported as 'version unknown'"


class _Matcher:
    """Caches compiled ranges and per-version answers (finding templates) across components."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, int], CompiledAffected] = {}
        self._answers: dict[tuple[int, str | None, str | None], tuple[Finding, ...]] = {}

    def findings(
        self, advisories: Sequence[Advisory], release: str | None, version: str | None
    ) -> tuple[Finding, ...]:
        """Findings without a component, one per distinct flaw affecting `version`."""
        if not advisories:
            return ()
        cache_key = (id(advisories), release, version)
        cached = self._answers.get(cache_key)
        if cached is None:
            hits = list(self._evaluate(advisories, release, version))
            cached = tuple(merge_hits(group) for group in same_flaw_groups(hits))
            self._answers[cache_key] = cached
        return cached

    def _evaluate(
        self, advisories: Sequence[Advisory], release: str | None, version: str | None
    ) -> Iterable[Hit]:
        for advisory in advisories:
            for index, package in enumerate(advisory.affected):
                if not ecosystems.same_release(release, package.release):
                    continue
                compiled = self._compiled.get((advisory.id, index))
                if compiled is None:
                    compiled = self._compiled[(advisory.id, index)] = CompiledAffected(package)
                outcome = compiled.evaluate(version)
                if outcome.verdict is not Verdict.NOT_AFFECTED:
                    yield Hit(advisory, outcome.verdict is Verdict.UNKNOWN, outcome.fixed)
                    break


def same_flaw_groups(hits: Sequence[Hit]) -> list[list[Hit]]:
    """Group hits whose ids/aliases overlap (union-find over shared identifiers), in the
    order of their first hit."""
    parent = list(range(len(hits)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, hit in enumerate(hits):
        for ident in (hit.advisory.id, *hit.advisory.aliases):
            if ident in owner:
                parent[root(index)] = root(owner[ident])
            else:
                owner[ident] = index
    groups: dict[int, list[Hit]] = defaultdict(list)
    for index, hit in enumerate(hits):
        groups[root(index)].append(hit)
    return list(groups.values())


def id_order(ident: str) -> tuple[int, str]:
    """The ecosystem's own ids (PYSEC, RUSTSEC, GO, ...) first, then GHSA, then CVE."""
    return (_ID_RANK.get(ident.split("-", 1)[0], 0), ident)


def merge_hits(group: Sequence[Hit]) -> Finding:
    """One Finding (without a component) for hits that are the same flaw: the first id by
    `id_order`, every other id as an alias, the worst rating, every fixed version; its
    version is unknown only when every hit's is."""
    group = sorted(group, key=lambda hit: id_order(hit.advisory.id))
    primary = group[0].advisory
    idents = {ident for hit in group for ident in (hit.advisory.id, *hit.advisory.aliases)}
    worst = max(
        group, key=lambda hit: (hit.advisory.rating.severity, hit.advisory.rating.score or 0)
    )
    summary = next((hit.advisory.summary for hit in group if hit.advisory.summary), "")
    return Finding(
        kind="vulnerability",
        id=primary.id,
        summary=summary,
        severity=worst.advisory.rating.severity,
        aliases=tuple(sorted(idents - {primary.id}, key=id_order)),
        cvss_score=worst.advisory.rating.score,
        cvss_vector=worst.advisory.rating.vector,
        fixed_versions=tuple(dict.fromkeys(v for hit in group for v in hit.fixed)),
        references=tuple(dict.fromkeys(r for hit in group for r in hit.advisory.references)),
        version_unknown=all(hit.unknown for hit in group),
    )
