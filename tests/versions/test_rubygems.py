"""RubyGems ordering (Gem::Version)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.rubygems import ORDERING, lenient


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0.rc1", "1.0.0"),
        ("1.0.0.beta", "1.0.0.rc1"),
        ("1.0.0-beta.2", "1.0.0"),
        ("6.1.4.1", "6.1.4.2"),
        ("5.2.4.3", "5.2.4.10"),
        ("1.0.a", "1.0.a.1"),
        ("1.a.0.b", "1.a"),  # missing segments count as 0, and a string sorts below 0
        ("2.0.0.pre", "2.0.0"),
        ("1.9", "1.10"),
        ("0.a", "0"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("RubyGems", lower, higher) == -1
    assert compare("RubyGems", higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0", "1.0.0"),
        ("1.0.0-beta.2", "1.0.0.pre.beta.2"),
        ("1.0.a2", "1.0.a.2"),
        ("1.0.0.a.0", "1.0.a"),
        ("0", "0.0"),
    ],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("RubyGems", a, b) == 0
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


def test_lenient_orders_near_misses() -> None:
    assert lenient("1beta") < lenient("1")
    with pytest.raises(InvalidVersionError):
        ORDERING.parse("1beta")


@pytest.mark.parametrize("version", ["", " ", "a.b", "1..2", "1.0-", "-1", "1.0_beta", " 1.0"])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "RubyGems" in str(info.value)
    assert repr(version) in str(info.value)


@pytest.mark.parametrize("version", ["", "beta", "1.0 beta"])
def test_invalid_even_leniently(version: str) -> None:
    with pytest.raises(InvalidVersionError):
        lenient(version)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse("RubyGems", "1.0_beta")
    assert info.value.ecosystem == "RubyGems"
    assert "'1.0_beta'" in str(info.value)
