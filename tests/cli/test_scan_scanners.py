"""`garrison scan` with the secret and sast scanners, the policy file, several reports at
once and `--exit-code`; `garrison history` end to end on a real git repository."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from garrison.cli import main
from tests.secrets.tokens import BASE32, pick

KEY = "AKIA" + pick(random.Random(7), BASE32, 16)  # built at run time, never committed


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def project(root: Path) -> Path:
    (root / "app.py").write_text(
        f'import subprocess\nAWS_ACCESS_KEY_ID = "{KEY}"\nsubprocess.call("ls", shell=True)\n'
    )
    return root


def test_secret_and_sast_findings_in_json_and_sarif_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p")
    sarif = tmp_path / "out.sarif"
    argv = ["scan", str(root), "--scanners", "secret,sast", "--format", "json", "-o", "-",
            "--format", "sarif", "-o", str(sarif)]  # fmt: skip
    code, out, err = run(capsys, *argv)
    report = json.loads(out)
    found = sorted((f["kind"], f["id"], f["location"]["line"]) for f in report["findings"])
    assert found == [
        ("sast", "B404", 1), ("sast", "B602", 3), ("sast", "B607", 3),
        ("secret", "aws-access-key-id", 2),
    ]  # fmt: skip
    assert code == 1  # the AWS key is HIGH: the default policy blocks
    document = json.loads(sarif.read_text())
    assert {r["ruleId"] for r in document["runs"][0]["results"]} >= {"aws-access-key-id", "B602"}
    assert KEY not in out + err + sarif.read_text()


def test_policy_exception_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    (root / "garrison.yaml").write_text(
        "version: 1\nexceptions:\n  - id: aws-access-key-id\n    path: app.py\n"
        "    reason: a revoked test key\n    owner: team-a\n    expires: 2999-01-01\n"
    )
    code, out, _ = run(capsys, "scan", str(root), "--scanners", "secret", "--format", "json")
    report = json.loads(out)
    assert report["findings"] == []
    assert [(s["finding"]["id"], s["by"], s["reason"]) for s in report["suppressed"]] == [
        ("aws-access-key-id", "exception", "a revoked test key")
    ]
    assert code == 0
    (root / "garrison.yaml").unlink()
    code, _, _ = run(capsys, "scan", str(root), "--scanners", "secret", "--exit-code", "3")
    assert code == 3


def test_each_output_belongs_to_the_format_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path)
    sarif, report = tmp_path / "x.sarif", tmp_path / "x.json"
    code, out, _ = run(capsys, "scan", str(tmp_path), "--scanners", "secret",
                       "--format", "table", "--format", "sarif", "-o", str(sarif))  # fmt: skip
    assert "aws-access-key-id" in out and out.lstrip().startswith("Secrets in")  # the table
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    code, out, _ = run(capsys, "scan", str(tmp_path), "--scanners", "secret",
                       "-o", str(report), "--format", "json")  # fmt: skip
    assert out == "" and json.loads(report.read_text())["findings"][0]["id"] == "aws-access-key-id"
    code, _, err = run(capsys, "scan", str(tmp_path), "--scanners", "secret",
                       "--format", "json", "-o", str(report), "-o", str(sarif))  # fmt: skip
    assert code == 2 and "every --format already has a file" in err


def test_formats_and_outputs_must_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", str(tmp_path), "--scanners", "secret",
                       "--format", "json", "--format", "sarif")  # fmt: skip
    assert code == 2
    assert "only one report can go to stdout" in err


def git(root: Path, *argv: str) -> None:
    when = "2026-01-02T03:04:05+00:00"
    env = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "HOME": str(root), "PATH": "/usr/bin:/bin"}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *argv], check=True, env=env, capture_output=True)


def test_history_finds_a_removed_secret_with_its_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "add settings")
    (root / "app.py").write_text("import os\n")
    git(root, "commit", "-qam", "remove the key")
    code, out, err = run(capsys, "history", str(root), "--format", "json")
    report = json.loads(out)
    (finding,) = report["findings"]
    assert (finding["id"], finding["location"]["path"], finding["location"]["line"]) == (
        "aws-access-key-id", "app.py", 2,
    )  # fmt: skip
    assert finding["present_at_head"] is False
    assert finding["introduced"]["author"] == "Ann <ann@example.org>"
    assert finding["introduced"]["date"].startswith("2026-01-02T03:04:05")
    assert code == 1
    assert KEY not in out + err
    code, _, err = run(capsys, "history", str(root), "--scanners", "vuln")
    assert code == 2 and "only the secret scanner" in err


def test_a_report_to_a_fifo_or_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    import os
    import stat
    import threading

    from garrison.cli.common import write_output

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_output("report\n", str(fifo))
    reader.join(timeout=10)
    assert received == ["report\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a pipe, not a regular file


def test_scan_diff_reports_only_what_the_branch_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_gitrev import BOB, FEB, Repo

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    repo = Repo(tmp_path / "repo")
    repo.commit({"app.py": "print('hi')\n"})
    repo.git("checkout", "-q", "-b", "feature")
    added = repo.commit({"app.py": f"print('hi')\nKEY = '{KEY}'\n"}, date=FEB, who=BOB)
    code, out, err = run(capsys, "scan", str(repo.path), "--scanners", "secret", "--diff",
                         "main", "--format", "json")  # fmt: skip
    report = json.loads(out)
    assert code == 1
    assert [(f["id"], f["introduced"]) for f in report["findings"]] == [
        ("aws-access-key-id", {"commit": added, "author": "Bob <bob@example.com>", "date": FEB})
    ]
    assert KEY not in out + err
    code, out, err = run(capsys, "scan", str(repo.path), "--scanners", "secret", "--diff", "nope")
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"--diff nope: unknown revision (no such commit in {repo.path})")
