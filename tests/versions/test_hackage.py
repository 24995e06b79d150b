"""Haskell Hackage version ordering (lists of numbers)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.hackage import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("0.11.3.0", "1.0"), ("1.0", "1.0.0"), ("2.4.1.0", "2.10"), ("4.17.2.1", "4.18.0.0")],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("Hackage", lower, higher) == -1
    assert compare("Hackage", higher, lower) == 1


def test_equal() -> None:
    assert compare("Hackage", "1.2.3", "1.2.3") == 0
    assert ORDERING.parse("1.2.3") == (1, 2, 3)


@pytest.mark.parametrize("version", ["", " ", "1.0-beta", "v1.0", "1..0", "1.0.", "1.0 "])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Hackage" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError, match="Hackage") as info:
        parse("Hackage", "1.0a")
    assert "'1.0a'" in str(info.value)
