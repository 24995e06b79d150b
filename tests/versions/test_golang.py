"""Go module version ordering."""

from __future__ import annotations

import pytest

from garrison.errors import InvalidVersionError
from garrison.versions import compare, parse
from garrison.versions.golang import ORDERING

PSEUDO = "v0.0.0-20191109021931-daa7c04131f5"


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        (PSEUDO, "v0.0.0-20200101000000-0123456789ab"),
        (PSEUDO, "v0.0.1"),
        ("v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5"),
        ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"),
        ("v1.2.3-pre", "v1.2.3-pre.0.20191109021931-daa7c04131f5"),
        ("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3"),
        ("v1.9.0", "v1.10.0"),
        ("v2.0.0+incompatible", "v2.0.1+incompatible"),
        ("v0.1.0", "v2.0.0+incompatible"),
        ("0", "v0.0.1"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare("Go", lower, higher) == -1
    assert compare("Go", higher, lower) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("v1.2.3+incompatible", "v1.2.3"),
        ("v2.0.0+incompatible", "2.0.0"),
        ("v1.2.3", "1.2.3"),
        ("v1", "v1.0.0"),
    ],
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert compare("Go", a, b) == 0
    assert hash(ORDERING.parse(a)) == hash(ORDERING.parse(b))


@pytest.mark.parametrize("version", ["", " ", "v", "vv1.2.3", "latest", "v1.2.3-", "v1.2.3 "])
def test_invalid(version: str) -> None:
    with pytest.raises(InvalidVersionError) as info:
        ORDERING.parse(version)
    assert "Go" in str(info.value)
    assert repr(version) in str(info.value)


def test_invalid_through_dispatcher() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse("Go", "master")
    assert info.value.ecosystem == "Go"
    assert "'master'" in str(info.value)
