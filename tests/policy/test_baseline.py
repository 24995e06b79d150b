"""Baselines: written sorted with the target, read back, refused for another target."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from garrison.errors import PolicyError
from garrison.fingerprints import fingerprint_of
from garrison.model import ScanResult, Severity
from garrison.policy import load_baseline, write_baseline
from garrison.policy.model import BaselineEntry
from tests.policy.builders import eol, misconfig, vuln


def scanned(target: str) -> ScanResult:
    return ScanResult(target, (), (vuln(), misconfig(severity=Severity.HIGH), eol()))


def test_write_then_load_round_trip(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    out = repo / ".garrison" / "baseline.json"
    write_baseline(scanned(str(repo)), out, created=date(2025, 6, 1))
    document = json.loads(out.read_text())
    expected = sorted(
        [
            {"fingerprint": fingerprint_of(vuln()), "id": "PYSEC-2023-1",
             "kind": "vulnerability", "path": "requirements.txt"},
            {"fingerprint": fingerprint_of(misconfig(severity=Severity.HIGH)),
             "id": "GAR-K8S-012", "kind": "misconfiguration", "path": "deploy/app.yaml"},
            {"fingerprint": fingerprint_of(eol()), "id": "EOL-debian-10", "kind": "end-of-life",
             "path": None},
        ],
        key=lambda entry: str(entry["fingerprint"]),
    )  # fmt: skip
    assert document == {
        "garrison_baseline": 1, "target": "..", "target_kind": "path", "created": "2025-06-01",
        "findings": expected,
    }  # fmt: skip
    baseline = load_baseline(out, str(repo))
    assert baseline.created == "2025-06-01"
    assert baseline.entries == tuple(BaselineEntry(**entry) for entry in expected)  # type: ignore[arg-type]
    assert baseline.fingerprints == {entry["fingerprint"] for entry in expected}


def test_path_target_is_compared_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    write_baseline(scanned(str(repo)), repo / "baseline.json", created=date(2025, 6, 1))
    monkeypatch.chdir(repo)
    assert load_baseline(Path("baseline.json"), ".").target == "."


def test_baseline_for_another_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    out = tmp_path / "a" / "baseline.json"
    write_baseline(scanned(str(tmp_path / "a")), out, created=date(2025, 6, 1))
    with pytest.raises(PolicyError) as caught:
        load_baseline(out, str(tmp_path / "b"))
    assert str(caught.value) == (
        f"{out}:3: target: this baseline was made for '.' ({(tmp_path / 'a').resolve()}), "
        f"not for '{tmp_path / 'b'}'"
    )


def test_image_reference_targets_compare_as_text(tmp_path: Path) -> None:
    out = tmp_path / "baseline.json"
    write_baseline(scanned("registry.example/app:1.0"), out, created=date(2025, 6, 1))
    assert load_baseline(out, "registry.example/app:1.0").target == "registry.example/app:1.0"
    with pytest.raises(PolicyError) as caught:
        load_baseline(out, "registry.example/app:2.0")
    assert str(caught.value) == (
        f"{out}:3: target: this baseline was made for 'registry.example/app:1.0', "
        "not for 'registry.example/app:2.0'"
    )


def test_created_date_follows_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_baseline(scanned("img"), tmp_path / "b.json")
    assert json.loads((tmp_path / "b.json").read_text())["created"] == "2023-11-14"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "1: invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"garrison_baseline": 2}', "1: garrison_baseline: not a garrison baseline (format 1)"),
        ('{"garrison_baseline": 1, "garrison_baseline": 1}',
         "1: duplicate key 'garrison_baseline'"),
        ('{"garrison_baseline": 1,\n "target": 3}', "2: target: must be a string"),
        ('{"garrison_baseline": 1, "target": "x", "created": "d", "target_kind": "url"}',
         "1: target_kind: must be path or reference"),
        ('{"garrison_baseline": 1, "target": "x", "created": "d", "target_kind": "reference",\n'
         ' "findings": [{"id": "A", "kind": "k"}]}',
         "2: findings[0].fingerprint: missing or not a string"),
        ('{"garrison_baseline": 1, "target": "x", "created": "d", "target_kind": "reference",\n'
         ' "findings": [{"fingerprint": "f", "kind": "k"}]}',
         "2: findings[0].id: missing or not a string"),
    ],
)  # fmt: skip
def test_malformed_baselines(tmp_path: Path, text: str, message: str) -> None:
    out = tmp_path / "baseline.json"
    out.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_baseline(out, "x")
    assert str(caught.value) == f"{out}:{message}"


def test_write_refuses_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(PolicyError, match=r"cannot write"):
        write_baseline(scanned("img"), blocker / "baseline.json")
    assert os.listdir(tmp_path) == ["file"]
