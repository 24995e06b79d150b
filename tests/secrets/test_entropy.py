"""Entropy per character and the threshold a value needs to look random."""

from __future__ import annotations

import math

import pytest

from garrison.secrets.entropy import looks_random, shannon, threshold


def test_shannon_values() -> None:
    assert shannon("") == 0.0
    assert shannon("aaaa") == 0.0
    assert shannon("abab") == 1.0
    assert shannon("0123456789abcdef") == 4.0
    assert math.isclose(shannon("aab"), 0.9182958340544896)


def test_thresholds_grow_with_length_and_are_lower_for_hex() -> None:
    assert threshold("a1b2c3d4") < threshold("a1b2c3d4e5f6g7h8")
    assert threshold("0123456789abcdef0123") == 3.0
    assert threshold("Q" * 40) == 3.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("k7Rm2xQw9vKp", True),
        ("aaaaaaaaaaaa", False),
        ("abababababab", False),
        ("9f8e7d6c5b4a39281706f5e4d3c2b1a0", True),
        ("deadbeefdeadbeefdeadbeefdeadbeef", False),
    ],
)
def test_looks_random(value: str, expected: bool) -> None:
    assert looks_random(value) is expected


def test_relax_lowers_the_bar() -> None:
    value = "Qx7Qx7Rm2wQx"
    assert not looks_random(value)
    assert looks_random(value, relax=0.3)
