"""`garrison db import|stats|show` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from garrison.cli import main
from tests.conftest import DATA, REPO

EXAMPLES = REPO / "examples" / "advisories"


def test_import_then_stats_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    assert main(["db", "import", "--db", db, str(EXAMPLES)]) == 0
    assert capsys.readouterr().out == (
        "imported 8 advisories (Go 1, PyPI 6, crates.io 1); 0 withdrawn; 0 problem(s)\n"
    )
    assert main(["db", "stats", "--db", db, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["ecosystems"] == {
        "Go": {"advisories": 1, "withdrawn": 0},
        "PyPI": {"advisories": 6, "withdrawn": 0},
        "crates.io": {"advisories": 1, "withdrawn": 0},
    }
    assert stats["newest_modified"] == "2024-09-20T00:00:00Z"
    assert main(["db", "show", "--db", db, "CVE-2023-32681", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in shown] == ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]
    assert main(["db", "show", "--db", db, "GO-2022-1059"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("GO-2022-1059\n  aliases:  CVE-2022-32149, GHSA-69ch-w2m2-3vjp\n")


def test_bad_entries_are_listed_on_stderr_and_the_rest_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "db.sqlite3")
    assert main(["db", "import", "--db", db, str(DATA / "vulndb" / "bad-entries")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("imported 2 advisories (PyPI 2); 0 withdrawn; 5 problem(s)")
    assert "malformed.json: malformed JSON at line 2 column 1" in captured.err


def test_show_unknown_id_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    main(["db", "import", "--db", db, str(EXAMPLES)])
    capsys.readouterr()
    assert main(["db", "show", "--db", db, "CVE-1999-1"]) == 2
    assert (
        capsys.readouterr().err == "garrison: error: CVE-1999-1: no advisory has this id or alias\n"
    )


def test_usage_error_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["db", "frobnicate"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_missing_source_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "import", "--db", str(tmp_path / "x"), str(tmp_path / "nope")]) == 2
    assert "nope: no such file or directory" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
