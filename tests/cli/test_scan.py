"""`garrison scan` end to end: exit codes, the JSON report and its schema, stale databases."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from garrison.cli import main
from garrison.vulndb.importer import import_paths
from tests.conftest import REPO

SBOM = REPO / "examples" / "demo-app" / "sbom.cdx.json"
SCHEMA = json.loads((REPO / "src" / "garrison" / "schemas" / "report.schema.json").read_text())


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db_path = tmp_path / "demo.sqlite3"
    import_paths(db_path, [REPO / "examples" / "advisories"])
    return db_path


def _age(db_path: Path, days: int) -> None:
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'updated_at'", (when,))


def _scan_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["scan", *argv, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_demo_sbom_report_is_exact_and_valid(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _scan_json(capsys, str(SBOM), "--scanners", "vuln", "--db", str(demo_db))
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert code == 1
    rows = [
        (f["id"], f["package"]["name"], f["package"]["version"], f["severity"], f["cvss_score"],
         f["fixed_versions"], f["aliases"])
        for f in report["findings"]  # type: ignore[attr-defined]
    ]  # fmt: skip
    assert rows == [
        ("PYSEC-2021-142", "pyyaml", "5.3.1", "CRITICAL", 9.8, ["5.4"],
         ["GHSA-8q59-q68h-6hv4", "CVE-2020-14343"]),
        ("GO-2022-1059", "golang.org/x/text", "v0.3.7", "HIGH", None, ["0.3.8"],
         ["GHSA-69ch-w2m2-3vjp", "CVE-2022-32149"]),
        ("RUSTSEC-2022-0013", "regex", "1.5.4", "HIGH", 7.5, ["1.5.5"],
         ["GHSA-m5pq-gvj9-9vr8", "CVE-2022-24713"]),
        ("PYSEC-2023-192", "urllib3", "1.26.12", "HIGH", 8.1, ["1.26.17"],
         ["GHSA-v845-jxx5-vc9f", "CVE-2023-43804"]),
        ("PYSEC-2023-74", "requests", "2.28.1", "MEDIUM", 6.1, ["2.31.0"],
         ["GHSA-j8r2-6x86-q33q", "CVE-2023-32681"]),
    ]  # fmt: skip
    assert report["partial"] is False
    assert report["summary"] == {
        "components": 7, "findings": 5,
        "by_severity": {"CRITICAL": 1, "HIGH": 3, "MEDIUM": 1, "LOW": 0, "UNKNOWN": 0},
    }  # fmt: skip
    first = report["findings"][0]  # type: ignore[index]
    assert first["package"]["purl"] == "pkg:pypi/pyyaml@5.3.1"
    assert first["kind"] == "vulnerability"


def test_clean_sbom_exits_zero(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = tmp_path / "clean.cdx.json"
    document = json.loads(SBOM.read_text())
    document["components"] = [c for c in document["components"] if c["name"] == "jinja2"]
    sbom.write_text(json.dumps(document))
    code, report = _scan_json(capsys, str(sbom), "--db", str(demo_db))
    assert code == 0
    assert report["findings"] == []
    assert report["verdict"] == {
        "passed": True,
        "reason": "no findings at HIGH or above (default policy)",
    }


def test_medium_only_passes_default_policy(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = tmp_path / "medium.cdx.json"
    document = json.loads(SBOM.read_text())
    document["components"] = [c for c in document["components"] if c["name"] == "requests"]
    sbom.write_text(json.dumps(document))
    code, report = _scan_json(capsys, str(sbom), "--db", str(demo_db))
    assert (code, len(report["findings"])) == (0, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan", "missing.json"], "missing.json: no such file"),
        (["scan", "{sbom}", "--scanners", "vuln,magic"], "unknown scanner(s) magic; known: vuln"),
        (["scan", "{sbom}", "--db-max-age", "forever"], "db max age: 'forever' is not a duration"),
        (["scan", "{bad}"], "bad.json: not valid JSON: line 1 column 2"),
        (
            ["scan", "{sbom}", "--db", "{nodb}"],
            "no vulnerability database; run 'garrison db update'",
        ),
    ],
)
def test_input_errors_exit_2_with_one_line(
    argv: list[str], message: str, tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    values = {"sbom": str(SBOM), "bad": str(bad), "nodb": str(tmp_path / "none.sqlite3")}
    args = [a.format(**values) for a in argv]
    if "--db" not in args:
        args += ["--db", str(demo_db)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_old_database_warns(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _age(demo_db, 5)
    code, report = _scan_json(capsys, str(SBOM), "--db", str(demo_db))
    assert code == 1
    assert report["notes"] == [
        "the vulnerability database is 5d 0h old (warning after 3d 0h); run 'garrison db update'"
    ]


def test_database_past_the_hard_limit_fails_closed(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _age(demo_db, 40)
    assert main(["scan", str(SBOM), "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    assert "is 40d 0h old, past the limit of 30d 0h" in err
    assert main(["scan", str(SBOM), "--db", str(demo_db), "--db-max-age", "60d"]) == 1


def test_output_file_and_env_database(
    tmp_path: Path,
    demo_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GARRISON_DB", str(demo_db))
    out = tmp_path / "report.json"
    assert main(["scan", str(SBOM), "--format", "json", "-o", str(out)]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["summary"]["findings"] == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite3", "report.json"]


def test_installed_command_runs_as_a_process(demo_db: Path) -> None:
    argv = ["scan", str(SBOM), "--db", str(demo_db), "--format", "json"]
    proc = subprocess.run(
        [sys.executable, "-m", "garrison", *argv], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["findings"] == 5
    assert "Traceback" not in proc.stderr


def test_strict_turns_a_partial_scan_into_exit_2(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(SBOM.read_text())
    document["components"].append({"type": "library", "name": "mystery", "bom-ref": "m"})
    sbom = tmp_path / "partial.cdx.json"
    sbom.write_text(json.dumps(document))
    assert main(["scan", str(sbom), "--db", str(demo_db), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["partial"] is True
    assert report["warnings"][0]["gap"] == "unmatched"
    assert (
        main(["scan", str(sbom), "--db", str(demo_db), "--strict", "-o", str(tmp_path / "r")]) == 2
    )
    err = capsys.readouterr().err
    assert "--strict: the result is incomplete (1 unmatched); first: " in err
