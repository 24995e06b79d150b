"""Severity rating of OSV advisories."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.model import Severity
from garrison.vulndb import severity
from garrison.vulndb.advisory import Rating
from garrison.vulndb.severity import rate

V3_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V3_MEDIUM = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"
V2_HIGH = "AV:N/AC:L/Au:N/C:P/I:P/A:P"
V4_CRITICAL = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def item(osv_type: str, score: Any) -> dict[str, Any]:
    return {"type": osv_type, "score": score}


@pytest.mark.parametrize(
    ("osv_type", "vector", "score", "expected"),
    [
        ("CVSS_V3", V3_CRITICAL, 9.8, Severity.CRITICAL),
        ("CVSS_V3", V3_MEDIUM, 6.1, Severity.MEDIUM),
        ("CVSS_V3", "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5, Severity.MEDIUM),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 9.1, Severity.CRITICAL),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, Severity.HIGH),
        ("CVSS_V3", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8, Severity.LOW),
        ("CVSS_V2", V2_HIGH, 7.5, Severity.HIGH),
        ("CVSS_V2", "AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, Severity.MEDIUM),
        ("CVSS_V2", "AV:L/AC:H/Au:N/C:P/I:N/A:N", 1.2, Severity.LOW),
        ("CVSS_V4", V4_CRITICAL, 9.3, Severity.CRITICAL),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
            6.9,
            Severity.MEDIUM,
        ),
    ],
)
def test_exact_scores(osv_type: str, vector: str, score: float, expected: Severity) -> None:
    assert rate([item(osv_type, vector)], None, None) == Rating(expected, score, vector)


def test_v2_accepts_parenthesised_and_prefixed_spellings() -> None:
    for spelling in (f"({V2_HIGH})", f"CVSS:2.0/{V2_HIGH}"):
        assert rate([item("CVSS_V2", spelling)], None, None) == Rating(Severity.HIGH, 7.5, spelling)


def test_v4_preferred_over_v3_and_v2_whatever_the_order() -> None:
    entries = [item("CVSS_V2", V2_HIGH), item("CVSS_V3", V3_MEDIUM), item("CVSS_V4", V4_CRITICAL)]
    assert rate(entries, None, None) == Rating(Severity.CRITICAL, 9.3, V4_CRITICAL)


def test_v3_preferred_over_v2() -> None:
    entries = [item("CVSS_V2", V2_HIGH), item("CVSS_V3", V3_MEDIUM)]
    assert rate(entries, None, None) == Rating(Severity.MEDIUM, 6.1, V3_MEDIUM)


def test_entry_list_before_affected_list_for_the_same_version() -> None:
    rating = rate([item("CVSS_V3", V3_MEDIUM)], [item("CVSS_V3", V3_CRITICAL)], None)
    assert rating == Rating(Severity.MEDIUM, 6.1, V3_MEDIUM)


def test_higher_version_in_affected_list_wins() -> None:
    rating = rate([item("CVSS_V3", V3_MEDIUM)], [item("CVSS_V4", V4_CRITICAL)], None)
    assert rating == Rating(Severity.CRITICAL, 9.3, V4_CRITICAL)


def test_affected_list_used_when_entry_list_absent() -> None:
    rating = rate(None, [item("CVSS_V3", V3_CRITICAL)], {"severity": "LOW"})
    assert rating == Rating(Severity.CRITICAL, 9.8, V3_CRITICAL)


def test_garbage_vector_falls_back_to_database_specific() -> None:
    rating = rate([item("CVSS_V3", "CVSS:3.1/AV:N/garbage")], None, {"severity": "HIGH"})
    assert rating == Rating(Severity.HIGH, None, None)


def test_garbage_v4_falls_through_to_v3() -> None:
    entries = [item("CVSS_V4", "CVSS:4.0/AV:N"), item("CVSS_V3", V3_MEDIUM)]
    assert rate(entries, None, None) == Rating(Severity.MEDIUM, 6.1, V3_MEDIUM)


def test_vector_of_the_wrong_version_is_skipped() -> None:
    entries = [item("CVSS_V3", V2_HIGH)]
    assert rate(entries, None, None) == Rating(Severity.UNKNOWN, None, None)


@pytest.mark.parametrize(
    "bad",
    [None, 7, "", "   ", ["AV:N"], {"a": 1}],
)
def test_non_string_or_empty_scores_never_raise(bad: Any) -> None:
    assert rate([item("CVSS_V3", bad), {"type": "CVSS_V2"}], None, None) == severity.UNRATED


@pytest.mark.parametrize("junk", ["not a list", 3, [None, "x", 4]])
def test_malformed_lists_are_ignored(junk: Any) -> None:
    assert rate(junk, junk, junk) == Rating(Severity.UNKNOWN, None, None)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("HIGH", Severity.HIGH),
        ("MODERATE", Severity.MEDIUM),
        ("Low", Severity.LOW),
        ("CRITICAL", Severity.CRITICAL),
        ("medium", Severity.MEDIUM),
        ("whatever", Severity.UNKNOWN),
    ],
)
def test_database_specific_labels(label: str, expected: Severity) -> None:
    assert rate([], [], {"severity": label}) == Rating(expected, None, None)


def test_database_specific_non_string_is_ignored() -> None:
    assert rate(None, None, {"severity": 7}) == Rating(Severity.UNKNOWN, None, None)


def test_ubuntu_word_rating() -> None:
    assert rate([item("Ubuntu", "medium")], None, {"severity": "LOW"}) == Rating(
        Severity.MEDIUM, None, None
    )
    assert rate([item("Ubuntu", "negligible")], None, None) == Rating(Severity.LOW, None, None)


def test_cvss_beats_ubuntu_word_rating() -> None:
    entries = [item("Ubuntu", "low"), item("CVSS_V3", V3_CRITICAL)]
    assert rate(entries, None, None) == Rating(Severity.CRITICAL, 9.8, V3_CRITICAL)


def test_unknown_ubuntu_word_falls_back_to_database_specific() -> None:
    rating = rate([item("Ubuntu", "untriaged")], None, {"severity": "HIGH"})
    assert rating == Rating(Severity.HIGH, None, None)


def test_nothing_usable_is_unknown() -> None:
    assert rate(None, None, None) == Rating(Severity.UNKNOWN, None, None)
    assert rate([], [], {}) == Rating(Severity.UNKNOWN, None, None)


def test_scores_are_plain_floats() -> None:
    rating = rate([item("CVSS_V3", V3_CRITICAL)], None, None)
    assert type(rating.score) is float


def test_parsed_vectors_are_cached() -> None:
    severity._rate_v3.cache_clear()
    for _ in range(3):
        rate([item("CVSS_V3", V3_MEDIUM)], None, None)
    info = severity._rate_v3.cache_info()
    assert (info.hits, info.misses) == (2, 1)


def test_zero_score_follows_severity_from_score() -> None:
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"
    assert rate([item("CVSS_V3", vector)], None, None) == Rating(
        Severity.from_score(0.0), 0.0, vector
    )
