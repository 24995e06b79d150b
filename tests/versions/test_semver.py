"""SemVer 2.0 ordering for npm, crates.io and the OSV SEMVER range type."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import SEMVER_ORDERING, compare, parse
from garrison.versions.semver import ORDERING


@pytest.mark.parametrize("ecosystem", ["npm", "crates.io"])
@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.2.3-rc.1", "1.2.3"),
        ("1.2.3-rc.1", "1.2.3-rc.2"),
        ("1.2.3-rc.2", "1.2.3-rc.10"),
        ("1.2.3-alpha", "1.2.3-alpha.0"),
        ("1.2.3-9", "1.2.3-alpha"),
        ("4.17.20", "4.17.21"),
        ("0.9.0", "0.10.0"),
        ("0", "0.0.1"),
        ("1.0.0-beta.1", "1.0.0"),
        ("2.0.0-next.5", "2.0.0"),
        ("1.2.3", "1.2.3.1"),
    ],
)
def test_order(ecosystem: str, lower: str, higher: str) -> None:
    assert compare(ecosystem, lower, higher) == -1
    assert compare(ecosystem, higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.2.3", "v1.2.3"),
        ("1", "1.0.0"),
        ("1.2", "1.2.0"),
        ("0.1.0", "0.1.0+build.5"),
        ("1.0.0-rc.1+a", "1.0.0-rc.1+b"),
        ("1.2.3.0", "1.2.3"),
        ("01.2.3", "1.2.3"),
    ],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("npm", a, b) == 0
    assert ORDERING.parse(a) == ORDERING.parse(b)
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


def test_semver_range_ordering_is_this_module() -> None:
    assert SEMVER_ORDERING is ORDERING
    assert ORDERING.ecosystems == ("npm", "crates.io")


def test_sorting_many_versions() -> None:
    versions = ["1.0.0", "1.0.0-alpha", "0.9.9", "1.0.0-alpha.1", "1.0.0-beta.11", "1.0.0-beta.2"]
    assert sorted(versions, key=ORDERING.parse) == [
        "0.9.9",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0",
    ]


@pytest.mark.parametrize(
    "version",
    ["", " ", "1.2.3 ", "1.2.3-", "1.2.3+", "a.b.c", "1..2", "1.2.3-a..b", "=1.2.3", "1.x", "^1.2"],
)
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "SemVer" in str(info.value)
    assert repr(version) in str(info.value)


@pytest.mark.parametrize("ecosystem", ["npm", "crates.io"])
def test_invalid_through_dispatcher(ecosystem: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse(ecosystem, "1.2.x")
    assert info.value.ecosystem == ecosystem
    assert ecosystem in str(info.value)
    assert "'1.2.x'" in str(info.value)
