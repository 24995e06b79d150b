from __future__ import annotations

import pytest

from garrison.errors import ConfigError
from garrison.sizes import parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4096", 4096), ("10MiB", 10 * 1024**2), ("500k", 500 * 1024), ("2 GB", 2 * 1024**3),
     ("1t", 1024**4), ("7b", 7)],
)  # fmt: skip
def test_sizes(text: str, expected: int) -> None:
    assert parse_size(text, "--max") == expected


@pytest.mark.parametrize("text", ["", "ten", "-1", "1.5M", "10 XB"])
def test_bad_sizes_name_the_key(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^--max: .* is not a size"):
        parse_size(text, "--max")
