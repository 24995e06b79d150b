"""`garrison checks list|show|test`, and `garrison scan --scanners misconfig` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from garrison.cli import main
from garrison.iac import loaders
from garrison.iac.loaders import kubernetes
from garrison.iac.registry import builtin_checks
from tests.conftest import REPO

SCHEMA = json.loads((REPO / "src" / "garrison" / "schemas" / "report.schema.json").read_text())
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
CHECK: dict[str, Any] = {
    "id": "ACME-K8S-001",
    "title": "Host network",
    "severity": "HIGH",
    "description": "Pods on the host network see every interface.",
    "remediation": "Remove hostNetwork.",
    "source": "kubernetes",
    "kinds": ["workload"],
    "fail_if": {"path": "$pod.hostNetwork", "equals": True},
    "tests": [
        {"name": "host network fails", "expect": "fail",
         "resource": {**POD, "spec": {"hostNetwork": True, "containers": [{"name": "c"}]}}},
        {"name": "default passes", "expect": "pass",
         "resource": {**POD, "spec": {"containers": [{"name": "c"}]}}},
    ],
}  # fmt: skip
MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  containers:
    - name: c
      image: nginx
"""


def repo(tmp_path: Path, *checks: dict[str, Any]) -> Path:
    folder = tmp_path / ".garrison" / "checks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acme.yaml").write_text(yaml.safe_dump(list(checks), sort_keys=False))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path, CHECK)
    code, out, _ = run(capsys, "checks", "list", "--dir", str(root))
    assert code == 0
    assert "ACME-K8S-001" in out and ".garrison/checks/acme.yaml" in out
    assert out.endswith(f"{len(builtin_checks()) + 1} check(s)\n")
    code, out, _ = run(capsys, "checks", "list", "--dir", str(root), "--format", "json")
    listed = json.loads(out)
    mine = listed[-1]
    assert mine["id"] == "ACME-K8S-001"
    assert (mine["severity"], mine["kinds"], mine["tests"]) == ("HIGH", ["workload"], 2)
    code, out, _ = run(capsys, "checks", "list", "--dir", str(root), "--source", "terraform",
                       "--format", "json")  # fmt: skip
    assert all(c["source"] == "terraform" for c in json.loads(out))


def test_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path, CHECK)
    code, out, _ = run(capsys, "checks", "show", "ACME-K8S-001", "--dir", str(root))
    assert code == 0
    assert out.startswith("# ACME-K8S-001 from .garrison/checks/acme.yaml\n")
    assert yaml.safe_load(out) == [CHECK]
    code, _, err = run(capsys, "checks", "show", "NOPE-1", "--dir", str(root))
    assert code == 2
    assert "no check NOPE-1" in err


def test_test_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path, CHECK)
    code, out, _ = run(capsys, "checks", "test", str(root), "--id", "ACME-K8S-001")
    assert code == 0
    assert out == (
        "PASS ACME-K8S-001 [fail] host network fails\n"
        "PASS ACME-K8S-001 [pass] default passes\n"
        "2 test(s) of 1 check(s): 0 failed\n"
    )


def test_test_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = {**CHECK, "fail_if": {"path": "$pod.hostNetwork", "equals": False}}
    untested = {**CHECK, "id": "ACME-K8S-002", "tests": [], "kinds": ["Service"]}
    root = repo(tmp_path, wrong, untested)
    code, out, err = run(capsys, "checks", "test", str(root), "--id", "ACME-K8S-001",
                         "--id", "ACME-K8S-002")  # fmt: skip
    assert code == 1
    assert "FAIL ACME-K8S-001 [fail] host network fails: expected fail, got no finding\n" in out
    assert out.endswith("2 test(s) of 2 check(s): 1 failed\n")
    assert "1 check(s) have no tests: ACME-K8S-002" in err


def test_test_of_a_check_that_does_not_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path, {**CHECK, "kinds": ["Deployment"]})
    code, out, _ = run(capsys, "checks", "test", str(root), "--id", "ACME-K8S-001")
    assert code == 1
    assert "FAIL ACME-K8S-001 [fail] host network fails: the check does not apply to Pod" in out


def test_malformed_check_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path, {**CHECK, "severity": "SEVERE"})
    code, _, err = run(capsys, "checks", "test", str(root))
    assert code == 2
    assert "acme.yaml: check ACME-K8S-001: severity: 'SEVERE' is not one of" in err
    code, _, err = run(capsys, "checks", "test", str(tmp_path / "missing"))
    assert code == 2


def test_builtin_checks_pass_their_tests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "checks", "test", str(REPO / "tests"))
    assert code == 0, out


# --- garrison scan --scanners misconfig ---------------------------------------------------


def test_scan_misconfig_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loaders, "LOADERS", (kubernetes,))
    root = repo(tmp_path, CHECK)
    (root / "pod.yaml").write_text(MANIFEST)
    code, out, _ = run(capsys, "scan", str(root), "--scanners", "misconfig", "--format", "json",
                       "--db", str(tmp_path / "no-such.db"))  # fmt: skip
    report = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    mine = [f for f in report["findings"] if f["id"] == "ACME-K8S-001"]
    assert mine == [
        {
            "kind": "misconfiguration", "id": "ACME-K8S-001", "aliases": [], "severity": "HIGH",
            "cvss_score": None, "cvss_vector": None, "summary": "Host network",
            "version_unknown": False, "fixed_versions": [], "references": [],
            "location": {"path": "pod.yaml", "line": 6, "end_line": 6, "column": None},
            "blocking": True, "fingerprint": "gfp1:1b54f2cf6604514a0fb26826e5c9663f",
        }
    ]  # fmt: skip
    assert code == 1  # HIGH blocks under the default policy


def test_scan_honours_ignore_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loaders, "LOADERS", (kubernetes,))
    root = repo(tmp_path, CHECK)
    ignored = MANIFEST.replace(
        "hostNetwork: true", "hostNetwork: true  # garrison:ignore[ACME-K8S-001] lab"
    )
    (root / "pod.yaml").write_text(ignored)
    _, out, _ = run(capsys, "scan", str(root), "--scanners", "misconfig", "--format", "json")
    assert "ACME-K8S-001" not in [f["id"] for f in json.loads(out)["findings"]]
