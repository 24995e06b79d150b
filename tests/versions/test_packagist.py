"""Packagist ordering (PHP version_compare as Composer uses it)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.packagist import ORDERING, WildcardKey, lenient


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("2.0.0-RC1", "2.0.0"),
        ("2.0.0-beta1", "2.0.0-RC1"),
        ("2.0.0-alpha2", "2.0.0-beta1"),
        ("2.0.0-dev", "2.0.0-alpha1"),
        ("2.0.0", "2.0.0-patch1"),
        ("5.4.9", "5.4.10"),
        ("dev-master", "0.0.1"),
        ("1.0", "1.0.0"),
        ("v1.0.0-Beta2", "1.0.0-beta3"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("Packagist", lower, higher) == -1
    assert compare("Packagist", higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("v2.3.1", "2.3.1"),
        ("1.0.0-beta.1", "1.0.0-BETA1"),
        ("1.0.0-b1", "1.0.0_beta1"),
        ("1.0.0-p1", "1.0.0pl1"),
        ("1.0.0+rc1", "1.0.0.rc.1"),
    ],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Packagist", a, b) == 0
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


def test_leading_v_is_only_dropped_before_a_digit() -> None:
    assert ORDERING.parse("dev2") != ORDERING.parse("de2")
    assert compare("Packagist", "dev-v1", "dev-1") != 0


def test_hash_wildcard_is_lenient_only() -> None:
    with pytest.raises(InvalidVersionError):
        ORDERING.parse("1.2.3.#")
    key = lenient("1.2.3.#")
    assert isinstance(key, WildcardKey)
    assert not key < lenient("1.2.3.7") and not key > lenient("1.2.3.7")
    assert key < lenient("1.2.4")
    assert lenient("1.2.2") < key


@pytest.mark.parametrize("version", ["", " ", "1.0 ", "1.0~beta", "...", "-", "1.2.3.#"])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Packagist" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse("Packagist", "1.0~beta")
    assert info.value.ecosystem == "Packagist"
    assert "'1.0~beta'" in str(info.value)
