"""Every comparison in ../shared/fixtures/versions, one test case per line and ecosystem.

Each line must hold both ways round (a < b implies b > a). The files are read at collection
time; when ../shared is absent each file contributes one case that skips with the reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from garrison.versions import compare
from tests.conftest import shared_path

# (fixture file, ecosystems that must satisfy every line of it)
FILES = [
    ("pypi-versions.txt", ("PyPI",)),
    ("semver-versions.txt", ("npm", "crates.io", "Go")),
    ("maven-versions.txt", ("Maven",)),
    ("rubygems-versions.txt", ("RubyGems",)),
    ("nuget-versions.txt", ("NuGet",)),
    ("packagist-versions.txt", ("Packagist",)),
    ("debian-versions.txt", ("Debian", "Ubuntu")),
    ("alpine-versions.txt", ("Alpine",)),
    ("redhat-versions.txt", ("Red Hat", "Rocky Linux", "AlmaLinux", "openSUSE")),
    ("pub-versions.txt", ("Pub",)),
    ("hackage-versions.txt", ("Hackage",)),
    ("cran-versions.txt", ("CRAN",)),
]
EXPECTED_SIGN = {"<": -1, "=": 0, ">": 1}


def _is_comment(line: str) -> bool:
    return not line or line == "#" or line.startswith(("# ", "//"))


def _cases(file: str, ecosystem: str) -> list[Any]:
    try:
        path = shared_path("fixtures", "versions", file)
    except pytest.skip.Exception:
        return [pytest.param(file, ecosystem, "", "", "", id=f"{file}:absent:{ecosystem}")]
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if _is_comment(line):
            continue
        a, op, b = line.split()
        cases.append(pytest.param(file, ecosystem, a, op, b, id=f"{file}:{number}:{ecosystem}"))
    return cases


@pytest.mark.parametrize(
    ("file", "ecosystem", "a", "op", "b"),
    [case for file, ecosystems in FILES for eco in ecosystems for case in _cases(file, eco)],
)
def test_fixture_line(file: str, ecosystem: str, a: str, op: str, b: str) -> None:
    if not op:
        shared_path("fixtures", "versions", file)  # skips, naming the missing path
    expected = EXPECTED_SIGN[op]
    assert compare(ecosystem, a, b) == expected
    assert compare(ecosystem, b, a) == -expected


def test_every_fixture_file_is_covered() -> None:
    present = {p.name for p in shared_path("fixtures", "versions").glob("*-versions.txt")}
    assert present == {file for file, _ in FILES}
