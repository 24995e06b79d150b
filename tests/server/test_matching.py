"""Matching changed advisories against component index rows (pure)."""

from __future__ import annotations

from typing import Any

from garrison.server.matching import (
    IndexedComponent,
    MatchState,
    advisories_for_keys,
    component_keys,
    flaws_of,
    folded_ids,
    match_index,
    wanted_packages,
)
from garrison.vulndb.advisory import Advisory
from garrison.vulndb.match import InMemorySource
from garrison.vulndb.osv import parse_advisory
from tests.vulndb.helpers import entry


def _adv(document: dict[str, Any]) -> Advisory:
    return parse_advisory(document, "test")


def _row(ident: int, version: str | None, *, artifact: int = 1, **over: Any) -> IndexedComponent:
    fields: dict[str, Any] = {"ecosystem": "PyPI", "release": None, "name_key": "pyyaml"}
    fields.update(over)
    return IndexedComponent(ident, artifact, version=version, **fields)


PYYAML = entry("PYSEC-2021-142", name="PyYAML", events=[{"introduced": "0"}, {"fixed": "5.4"}])


def _summary(matches: list[Any]) -> list[tuple[int, str, str, tuple[str, ...]]]:
    return [(m.component.id, m.advisory.id, m.state.value, m.fixed_versions) for m in matches]


def test_affected_versions_match_with_the_fix_and_fixed_ones_do_not() -> None:
    rows = [_row(1, "5.3.1"), _row(2, "5.4"), _row(3, "6.0"), _row(4, "3.10", artifact=2)]
    assert _summary(match_index([_adv(PYYAML)], rows)) == [
        (1, "PYSEC-2021-142", "affected", ("5.4",)),
        (4, "PYSEC-2021-142", "affected", ("5.4",)),
    ]


def test_unparsable_or_missing_version_is_unknown_never_clean() -> None:
    rows = [_row(1, "not a version!"), _row(2, None)]
    assert _summary(match_index([_adv(PYYAML)], rows)) == [
        (1, "PYSEC-2021-142", "unknown", ()),
        (2, "PYSEC-2021-142", "unknown", ()),
    ]


def test_other_packages_and_ecosystems_do_not_match() -> None:
    rows = [_row(1, "1.0", name_key="requests"), _row(2, "1.0", ecosystem="npm")]
    assert match_index([_adv(PYYAML)], rows) == []


def test_withdrawn_advisories_match_nothing() -> None:
    withdrawn = dict(PYYAML, withdrawn="2024-02-01T00:00:00Z")
    assert match_index([_adv(withdrawn)], [_row(1, "5.3.1")]) == []


def test_os_release_must_agree_and_affected_beats_unknown() -> None:
    doc = entry("DSA-1-1", ecosystem="Debian:12", name="openssl",
                events=[{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u1"}])  # fmt: skip
    doc["affected"].append(
        {"package": {"ecosystem": "Debian:12", "name": "openssl"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "?bad"}]}]}
    )  # fmt: skip
    base: dict[str, Any] = {"ecosystem": "Debian", "name_key": "openssl"}
    rows = [
        _row(1, "3.0.9-1", release="12", **base),
        _row(2, "3.0.9-1", release="11", **base),
        _row(3, "3.0.9-1", release=None, **base),
        _row(4, "3.0.12-1", release="12", **base),
    ]
    assert _summary(match_index([_adv(doc)], rows)) == [
        (1, "DSA-1-1", "affected", ("3.0.11-1~deb12u1",)),
        (3, "DSA-1-1", "affected", ("3.0.11-1~deb12u1",)),
        (4, "DSA-1-1", "unknown", ()),
    ]


def test_an_advisory_given_narrowed_per_package_matches_once_per_component() -> None:
    doc = entry("GHSA-aaaa-bbbb-cccc", name="a")
    doc["affected"].append(
        {"package": {"ecosystem": "PyPI", "name": "b"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}
    )  # fmt: skip
    source = InMemorySource([_adv(doc)])
    advisories = advisories_for_keys(source, {"PyPI": {"a", "b"}})
    assert [a.affected[0].key for a in advisories] == ["a", "b"]
    rows = [_row(1, "0.5", name_key="a"), _row(2, "1.5", name_key="b")]
    assert _summary(match_index(advisories, rows)) == [
        (1, "GHSA-aaaa-bbbb-cccc", "affected", ("1.0",)),
        (2, "GHSA-aaaa-bbbb-cccc", "affected", ("2.0",)),
    ]


def test_wanted_packages_and_component_keys() -> None:
    npm = entry("GHSA-1111-2222-3333", ecosystem="npm", name="Left-Pad")
    gone = entry("GHSA-4444-5555-6666", name="x", withdrawn="2024-01-02T00:00:00Z")
    assert wanted_packages([_adv(PYYAML), _adv(npm), _adv(gone)]) == {
        "PyPI": {"pyyaml"},
        "npm": {"left-pad"},
    }
    rows = [_row(1, "1"), _row(2, "1", ecosystem="npm", name_key="left-pad")]
    assert component_keys(rows) == {"PyPI": {"pyyaml"}, "npm": {"left-pad"}}


def test_match_state_values_are_the_contract() -> None:
    assert [state.value for state in MatchState] == ["affected", "unknown"]


def test_advisories_of_one_flaw_merge_per_component_as_scans_merge_them() -> None:
    ghsa = entry("GHSA-8q59-q68h-6hv4", name="PyYAML", aliases=["CVE-2020-14343"],
                 events=[{"introduced": "0"}, {"fixed": "5.4"}],
                 database_specific={"severity": "CRITICAL"})  # fmt: skip
    pysec = dict(PYYAML, aliases=["CVE-2020-14343"])
    other = entry("PYSEC-2099-9", name="PyYAML", events=[{"introduced": "0"}, {"fixed": "9"}])
    advisories = [_adv(ghsa), _adv(pysec), _adv(other)]
    flaws = flaws_of(match_index(advisories, [_row(1, "5.3.1"), _row(2, "5.4")]))
    assert [
        (f.component.id, f.finding.id, f.finding.aliases, f.finding.severity.name,
         f.finding.fixed_versions, f.advisory_ids)
        for f in flaws
    ] == [
        (1, "PYSEC-2021-142", ("GHSA-8q59-q68h-6hv4", "CVE-2020-14343"), "CRITICAL", ("5.4",),
         ("PYSEC-2021-142", "GHSA-8q59-q68h-6hv4")),
        (1, "PYSEC-2099-9", (), "UNKNOWN", ("9",), ("PYSEC-2099-9",)),
        (2, "PYSEC-2099-9", (), "UNKNOWN", ("9",), ("PYSEC-2099-9",)),
    ]  # fmt: skip
    assert folded_ids(flaws) == {"GHSA-8q59-q68h-6hv4": "PYSEC-2021-142"}


def test_a_merged_flaw_is_unknown_only_when_every_advisory_is() -> None:
    known = entry("GHSA-aaaa-bbbb-cccc", name="PyYAML", aliases=["PYSEC-2021-142"],
                  events=[{"introduced": "0"}, {"fixed": "?bad"}])  # fmt: skip
    [flaw] = flaws_of(match_index([_adv(known), _adv(PYYAML)], [_row(1, "5.3.1")]))
    assert (flaw.finding.id, flaw.finding.version_unknown) == ("PYSEC-2021-142", False)
    [alone] = flaws_of(match_index([_adv(known)], [_row(1, "5.3.1")]))
    assert alone.finding.version_unknown is True
