"""R CRAN version ordering (numbers separated by '.' or '-')."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.cran import ORDERING


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("1.0-0", "1.0-1"), ("1.2-3", "1.10-1"), ("3.6.3", "4.0.0"), ("1.7-8", "1.7-10")],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("CRAN", lower, higher) == -1
    assert compare("CRAN", higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), [("1.0-1", "1.0.1"), ("1.01-0", "1.1.0")])
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("CRAN", a, b) == 0
    assert ORDERING.parse(a) == ORDERING.parse(b)


@pytest.mark.parametrize("version", ["", " ", "1.0a", "v1.0", "1..0", "1.0-", "1,0", "-1"])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "CRAN" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError, match="CRAN") as info:
        parse("CRAN", "x")
    assert "'x'" in str(info.value)
