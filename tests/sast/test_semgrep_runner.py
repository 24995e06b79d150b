"""Semgrep with local rules: a real run (skipped without Semgrep), failures, offline flags."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from garrison.model import ScanWarning, Severity
from garrison.sast import SastOptions, run_sast
from garrison.sast import semgrep_runner as runner
from tests.conftest import DATA, REPO

RULES = DATA / "sast" / "semgrep" / "rules.yaml"
BAD_RULES = DATA / "sast" / "semgrep" / "bad"
H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW


def _semgrep() -> str:
    """The Semgrep binary for the real tests, or skip saying how to get one."""
    named = os.environ.get(runner.ENV_BINARY) or str(
        REPO / ".peers" / "semgrep" / "bin" / "semgrep"
    )
    if shutil.which(named) is None:
        pytest.skip(
            f"no Semgrep at {named} (python3 -m venv .peers/semgrep && "
            ".peers/semgrep/bin/pip install semgrep, or set GARRISON_SEMGREP)"
        )
    return named


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project outside any git checkout (Semgrep reads git's file list)."""
    target = tmp_path / "project"
    shutil.copytree(DATA / "sast" / "semgrep" / "project", target)
    return target


def _fake(tmp_path: Path, script: str) -> str:
    """A stand-in `semgrep` that records its argv and environment, then runs `script`."""
    path = tmp_path / "fake-semgrep"
    record = tmp_path / "call.json"
    path.write_text(
        "#!/usr/bin/env python3\nimport json, os, sys, time\n"
        f"json.dump({{'argv': sys.argv[1:], 'cwd': os.getcwd(), 'env': dict(os.environ)}},"
        f" open({str(record)!r}, 'w'))\n{script}\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_real_semgrep_exact_findings(project: Path) -> None:
    options = SastOptions(semgrep_rules=(RULES,), semgrep_binary=_semgrep(), bandit=False)
    result = run_sast(project, options)
    rule = "python-subprocess-shell-true"
    assert [
        (f.tool, f.id, f.location.path, f.location.line, f.severity, f.confidence)  # type: ignore[union-attr]
        for f in result.findings
    ] == [
        ("semgrep", rule, "service.py", 9, H, "high"),
        ("semgrep", "python-yaml-unsafe-load", "service.py", 13, M, "medium"),
        ("semgrep", "js-eval", "web/handler.js", 4, L, "low"),
    ]
    # line 21 carries `# nosemgrep`, line 25 `garrison:ignore[python-subprocess-shell-true]`
    assert result.warnings == ()
    assert result.notes == (
        "semgrep: not reported: 1 suppressed",
        "sast: 1 finding ignored inline (garrison:ignore)",
    )
    assert result.findings[0].aliases == ("CWE-78",)


def test_real_semgrep_bad_rule_file_beside_a_good_one(project: Path) -> None:
    """Semgrep refuses the whole run; run again rule path by rule path, the good one counts."""
    options = SastOptions(semgrep_rules=(BAD_RULES, RULES), semgrep_binary=_semgrep())
    result = run_sast(project, options)
    assert sorted({(f.tool, f.id) for f in result.findings}) == [
        ("bandit", "B404"),
        ("bandit", "B506"),
        ("bandit", "B602"),
        ("bandit", "B607"),
        ("semgrep", "js-eval"),
        ("semgrep", "python-subprocess-shell-true"),
        ("semgrep", "python-yaml-unsafe-load"),
    ]
    assert result.warnings == (
        ScanWarning(
            str(BAD_RULES),
            "semgrep: Rule parse error in rule unfinished-pattern; these rules were not run",
        ),
    )


def test_not_installed_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(runner.ENV_BINARY, raising=False)
    result = run_sast(tmp_path, SastOptions(semgrep_rules=(RULES, BAD_RULES), bandit=False))
    assert (result.findings, result.warnings) == ((), ())
    assert result.notes == ("semgrep: not installed; 2 rule paths not run",)


def test_a_named_binary_that_is_missing_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(runner.ENV_BINARY, str(tmp_path / "nowhere" / "semgrep"))
    result = run_sast(tmp_path, SastOptions(semgrep_rules=(RULES,), bandit=False))
    assert result.warnings == (
        ScanWarning(
            "semgrep",
            f"$GARRISON_SEMGREP '{tmp_path}/nowhere/semgrep' is not an"
            " executable file; 1 rule path not run",
        ),
    )


def test_no_rules_no_run(tmp_path: Path) -> None:
    binary = _fake(tmp_path, "sys.exit(9)")
    result = run_sast(tmp_path, SastOptions(semgrep_binary=binary, bandit=False))
    assert result == run_sast(tmp_path, SastOptions(bandit=False))
    assert not (tmp_path / "call.json").exists()


def test_the_command_is_offline_and_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Semgrep OSS"}}}]}
    binary = _fake(tmp_path, f"print({json.dumps(json.dumps(empty))})")
    monkeypatch.setenv("SEMGREP_APP_TOKEN", "t" + "0" * 8)
    target = tmp_path / "src"
    target.mkdir()
    options = SastOptions(
        semgrep_rules=(RULES,), semgrep_binary=binary, bandit=False, excludes=("vendor",)
    )
    assert run_sast(target, options).warnings == ()
    call = json.loads((tmp_path / "call.json").read_text())
    argv = call["argv"]
    assert argv[:2] == ["scan", f"--config={RULES}"]
    for flag in (
        "--sarif",
        "--quiet",
        "--metrics=off",
        "--disable-version-check",
        "--no-rewrite-rule-ids",
        "--exclude=.venv",
        "--exclude=node_modules",
        "--exclude=vendor",
    ):
        assert flag in argv
    assert argv[-1] == str(target)
    assert call["cwd"] == str(target)
    assert call["env"]["SEMGREP_SEND_METRICS"] == "off"
    assert "SEMGREP_APP_TOKEN" not in call["env"]


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            "print('Traceback...', file=sys.stderr); print('boom: it broke', file=sys.stderr);"
            " sys.exit(2)",
            "semgrep: exit code 2, no SARIF: boom: it broke; these rules were not run",
        ),
        (
            "sys.exit(7)",
            "semgrep: exit code 7, no SARIF: nothing on stderr; these rules were not run",
        ),
        (
            'print(\'{"version": "2.1.0", "runs": []}\'); sys.exit(4)',
            "semgrep: exit code 4; these rules were not run",
        ),
    ],
)
def test_semgrep_failures_are_warnings_naming_the_rules(
    tmp_path: Path, script: str, message: str
) -> None:
    binary = _fake(tmp_path, script)
    result = run_sast(
        tmp_path, SastOptions(semgrep_rules=(RULES,), semgrep_binary=binary, bandit=False)
    )
    assert result.warnings == (ScanWarning(str(RULES), message),)


def test_a_hanging_semgrep_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "TIMEOUT_SECONDS", 1)
    binary = _fake(tmp_path, "time.sleep(60)")
    result = run_sast(
        tmp_path, SastOptions(semgrep_rules=(RULES,), semgrep_binary=binary, bandit=False)
    )
    assert result.warnings == (
        ScanWarning(str(RULES), "semgrep: no answer after 1 s; stopped; these rules were not run"),
    )


def test_a_hang_with_several_rule_paths_is_not_retried_path_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "TIMEOUT_SECONDS", 1)
    binary = _fake(tmp_path, "time.sleep(60)")
    options = SastOptions(semgrep_rules=(RULES, BAD_RULES), semgrep_binary=binary, bandit=False)
    result = run_sast(tmp_path, options)
    assert result.warnings == (
        ScanWarning("semgrep", "semgrep: no answer after 1 s; stopped; 2 rule paths were not run"),
    )
