"""Alpine version ordering (apk-tools rules)."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.apk import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("3.0.13-r0", "3.0.15-r0"),
        ("1.36.1-r5", "1.36.1-r15"),
        ("2.4.57-r0", "2.4.58-r0"),
        ("1.1.1t-r0", "1.1.1u-r0"),
        ("1.1.1w-r1", "3.0.0-r0"),
        ("8.5.0_rc1-r0", "8.5.0-r0"),
        ("3.1.4-r5", "3.1.4_p1-r0"),
        ("1.2_git20230101-r0", "1.2_git20230201-r0"),
        ("1.2", "1.2_git20230101"),
        ("1.2_alpha1", "1.2_beta1"),
        ("1.0", "1.0-r0"),
        ("1.05", "1.5"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("Alpine", lower, higher) == -1
    assert compare("Alpine:v3.19", higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), [("1.0-r1", "1.0-r01"), ("1.0-r", "1.0-r0")])
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Alpine", a, b) == 0
    assert ORDERING.parse(a) == ORDERING.parse(b)
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


@pytest.mark.parametrize("version", ["", " ", "1.0 -r1", "1.0\n", "1.0-r1é"])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Alpine" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_names_the_requested_ecosystem() -> None:
    with pytest.raises(InvalidVersionError, match=r"Alpine:v3\.19") as info:
        parse("Alpine:v3.19", "1 0")
    assert "'1 0'" in str(info.value)
