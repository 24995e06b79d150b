"""Fingerprints: the same finding keeps its fingerprint when lines move; literals are blind."""

from __future__ import annotations

import re
from pathlib import Path

from garrison.sast import SastOptions, run_sast
from garrison.sast.fingerprint import code_key, fingerprint, identity_key

CODE = """import subprocess


def run(cmd):
    return subprocess.call(cmd, shell=True)


def again(cmd):
    return subprocess.call(cmd, shell=True)
"""


def test_code_key_collapses_whitespace_and_empties_literals() -> None:
    assert code_key("    x = f(\"a b\",  'c')\t# d") == "code:x = f(\"\", '') # d"
    assert code_key("  y = `tpl ${a}`  ") == "code:y = ``"
    assert code_key('s = "a \\" quote"') == 'code:s = ""'


def test_code_key_does_not_depend_on_a_password_in_the_line() -> None:
    secret_a, secret_b = "Tr0ub4dor" + "&3x" * 3, "c0rrect" + "-h0rse" * 2
    assert code_key(f'password = "{secret_a}"') == code_key(f'password = "{secret_b}"')
    assert secret_a not in code_key(f'password = "{secret_a}"')


def test_identity_key_is_order_independent() -> None:
    first = identity_key({"b": "2", "a": "1"})
    assert first == identity_key({"a": "1", "b": "2"}) == "tool:a=1\nb=2"


def test_fingerprint_format_and_parts() -> None:
    value = fingerprint("bandit", "B602", "app.py", "code:x")
    assert re.fullmatch(r"sast1:[0-9a-f]{32}", value)
    assert value != fingerprint("bandit", "B602", "app.py", "code:x", occurrence=1)
    assert value != fingerprint("bandit", "B602", "lib.py", "code:x")
    assert value != fingerprint("semgrep", "B602", "app.py", "code:x")
    assert value == fingerprint("bandit", "B602", "app.py", "code:x", occurrence=0)


def _prints(root: Path) -> list[tuple[str, int | None, str | None]]:
    result = run_sast(root, SastOptions())
    return [(f.id, f.location.line if f.location else None, f.fingerprint) for f in result.findings]


def test_fingerprints_survive_lines_inserted_above(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(CODE)
    before = _prints(tmp_path)
    (tmp_path / "job.py").write_text('"""Jobs."""\n\nimport os\n\n' + CODE)
    after = _prints(tmp_path)
    assert [(rule, line) for rule, line, _ in before] == [
        ("B404", 1),
        ("B602", 5),
        ("B602", 9),
    ]
    assert [(rule, line) for rule, line, _ in after] == [
        ("B404", 5),
        ("B602", 9),
        ("B602", 13),
    ]
    assert [p for _, _, p in before] == [p for _, _, p in after]
    assert len({p for _, _, p in before}) == 3  # two equal lines, two fingerprints
