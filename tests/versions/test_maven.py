"""Maven ordering (POM reference, "Version Order Specification")."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.maven import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0-SNAPSHOT", "1.0"),
        ("1.0.0-M1", "1.0.0-RC1"),
        ("1.0.0-RC1", "1.0.0"),
        ("2.0.0.Final", "2.0.0.SP1"),
        ("Hoxton.RELEASE", "Hoxton.SR1"),
        ("31.1-android", "31.1-jre"),
        ("2.9.10", "2.9.10.1"),
        ("2.9.10.8", "2.12.0"),
        ("1.2.3-alpha", "1.2.3-beta"),
        ("1-sp-1", "1-ga-1"),
        ("1", "1-sp"),
        ("1.x", "1.1"),
        ("1-1", "1.1"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("Maven", lower, higher) == -1
    assert compare("Maven", higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0.0.RELEASE", "1.0.0"),
        ("2.0.0.Final", "2"),
        ("5.3.9.GA", "5.3.9"),
        ("1.0-cr1", "1.0-RC-1"),
        ("1.foo", "1-foo"),
        ("1-ga-1", "1-1"),
        ("1.0-alpha1", "1-ALPHA-1"),
    ],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Maven", a, b) == 0
    assert ORDERING.parse(a) == ORDERING.parse(b)
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


def test_sorting() -> None:
    versions = ["1.0", "1.0-SNAPSHOT", "1.0-alpha-1", "1.0-beta-1", "1.0-rc-1", "1.0-sp-1"]
    assert sorted(reversed(versions), key=ORDERING.parse) == [
        "1.0-alpha-1",
        "1.0-beta-1",
        "1.0-rc-1",
        "1.0-SNAPSHOT",
        "1.0",
        "1.0-sp-1",
    ]


@pytest.mark.parametrize("version", ["", " ", "1.0 beta", " 1.0", "...", "-", "._-"])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Maven" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse("Maven", "1.0 beta")
    assert info.value.ecosystem == "Maven"
    assert "'1.0 beta'" in str(info.value)
