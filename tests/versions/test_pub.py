"""Dart Pub version ordering (SemVer where build metadata orders)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.pub import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0", "1.0.0+build"),
        ("1.0.0-dev", "1.0.0"),
        ("2.0.0-nullsafety.0", "2.0.0"),
        ("1.0.0+1", "1.0.0+2"),
        ("1.0.0+2", "1.0.0+10"),
        ("1.0.0+10", "1.0.0+a"),
        ("0.13.5", "0.13.6"),
        ("1.2.3-beta.2", "1.2.3-beta.10"),
        ("1.2.3-beta", "1.2.3-beta.1"),
        ("1.2.3-beta+build", "1.2.3"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("Pub", lower, higher) == -1
    assert compare("Pub", higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), [("v1.2.3", "1.2.3"), ("1.2", "1.2.0"), ("1", "1.0.0")])
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Pub", a, b) == 0
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


@pytest.mark.parametrize(
    "version", ["", " ", "1.2.3-", "1.2.3+", "a.b.c", "1.2.3-be ta", "1..2", "1.2.3-a..b"]
)
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Pub" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError, match="Pub") as info:
        parse("Pub", "1.0.0-")
    assert "'1.0.0-'" in str(info.value)
