"""Debian/Ubuntu version ordering (dpkg rules)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.dpkg import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1:2.30-1ubuntu1~22.04", "1:2.30-1ubuntu1"),
        ("1.2.3+dfsg-1", "1.2.3+dfsg-2"),
        ("1.2.3-1", "1.2.3+dfsg-1"),
        ("2.36.1-8+deb11u1", "2.36.1-8+deb11u2"),
        ("7.81.0-1ubuntu1.10", "7.81.0-1ubuntu1.15"),
        ("3.0.2-0ubuntu1.10", "3.0.2-0ubuntu1.12"),
        ("1.0~beta1", "1.0"),
        ("1.0~~", "1.0~"),
        ("9.9", "1:0.1"),
        ("1.2.3-1", "1.2.3-1.1"),
        ("1.2.3", "1.2.3a"),
        ("1.2.3a", "1.2.3+"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    for ecosystem in ("Debian", "Ubuntu", "Debian:12"):
        assert compare(ecosystem, lower, higher) == -1
        assert compare(ecosystem, higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.0", "0:1.0-0"), ("1.00", "1.0"), ("1.0-1", "1.0-01"), ("1:1.0", "01:1.0")],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Debian", a, b) == 0
    assert ORDERING.parse(a) == ORDERING.parse(b)
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


@pytest.mark.parametrize(
    "version",
    ["", " ", "1.0 ", "a:1.0", ":1.0", "1.0-", "-1", "1.0_1", "1.0 beta", "1.0-a_b", "1.0-a:b"],
)
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Debian" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_names_the_requested_ecosystem() -> None:
    with pytest.raises(InvalidVersionError, match=r"Ubuntu:22\.04") as info:
        parse("Ubuntu:22.04", "1.0_1")
    assert "'1.0_1'" in str(info.value)
