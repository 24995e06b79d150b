from __future__ import annotations

from garrison.model import Component, Location, Severity
from garrison.vulndb.match import InMemorySource, match_components
from garrison.vulndb.osv import parse_advisory
from tests.vulndb.helpers import entry

V3_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def _source(*documents: dict[str, object]) -> InMemorySource:
    return InMemorySource(parse_advisory(doc, "t") for doc in documents)


def _pyyaml(version: str | None) -> Component:
    return Component("PyPI", "PyYAML", version, f"pkg:pypi/pyyaml@{version}", Location("sbom.json"))


PYSEC = entry(
    "PYSEC-2021-142", name="pyyaml", aliases=["CVE-2020-14343", "GHSA-8q59-q68h-6hv4"],
    events=[{"introduced": "0"}, {"fixed": "5.4"}],
)  # fmt: skip
GHSA = entry(
    "GHSA-8q59-q68h-6hv4", name="PyYAML", aliases=["CVE-2020-14343"],
    events=[{"introduced": "0"}, {"fixed": "5.4"}],
    severity=[{"type": "CVSS_V3", "score": V3_CRITICAL}],
)  # fmt: skip


def test_same_flaw_from_two_databases_is_one_finding_with_all_ids() -> None:
    result = match_components([_pyyaml("5.3.1")], _source(PYSEC, GHSA))
    (finding,) = result.findings
    assert finding.id == "PYSEC-2021-142"
    assert finding.aliases == ("GHSA-8q59-q68h-6hv4", "CVE-2020-14343")
    assert finding.severity is Severity.CRITICAL
    assert finding.cvss_score == 9.8
    assert finding.fixed_versions == ("5.4",)
    assert finding.location == Location("sbom.json")
    assert result.warnings == ()


def test_fixed_version_is_clean() -> None:
    assert match_components([_pyyaml("5.4")], _source(PYSEC, GHSA)).findings == ()


def test_linked_only_through_a_shared_cve_alias() -> None:
    other = entry("GHSA-zzzz-zzzz-zzzz", name="pyyaml", aliases=["CVE-2020-14343"])
    first = entry("PYSEC-2099-9", name="pyyaml", aliases=["CVE-2020-14343"])
    (finding,) = match_components([_pyyaml("0.5")], _source(first, other)).findings
    assert set((finding.id, *finding.aliases)) == {
        "PYSEC-2099-9", "GHSA-zzzz-zzzz-zzzz", "CVE-2020-14343",
    }  # fmt: skip


def test_withdrawn_entries_never_match() -> None:
    withdrawn = dict(PYSEC, withdrawn="2024-01-01T00:00:00Z")
    assert match_components([_pyyaml("5.3.1")], _source(withdrawn)).findings == ()


def test_unparsable_version_is_reported_unknown_never_clean() -> None:
    result = match_components([_pyyaml("five-ish")], _source(PYSEC))
    (finding,) = result.findings
    assert finding.version_unknown is True
    assert finding.id == "PYSEC-2021-142"
    assert len(result.warnings) == 1
    assert "cannot be compared" in result.warnings[0].message


def test_missing_version_is_reported_unknown() -> None:
    result = match_components([_pyyaml(None)], _source(PYSEC))
    assert [f.version_unknown for f in result.findings] == [True]


def test_unknown_ecosystem_is_a_warning() -> None:
    result = match_components([Component("Cobol", "x", "1")], _source(PYSEC))
    assert result.findings == ()
    assert result.warnings[0].message == "unknown ecosystem 'Cobol'; not matched"


def test_release_suffixes_must_agree_when_both_are_known() -> None:
    doc = entry("DSA-9999-1", ecosystem="Debian:12", name="openssl",
                events=[{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u1"}])  # fmt: skip
    source = _source(doc)
    on_12 = Component("Debian:12", "openssl", "3.0.9-1")
    on_11 = Component("Debian:11", "openssl", "3.0.9-1")
    unknown_release = Component("Debian", "openssl", "3.0.9-1")
    assert len(match_components([on_12], source).findings) == 1
    assert match_components([on_11], source).findings == ()
    assert len(match_components([unknown_release], source).findings) == 1


def test_many_components_share_cached_answers() -> None:
    components = [_pyyaml("5.3.1")] * 1000 + [_pyyaml("5.4")] * 1000
    result = match_components(components, _source(PYSEC, GHSA))
    assert len(result.findings) == 1000


def test_ubuntu_lts_suffix_agrees_with_plain_release() -> None:
    doc = entry("UBUNTU-CVE-2099-1", ecosystem="Ubuntu:22.04:LTS", name="openssl",
                events=[{"introduced": "0"}, {"fixed": "3.0.2-0ubuntu1.10"}])  # fmt: skip
    found = match_components(
        [Component("Ubuntu:22.04", "openssl", "3.0.2-0ubuntu1.9")], _source(doc)
    )
    assert [f.id for f in found.findings] == ["UBUNTU-CVE-2099-1"]


def test_red_hat_module_streams_and_major_releases() -> None:
    doc = entry(
        "RHSA-2099:0001",
        ecosystem="Red Hat:enterprise_linux:9::appstream",
        name="openssl",
        events=[{"introduced": "0"}, {"fixed": "1:3.0.7-28.el9"}],
    )
    source = _source(doc)
    on_9 = Component("Red Hat:enterprise_linux:9", "openssl", "1:3.0.7-27.el9")
    on_8 = Component("Red Hat:enterprise_linux:8", "openssl", "1:3.0.7-27.el9")
    assert len(match_components([on_9], source).findings) == 1
    assert match_components([on_8], source).findings == ()
