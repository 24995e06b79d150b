"""End of life: the shipped table, and findings at fixed dates before, near and after."""

from __future__ import annotations

import json
from datetime import date

import pytest

from garrison.inventory.os.eol import (
    EolDataError,
    EolEntry,
    eol_check,
    eol_finding,
    load_eol,
    parse_eol,
    release_key,
)
from garrison.inventory.os.osrelease import OsInfo, detect
from garrison.model import Finding, Gap, Location, ScanWarning, Severity
from tests.inventory.os.helpers import ALPINE_319, DEBIAN_12, UBUNTU_2204, WOLFI

TABLE = load_eol()


def os_of(text: str) -> OsInfo:
    info = detect({"etc/os-release": text.encode()})
    assert info is not None
    return info


def test_shipped_table() -> None:
    assert TABLE.updated == date(2026, 11, 29)
    assert TABLE.entries[("debian", "10")] == EolEntry(
        "debian", "10", "Debian 10 (buster)", date(2024, 6, 30), "LTS support",
        "https://wiki.debian.org/LTS",
    )  # fmt: skip
    expected = {
        ("debian", "11"): date(2026, 8, 31),
        ("debian", "12"): date(2028, 6, 30),
        ("debian", "13"): date(2030, 6, 30),
        ("ubuntu", "18.04"): date(2023, 5, 31),
        ("ubuntu", "20.04"): date(2025, 5, 29),
        ("ubuntu", "22.04"): date(2027, 6, 1),
        ("ubuntu", "24.04"): date(2029, 5, 31),
        ("alpine", "3.15"): date(2023, 11, 1),
        ("alpine", "3.19"): date(2025, 11, 1),
        ("alpine", "3.20"): date(2026, 4, 1),
        ("alpine", "3.22"): date(2027, 5, 1),
        ("rhel", "7"): date(2024, 6, 30),
        ("rhel", "8"): date(2029, 5, 31),
        ("rhel", "9"): date(2032, 5, 31),
        ("rocky", "9"): date(2032, 5, 31),
        ("almalinux", "8"): date(2029, 3, 1),
    }
    assert {key: TABLE.entries[key].end for key in expected} == expected
    assert all(entry.source.startswith("https://") for entry in TABLE.entries.values())


def test_past_end_of_support_is_high() -> None:
    buster = os_of('PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nID=debian\nVERSION_ID="10"\n')
    assert eol_check(buster, TABLE, date(2024, 7, 1)) == Finding(
        kind="end-of-life",
        id="EOL-debian-10",
        summary="Debian 10 (buster) is past its end of LTS support (2024-06-30): "
        "it gets no more security fixes",
        severity=Severity.HIGH,
        location=Location("etc/os-release"),
        references=("https://wiki.debian.org/LTS",),
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2028, 3, 31), None),  # 91 days before
        (date(2028, 4, 1), "in 90 days"),
        (date(2028, 6, 29), "in 1 day"),
        (date(2028, 6, 30), "today"),
    ],
)
def test_approaching_end_is_low(today: date, expected: str | None) -> None:
    result = eol_check(DEBIAN_12, TABLE, today)
    if expected is None:
        assert result is None
        return
    assert isinstance(result, Finding)
    assert (result.id, result.severity) == ("EOL-debian-12", Severity.LOW)
    assert result.summary == (
        f"Debian 12 (bookworm) is approaching end of life: its LTS support ends {expected} "
        "(2028-06-30)"
    )
    after = eol_check(DEBIAN_12, TABLE, date(2028, 7, 1))
    assert isinstance(after, Finding) and after.severity is Severity.HIGH


def test_supported_releases() -> None:
    assert eol_check(UBUNTU_2204, TABLE, date(2026, 11, 29)) is None
    ended = eol_check(UBUNTU_2204, TABLE, date(2027, 6, 2))
    assert isinstance(ended, Finding) and ended.id == "EOL-ubuntu-22.04"
    assert eol_check(ALPINE_319, TABLE, date(2025, 1, 1)) is None
    alpine = eol_check(ALPINE_319, TABLE, date(2026, 11, 29))
    assert isinstance(alpine, Finding) and alpine.id == "EOL-alpine-3.19"
    assert alpine.references == ("https://alpinelinux.org/releases/",)


def test_unknown_release_is_a_warning() -> None:
    future = os_of('ID=alpine\nVERSION_ID=3.99.0\nPRETTY_NAME="Alpine Linux v3.99"\n')
    assert eol_check(future, TABLE, date(2026, 1, 1)) == ScanWarning(
        "etc/os-release",
        "end of life of Alpine Linux v3.99 unknown to garrison (table of 2026-11-29)",
        Gap.UNMATCHED,
    )
    assert eol_finding(future, TABLE, date(2026, 1, 1)) is None
    fedora = OsInfo("fedora", "39", None, "Fedora Linux 39", None, (), "usr/lib/os-release")
    warning = eol_check(fedora, TABLE, date(2026, 1, 1))
    assert isinstance(warning, ScanWarning) and warning.source == "usr/lib/os-release"
    no_version = OsInfo("ubuntu", None, None, "Ubuntu", None)
    assert isinstance(eol_check(no_version, TABLE, date(2026, 1, 1)), ScanWarning)


def test_rolling_distributions_have_no_end() -> None:
    sid = os_of('PRETTY_NAME="Debian GNU/Linux sid"\nID=debian\n')
    edge = os_of('ID=alpine\nVERSION_ID=3.21.0_alpha20240807\nPRETTY_NAME="Alpine Linux edge"\n')
    tumbleweed = os_of('ID="opensuse-tumbleweed"\nVERSION_ID="20240801"\n')
    for info in (WOLFI, sid, edge, tumbleweed):
        assert eol_check(info, TABLE, date(2040, 1, 1)) is None, info


@pytest.mark.parametrize(
    ("info", "key"),
    [
        (DEBIAN_12, ("debian", "12")),
        (
            OsInfo("debian", None, "bookworm", "Debian GNU/Linux bookworm/sid", None),
            ("debian", "12"),
        ),
        (UBUNTU_2204, ("ubuntu", "22.04")),
        (ALPINE_319, ("alpine", "3.19")),
        (OsInfo("rhel", "8.9", None, "RHEL 8.9", None), ("rhel", "8")),
        (OsInfo("centos", "7.9.2009", None, "CentOS Linux release 7.9", None), ("centos", "7")),
        (OsInfo("centos", "9", None, "CentOS Stream 9", None), ("centos-stream", "9")),
        (OsInfo("amzn", "2", None, "Amazon Linux 2", None), ("amzn", "2")),
        (OsInfo("rocky", None, None, "Rocky Linux", None), None),
    ],
)
def test_release_key(info: OsInfo, key: tuple[str, str] | None) -> None:
    assert release_key(info) == key


def test_centos_streams_and_amazon_linux() -> None:
    stream = OsInfo("centos", "8", None, "CentOS Stream 8", None)
    result = eol_check(stream, TABLE, date(2024, 6, 1))
    assert isinstance(result, Finding) and result.id == "EOL-centos-stream-8"
    amazon = OsInfo("amzn", "2", None, "Amazon Linux 2", None)
    result = eol_check(amazon, TABLE, date(2026, 5, 1))
    assert isinstance(result, Finding) and result.severity is Severity.LOW


def _release(**changes: str) -> dict[str, str]:
    release = {
        "os": "x", "release": "1", "name": "X 1", "end": "2026-06-30", "support": "support",
        "source": "https://x.example/",
    }  # fmt: skip
    release.update(changes)
    return release


def _table(**changes: object) -> str:
    document: dict[str, object] = {"updated": "2026-01-01", "releases": [_release()]}
    document.update(changes)
    return json.dumps(document)


def test_parse_eol() -> None:
    table = parse_eol(_table())
    assert table.rolling == frozenset()
    assert table.entries[("x", "1")].end == date(2026, 6, 30)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        _table(updated="yesterday"),
        _table(releases=[{"os": "x"}]),
        _table(releases=[_release(name="")]),
        _table(releases=[_release(end="soon")]),
        _table(releases=None),
        json.dumps([1, 2]),
    ],
)
def test_malformed_tables(text: str) -> None:
    with pytest.raises(EolDataError):
        parse_eol(text)


def test_duplicate_entries() -> None:
    with pytest.raises(EolDataError, match="listed twice"):
        parse_eol(_table(releases=[_release(), _release(name="again")]))
