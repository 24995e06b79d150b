"""`garrison sbom` and `garrison scan DIR` end to end, with the real readers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from garrison.cli import main
from garrison.vulndb.importer import import_paths
from tests.conftest import REPO

DEMO = REPO / "examples" / "demo-app"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The demo app plus an npm lockfile and a bare pyproject.toml (an unread manifest)."""
    root = tmp_path / "project"
    shutil.copytree(DEMO, root)
    (root / "sbom.cdx.json").unlink()
    web = root / "web"
    web.mkdir()
    (web / "package-lock.json").write_text(
        json.dumps(
            {
                "name": "web", "lockfileVersion": 3,
                "packages": {
                    "": {"name": "web", "dependencies": {"lodash": "^4.17.20"}},
                    "node_modules/lodash": {"version": "4.17.20", "license": "MIT"},
                },
            },
            indent=2,
        )
    )  # fmt: skip
    return root


def test_cyclonedx_of_a_directory_is_valid_and_exact(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "bom.json"
    assert main(["sbom", str(project), "-o", str(out)]) == 0
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    assert document["metadata"]["timestamp"] == "2026-01-01T00:00:00+00:00"
    rows = sorted(
        (c["purl"], c["evidence"]["occurrences"][0]["location"],
         c["evidence"]["occurrences"][0].get("line"))
        for c in document["components"]
    )  # fmt: skip
    assert rows == [
        ("pkg:npm/lodash@4.17.20", "web/package-lock.json", 11),
        ("pkg:pypi/flask@2.2.2", "requirements.txt", 1),
        ("pkg:pypi/jinja2@3.1.2", "requirements.txt", 2),
        ("pkg:pypi/pyyaml@5.3.1", "requirements.txt", 3),
        ("pkg:pypi/requests@2.28.1", "requirements.txt", 4),
        ("pkg:pypi/urllib3@1.26.12", "requirements.txt", 5),
    ]
    assert document["compositions"][0]["aggregate"] == "complete"
    second = tmp_path / "again.json"
    assert main(["sbom", str(project), "-o", str(second)]) == 0
    assert second.read_text() == text  # same input, same bytes


def test_spdx_of_a_directory_is_valid(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "bom.spdx.json"
    assert main(["sbom", str(project), "--format", "spdx", "-o", str(out)]) == 0
    assert validate_full_spdx_document(parse_file(str(out))) == []
    packages = json.loads(out.read_text())["packages"]
    purls = sorted(
        ref["referenceLocator"]
        for package in packages
        for ref in package.get("externalRefs", [])
        if ref["referenceType"] == "purl"
    )
    assert purls[:2] == ["pkg:npm/lodash@4.17.20", "pkg:pypi/flask@2.2.2"]


def test_gaps_are_listed_and_strict_fails(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    out = tmp_path / "bom.json"
    assert main(["sbom", str(project), "-o", str(out)]) == 0
    document = json.loads(out.read_text())
    assert document["compositions"][0]["aggregate"] == "incomplete"
    gaps = [p["value"] for p in document["metadata"]["properties"]]
    assert gaps == [
        "unknown-manifest: pyproject.toml: looks like a dependency manifest, but no reader "
        "understands it (no lockfile beside it); its dependencies are not inventoried"
    ]
    capsys.readouterr()
    assert main(["sbom", str(project), "--strict", "-o", str(out)]) == 2
    assert "--strict: the result is incomplete (1 unknown-manifest)" in capsys.readouterr().err
    assert main(["sbom", str(project), "--strict", "--exclude", "pyproject.toml"]) == 0


def test_bad_source_date_epoch_is_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["sbom", str(project)]) == 2
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not a number" in capsys.readouterr().err


def test_scan_of_a_directory_reports_file_and_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.sqlite3"
    import_paths(db, [REPO / "examples" / "advisories"])
    assert main(["scan", str(project), "--db", str(db), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    rows = [
        (f["id"], f["package"]["name"], f["location"]["path"], f["location"]["line"])
        for f in report["findings"]
    ]
    assert rows == [
        ("PYSEC-2021-142", "pyyaml", "requirements.txt", 3),
        ("PYSEC-2023-192", "urllib3", "requirements.txt", 5),
        ("PYSEC-2023-74", "requests", "requirements.txt", 4),
    ]
    assert report["summary"]["components"] == 6


def test_scan_of_a_single_lockfile(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.sqlite3"
    import_paths(db, [REPO / "examples" / "advisories"])
    lockfile = project / "requirements.txt"
    assert main(["scan", str(lockfile), "--db", str(db), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["findings"] == 3


def test_sbom_converts_an_sbom(tmp_path: Path) -> None:
    out = tmp_path / "converted.spdx.json"
    assert main(["sbom", str(DEMO / "sbom.cdx.json"), "--format", "spdx", "-o", str(out)]) == 0
    assert validate_full_spdx_document(parse_file(str(out))) == []
