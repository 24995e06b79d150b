"""NuGet ordering (NuGetVersion)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.nuget import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("4.0.0-rc.2", "4.0.0"),
        ("4.0.0-rc.2", "4.0.0-rc.10"),
        ("1.0.0-alpha", "1.0.0-Beta"),
        ("1.0.0-9", "1.0.0-a"),
        ("12.0.3", "13.0.1"),
        ("1.2.3", "1.2.3.1"),
        ("1.2.3.4-alpha", "1.2.3.4"),
        ("6.0.0-preview.7.21377.19", "6.0.0"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("NuGet", lower, higher) == -1
    assert compare("NuGet", higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0", "1.0.0.0"),
        ("1", "1.0.0"),
        ("1.0.0-Beta", "1.0.0-BETA"),
        ("1.0.0+sha.abc", "1.0.0"),
        ("01.002.0003", "1.2.3"),
    ],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("NuGet", a, b) == 0
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


@pytest.mark.parametrize(
    "version", ["", " ", "1.2.3.4.5", "v1.0", "1.0-", "1.0.0-beta..1", "a", "1.0 ", "1.0+"]
)
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "NuGet" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse("NuGet", "1.2.3.4.5")
    assert info.value.ecosystem == "NuGet"
    assert "'1.2.3.4.5'" in str(info.value)
