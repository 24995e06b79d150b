"""PyPI (PEP 440) ordering, strict and lenient."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.pep440 import ORDERING, lenient


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("2.0b1", "2.0"),
        ("2.0rc1", "2.0"),
        ("2.0", "2.0.post1"),
        ("2.0.dev1", "2.0a1"),
        ("1.0", "1.0+local"),
        ("9.9", "1!0.1"),
        ("2.31.0", "2.32.0"),
        ("1.0.0a9", "1.0.0a10"),
        # legacy (non PEP 440) strings sort before every valid version ...
        ("1.0-bulbasaur", "0.0.1"),
        ("foo", "0"),
        # ... and among themselves by a legacy key
        ("foo-1.0", "foo-2.0"),
        ("1.0-foo", "1.0-zoo"),
        ("1.0-gamma", "1.0-beta"),  # 1.0-beta is valid PEP 440 (1.0b0)
        ("1.0-dev-x", "1.0-pre-x"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("PyPI", lower, higher) == -1
    assert compare("PyPI", higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"), [("1.0", "1.0.0"), ("1.0rc1", "1.0.RC1"), ("1.0.post1", "1.0-1"), ("v1.0", "1.0")]
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("PyPI", a, b) == 0
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


def test_lenient_agrees_with_strict_for_valid_versions() -> None:
    assert lenient("1.2.3") == ORDERING.parse("1.2.3")
    assert lenient(" 1.2.3 ") == ORDERING.parse("1.2.3")


@pytest.mark.parametrize("version", ["1.0-bulbasaur", "foo", "1.0 ", "not a version", "1..0"])
def test_strict_rejects_legacy(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "PyPI" in str(info.value)
    assert repr(version) in str(info.value)


@pytest.mark.parametrize("version", ["", "  "])
def test_blank_is_invalid_even_leniently(version: str) -> None:
    with pytest.raises(InvalidVersionError):
        ORDERING.parse(version)
    with pytest.raises(InvalidVersionError):
        lenient(version)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse("PyPI", "1.0-bulbasaur")
    assert info.value.ecosystem == "PyPI"
    assert "'1.0-bulbasaur'" in str(info.value)
