"""Every comparison in the shared OS and ecosystem fixtures, one test case per line.

The fixtures live in ../shared (read-only); when it is absent the cases skip.
"""

from __future__ import annotations

from typing import Any

import pytest

from garrison.versions import compare
from tests.conftest import shared_path

# (fixture file, ecosystem); a file may be run under several ecosystems.
RUNS = [
    ("debian-versions.txt", "Debian"),
    ("debian-versions.txt", "Ubuntu"),
    ("alpine-versions.txt", "Alpine"),
    ("redhat-versions.txt", "Red Hat"),
    ("redhat-versions.txt", "Rocky Linux"),
    ("pub-versions.txt", "Pub"),
    ("hackage-versions.txt", "Hackage"),
    ("cran-versions.txt", "CRAN"),
]
PRIMARY = {"Debian", "Alpine", "Red Hat", "Pub", "Hackage", "CRAN"}
SIGN = {"<": -1, "=": 0, ">": 1}


def _is_comment(line: str) -> bool:
    return not line or line == "#" or line.startswith(("# ", "//"))


def _cases(file: str, ecosystem: str) -> list[Any]:
    """One pytest.param per comparison line, or one skipping param if the file is absent."""
    suffix = "" if ecosystem in PRIMARY else f"/{ecosystem}"
    try:
        path = shared_path("fixtures", "versions", file)
    except pytest.skip.Exception:
        return [pytest.param(file, ecosystem, "", "", "", id=f"{file}:absent{suffix}")]
    cases = []
    text = path.read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if _is_comment(line):
            continue
        a, op, b = line.split()
        cases.append(pytest.param(file, ecosystem, a, op, b, id=f"{file}:{number}{suffix}"))
    return cases


@pytest.mark.parametrize(
    ("file", "ecosystem", "a", "op", "b"),
    [case for file, ecosystem in RUNS for case in _cases(file, ecosystem)],
)
def test_fixture_line(file: str, ecosystem: str, a: str, op: str, b: str) -> None:
    if not op:
        shared_path("fixtures", "versions", file)  # skips with the reason
    expected = SIGN[op]
    assert compare(ecosystem, a, b) == expected
    assert compare(ecosystem, b, a) == -expected
