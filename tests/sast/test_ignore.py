"""`garrison:ignore` comments in source lines."""

from __future__ import annotations

import pytest

from garrison.sast.ignore import ignored_rules, is_ignored


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = run(cmd)  # garrison:ignore[B602]", frozenset({"B602"})),
        ("x = run(cmd)  # garrison:ignore[B602, B607] reviewed", frozenset({"B602", "B607"})),
        ("x = run(cmd)  # garrison:ignore", frozenset()),
        ("eval(x); // garrison:ignore[js-eval]", frozenset({"js-eval"})),
        ("x = 'garrison:ignore[B602]'", None),  # in a string, no comment before it
        ("x = run(cmd)  # nosec", None),
        ("", None),
    ],
)
def test_ignored_rules(line: str, expected: frozenset[str] | None) -> None:
    assert ignored_rules(line) == expected


LINES = [
    "import subprocess",  # 1
    "# garrison:ignore[B602] reviewed",  # 2
    "subprocess.call(cmd, shell=True)",  # 3
    "subprocess.call(cmd, shell=True)  # garrison:ignore[B607]",  # 4
    "x = 1  # garrison:ignore[B602]",  # 5: code with a comment: not a comment line
    "subprocess.call(cmd, shell=True)",  # 6
]


@pytest.mark.parametrize(
    ("line", "rule", "expected"),
    [
        (3, "B602", True),  # comment line just above
        (3, "B607", False),
        (4, "B607", True),  # same line
        (4, "B602", False),
        (6, "B602", False),  # the line above holds code, so its comment is its own
        (2, "B602", True),
        (99, "B602", False),
        (0, "B602", False),
    ],
)
def test_is_ignored(line: int, rule: str, expected: bool) -> None:
    assert is_ignored(LINES, line, rule) is expected
