"""RPM version ordering (rpmvercmp, epoch:version-release)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.rpm import ORDERING

ECOSYSTEMS = ("Red Hat", "AlmaLinux", "Rocky Linux", "openSUSE", "SUSE")


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0-1.el8", "1.0-1.el9"),
        ("1.0-1.el8_9", "1.0-1.el8_10"),
        ("2.17-326.el7_9", "2.17-326.el7_9.3"),
        ("3.6.8-18.el8", "3.6.8-51.el8_8.2"),
        ("4.18.0-513.5.1.el8_9", "4.18.0-513.9.1.el8_9"),
        ("5.14.21-150500.55.39.1", "5.14.21-150500.55.44.1"),
        ("1:1.0-1", "2:0.1-1"),
        ("9.9-9", "1:0.1-1"),
        ("1.0~rc1-1", "1.0-1"),
        ("1.0-1", "1.0^20230101git1-1"),
        ("1.0a", "1.0.1"),
        ("1.0", "1.0-1"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    for ecosystem in ECOSYSTEMS:
        assert compare(ecosystem, lower, higher) == -1
        assert compare(ecosystem, higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.0-1", "0:1.0-1"), ("1.01", "1.1"), ("1_0", "1.0"), ("1.0-1.el8", "1.0-1.el8.")],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Red Hat", a, b) == 0
    assert ORDERING.parse(a) == ORDERING.parse(b)
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


@pytest.mark.parametrize("version", ["", " ", "1.0 -1", "1.0\t", "1.0\n", "1.0\x00"])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Red Hat" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_names_the_requested_ecosystem() -> None:
    with pytest.raises(InvalidVersionError, match="openSUSE") as info:
        parse("openSUSE", "1.0 1")
    assert "'1.0 1'" in str(info.value)
