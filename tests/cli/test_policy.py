"""`garrison init`, `garrison policy check`, `garrison baseline create` end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from garrison import cli
from garrison.cli import main
from garrison.cli import policy as policy_command
from garrison.errors import PolicyError
from garrison.policy import evaluate, load_baseline, load_policy
from garrison.policy.starter import STARTER
from garrison.policy.verdict import SuppressedBy
from garrison.scan import run_scan
from garrison.vulndb.importer import import_paths
from garrison.vulndb.store import VulnDB
from tests.conftest import REPO

SBOM = REPO / "examples" / "demo-app" / "sbom.cdx.json"
POD = """\
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


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands, whether or not cli/__init__.py lists the module yet."""
    if policy_command not in cli.COMMANDS:
        monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, policy_command))


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db_path = tmp_path / "demo.sqlite3"
    import_paths(db_path, [REPO / "examples" / "advisories"])
    return db_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_init_writes_a_starter_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "init", str(tmp_path))
    written = tmp_path / "garrison.yaml"
    assert (code, err) == (0, "")
    assert out == f"wrote {written}; check it with: garrison policy check {written}\n"
    assert written.read_text() == STARTER
    assert load_policy(written).source == str(written)


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".garrison.yaml").write_text("version: 1\n")
    code, out, err = run(capsys, "init", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"garrison: error: {tmp_path / '.garrison.yaml'} exists; not overwritten\n"
    assert not (tmp_path / "garrison.yaml").exists()
    code, _, err = run(capsys, "init", str(tmp_path / "nowhere"))
    assert (code, err) == (2, f"garrison: error: {tmp_path / 'nowhere'}: not a directory\n")


def test_policy_check_counts_exceptions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(UTC).date()
    entries = "".join(
        f"  - id: CVE-2024-{n}\n    reason: r\n    owner: o\n    expires: {today + timedelta(d)}\n"
        for n, d in enumerate((3, 14, 15, -1, 400))
    )
    policy = tmp_path / "garrison.yaml"
    policy.write_text(f"version: 1\nexceptions:\n{entries}")
    code, out, err = run(capsys, "policy", "check", str(policy))
    assert (code, err) == (0, "")
    assert out == f"{policy}: valid (5 exceptions, 2 expiring within 14 days, 1 expired)\n"
    policy.write_text("version: 1\nexception_warning_days: 30\n")
    _, out, _ = run(capsys, "policy", "check", str(policy))
    assert out == f"{policy}: valid (0 exceptions, 0 expiring within 30 days)\n"


def test_policy_check_finds_the_policy_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    code, _, err = run(capsys, "policy", "check")
    assert (code, err) == (
        2, "garrison: error: no garrison.yaml here or at the repository root (garrison init)\n"
    )  # fmt: skip
    (tmp_path / ".garrison.yaml").write_text("version: 1\n")
    code, out, _ = run(capsys, "policy", "check")
    path = tmp_path.resolve() / ".garrison.yaml"
    assert (code, out) == (0, f"{path}: valid (0 exceptions, 0 expiring within 14 days)\n")


def test_policy_check_reports_the_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "garrison.yaml"
    policy.write_text(
        "version: 1\nexceptions:\n  - id: CVE-1\n    reason: r\n    owner: o\n    expires: 31/01\n"
    )
    code, out, err = run(capsys, "policy", "check", str(policy))
    assert (code, out) == (2, "")
    message = f"{policy}:6: exceptions[0].expires: not a date (write YYYY-MM-DD)"
    assert err == f"garrison: error: {message}\n"


def test_baseline_create_then_every_finding_is_suppressed(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / ".garrison" / "baseline.json"
    code, out, err = run(capsys, "baseline", "create", str(SBOM), "-o", str(out_file),
                         "--db", str(demo_db))  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"wrote {out_file}: 5 finding(s) of {SBOM}\n"
    document = json.loads(out_file.read_text())
    assert document["target_kind"] == "path"
    assert sorted(entry["id"] for entry in document["findings"]) == [
        "GO-2022-1059", "PYSEC-2021-142", "PYSEC-2023-192", "PYSEC-2023-74", "RUSTSEC-2022-0013",
    ]  # fmt: skip
    baseline = load_baseline(out_file, str(SBOM))
    with VulnDB(demo_db) as db:
        result = run_scan(str(SBOM), db)
    _, verdict = evaluate(result, None, today=datetime.now(UTC).date(), baseline=baseline)
    assert verdict.passed
    assert [s.by for s in verdict.suppressed] == [SuppressedBy.BASELINE] * 5
    assert verdict.notices == ()


def test_baseline_create_includes_licence_findings_of_the_policy(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "strict.yaml"
    policy.write_text("version: 1\nlicenses:\n  denied: [MIT]\n")
    out_file = tmp_path / "baseline.json"
    code, _, _ = run(capsys, "baseline", "create", str(SBOM), "-o", str(out_file),
                     "--db", str(demo_db), "--policy", str(policy))  # fmt: skip
    assert code == 0
    licence = [e for e in json.loads(out_file.read_text())["findings"] if e["kind"] == "license"]
    # pyyaml and urllib3 are MIT; regex's "MIT OR Apache-2.0" can avoid MIT
    assert [(e["id"], e["path"]) for e in licence] == [("GAR-LIC-DENIED", str(SBOM))] * 2


def test_baseline_create_misconfig_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pod.yaml").write_text(POD)
    out_file = repo / ".garrison" / "baseline.json"
    code, out, _ = run(capsys, "baseline", "create", str(repo), "-o", str(out_file),
                       "--scanners", "misconfig")  # fmt: skip
    assert code == 0
    document = json.loads(out_file.read_text())
    assert document["target"] == ".."
    assert {e["path"] for e in document["findings"]} == {"pod.yaml"}
    assert out == f"wrote {out_file}: {len(document['findings'])} finding(s) of {repo}\n"
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(PolicyError, match=r"target: this baseline was made for '\.\.'"):
        load_baseline(out_file, str(other))
