from __future__ import annotations

import pytest

from garrison.vulndb.osv import parse_advisory
from garrison.vulndb.ranges import CompiledAffected, Verdict
from tests.vulndb.helpers import entry

A, N, U = Verdict.AFFECTED, Verdict.NOT_AFFECTED, Verdict.UNKNOWN


def _compiled(**kwargs: object) -> CompiledAffected:
    return CompiledAffected(parse_advisory(entry(**kwargs), "t").affected[0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("events", "version", "verdict"),
    [
        ([{"introduced": "0"}, {"fixed": "1.0"}], "0.9", A),
        ([{"introduced": "0"}, {"fixed": "1.0"}], "1.0", N),
        ([{"introduced": "0"}, {"fixed": "1.0"}], "1.0rc1", A),
        ([{"fixed": "2.0"}, {"introduced": "1.0"}], "1.5", A),  # any order
        ([{"fixed": "2.0"}, {"introduced": "1.0"}], "0.5", N),
        ([{"introduced": "1.0"}, {"last_affected": "1.4"}], "1.4", A),
        ([{"introduced": "1.0"}, {"last_affected": "1.4"}], "1.4.1", N),
        ([{"introduced": "1.0"}, {"limit": "1.2"}], "1.3", N),
        ([{"introduced": "1.0"}, {"limit": "1.2"}], "1.1", A),
        ([{"introduced": "1.0"}], "99", A),
        # urllib3-style: two pairs in one range, out of order
        ([{"introduced": "2.0.0"}, {"fixed": "2.0.6"}, {"introduced": "0"}, {"fixed": "1.26.17"}],
         "1.26.16", A),
        ([{"introduced": "2.0.0"}, {"fixed": "2.0.6"}, {"introduced": "0"}, {"fixed": "1.26.17"}],
         "1.26.17", N),
        ([{"introduced": "2.0.0"}, {"fixed": "2.0.6"}, {"introduced": "0"}, {"fixed": "1.26.17"}],
         "2.0.5", A),
        ([{"introduced": "0"}, {"fixed": "1.0"}], "not a version!", U),
        ([{"introduced": "0"}, {"fixed": "not a version!"}], "0.5", U),
    ],
)  # fmt: skip
def test_pypi_ecosystem_ranges(
    events: list[dict[str, str]], version: str, verdict: Verdict
) -> None:
    assert _compiled(events=events).evaluate(version).verdict is verdict


def test_fixed_versions_come_from_the_matching_range() -> None:
    outcome = _compiled(events=[{"introduced": "0"}, {"fixed": "1.0"}]).evaluate("0.1")
    assert outcome.fixed == ("1.0",)


def test_semver_range_for_go_with_v_prefix_and_pseudo_versions() -> None:
    compiled = _compiled(
        ident="GO-2099-1",
        ecosystem="Go",
        name="golang.org/x/net",
        range_type="SEMVER",
        events=[{"introduced": "0"}, {"fixed": "0.0.0-20190125091013-d26f9f9a57f3"}],
    )
    assert compiled.evaluate("v0.0.0-20180101000000-aaaaaaaaaaaa").verdict is A
    assert compiled.evaluate("v0.0.0-20200101000000-aaaaaaaaaaaa").verdict is N
    assert compiled.evaluate("v0.1.0").verdict is N


def test_crates_zero_prerelease_lower_bound() -> None:
    compiled = _compiled(
        ident="RUSTSEC-2099-1",
        ecosystem="crates.io",
        name="regex",
        range_type="SEMVER",
        events=[{"introduced": "0.0.0-0"}, {"fixed": "1.5.5"}],
    )
    assert compiled.evaluate("1.5.4").verdict is A
    assert compiled.evaluate("0.1.0").verdict is A
    assert compiled.evaluate("1.5.5").verdict is N


def test_versions_list_only() -> None:
    compiled = _compiled(versions=["1.0", "1.1"])
    assert compiled.evaluate("1.1").verdict is A
    assert compiled.evaluate("1.1.0").verdict is A  # equal under PEP 440
    assert compiled.evaluate("1.2").verdict is N


def test_git_ranges_are_ignored_when_an_ecosystem_range_exists() -> None:
    doc = entry(events=[{"introduced": "0"}, {"fixed": "1.0"}])
    doc["affected"][0]["ranges"].append(
        {"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}, {"fixed": "a" * 40}]}
    )
    compiled = CompiledAffected(parse_advisory(doc, "t").affected[0])
    assert compiled.evaluate("2.0").verdict is N


def test_only_git_ranges_is_unknown_not_safe() -> None:
    doc = entry(range_type="GIT", events=[{"introduced": "0"}, {"fixed": "a" * 40}])
    doc["affected"][0]["ranges"][0]["repo"] = "https://example.org/demo.git"
    compiled = CompiledAffected(parse_advisory(doc, "t").affected[0])
    assert compiled.evaluate("2.0").verdict is U


def test_no_ranges_and_no_versions_affects_every_version() -> None:
    doc = entry()
    del doc["affected"][0]["ranges"]
    compiled = CompiledAffected(parse_advisory(doc, "t").affected[0])
    assert compiled.evaluate("2.0").verdict is A


def test_missing_version_is_unknown() -> None:
    assert _compiled().evaluate(None).verdict is U


def test_fixed_version_is_the_next_fix_above_the_version() -> None:
    compiled = _compiled(
        events=[
            {"introduced": "2.0.0"},
            {"fixed": "2.0.6"},
            {"introduced": "0"},
            {"fixed": "1.26.17"},
        ]
    )
    assert compiled.evaluate("1.26.12").fixed == ("1.26.17",)
    assert compiled.evaluate("2.0.1").fixed == ("2.0.6",)


def test_listed_and_in_range_reports_the_fix() -> None:
    compiled = _compiled(events=[{"introduced": "0"}, {"fixed": "2.10.1"}], versions=["2.10"])
    outcome = compiled.evaluate("2.10")
    assert (outcome.verdict, outcome.fixed) == (A, ("2.10.1",))


def test_listed_version_outside_the_ranges_is_still_affected() -> None:
    compiled = _compiled(events=[{"introduced": "0"}, {"fixed": "1.0"}], versions=["3.0"])
    assert compiled.evaluate("3.0").verdict is A
    assert compiled.evaluate("3.0.0").verdict is N  # ranges decide; exact list entries add
