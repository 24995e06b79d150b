from __future__ import annotations

from datetime import UTC, datetime

import pytest

from garrison.errors import ConfigError
from garrison.model import Component, Finding, Location, ScanResult, Severity
from garrison.policy import SuppressedBy, Suppression, Verdict
from garrison.report.common import generation_time, split, where
from tests.report.cases import DJANGO_SQLI, LOG4SHELL, PRIVILEGED


def test_generation_time_is_source_date_epoch_when_set() -> None:
    assert generation_time({"SOURCE_DATE_EPOCH": "1767323045"}) == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=UTC
    )
    now = generation_time({})
    assert now.tzinfo is UTC and now.microsecond == 0
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH: 'soon' is not a number of seconds"):
        generation_time({"SOURCE_DATE_EPOCH": "soon"})


def test_split_whether_or_not_the_result_keeps_suppressed_findings() -> None:
    suppression = Suppression(LOG4SHELL, SuppressedBy.VEX, "v.json", "code_not_reachable")
    verdict = Verdict(False, "x", (DJANGO_SQLI,), (suppression,))
    kept = split(ScanResult("t", (), (PRIVILEGED, LOG4SHELL, DJANGO_SQLI)), verdict)
    dropped = split(ScanResult("t", (), (PRIVILEGED, DJANGO_SQLI)), verdict)
    assert kept == dropped
    assert kept.open == (DJANGO_SQLI, PRIVILEGED)  # CRITICAL before HIGH
    assert kept.suppressed == (suppression,)
    assert kept.is_blocking(DJANGO_SQLI) and not kept.is_blocking(PRIVILEGED)
    missing = split(ScanResult("t", (), ()), verdict)  # a blocking finding the result lacks
    assert missing.open == (DJANGO_SQLI,)


@pytest.mark.parametrize(
    ("location", "text"),
    [
        (Location("a.yaml", 3, 3, 7), "a.yaml:3:7"),
        (Location("a.yaml", 3, 5, 7), "a.yaml:3-5"),
        (Location("a.yaml", 3), "a.yaml:3"),
        (Location("a.yaml"), "a.yaml"),
        (None, ""),
    ],
)
def test_where(location: Location | None, text: str) -> None:
    assert where(Finding("sast", "X", "x", Severity.LOW, location=location)) == text


def test_where_falls_back_to_the_packages_file() -> None:
    component = Component("npm", "a", "1", location=Location("package-lock.json", 9))
    assert where(Finding("vulnerability", "V", "x", Severity.LOW, component)) == (
        "package-lock.json:9"
    )
