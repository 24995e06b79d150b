from __future__ import annotations

from garrison.model import Component, Finding, Location, ScanResult, Severity
from garrison.policy import default_gate
from garrison.report import table


def test_table_names_the_package_or_the_file_and_lines() -> None:
    package = Component("PyPI", "six", "1.0", None, Location("requirements.txt", 2))
    findings = (
        Finding("vulnerability", "PYSEC-1", "bad six", Severity.HIGH, package, package.location,
                fixed_versions=("1.1",)),
        Finding("misconfiguration", "GAR-K8S-001", "Privileged container", Severity.MEDIUM,
                location=Location("deploy.yaml", 54, 57)),
    )  # fmt: skip
    result = ScanResult("app", (package,), findings)
    text = table.render(result, default_gate(findings))
    assert "six" in text and "1.1" in text
    assert "deploy.yaml:54-57" in text
    assert text.rstrip().endswith("FAIL: 1 finding(s) at HIGH or above (default policy)")


def test_table_shows_secret_column_preview_history_and_the_analyzer() -> None:
    from garrison.model import Commit

    findings = (
        Finding("secret", "aws-access-key-id", "AWS access key id", Severity.HIGH,
                location=Location("app/settings.py", 4, 4, 15), fingerprint="gfp1:00",
                preview='KEY = "AKIA****"',
                introduced=Commit("c" * 40, "Ann <ann@example.org>", "2026-01-02T03:04:05Z"),
                present_at_head=False),
        Finding("sast", "B602", "shell=True", Severity.LOW,
                location=Location("run.py", 9), tool="bandit"),
    )  # fmt: skip
    text = table.render(ScanResult("app", (), findings), default_gate(findings))
    assert "app/settings.py:4:15" in text
    assert 'KEY = "AKIA****"' in text
    assert "introduced cccccccccccc by Ann" in text  # the cell wraps after this
    assert "<ann@example.org> on 2026-01-02 (not at" in text
    assert "[bandit] shell=True" in text


def test_file_names_and_messages_are_not_rich_markup() -> None:
    from garrison.model import ScanWarning

    warning = ScanWarning("[red]x[/red].yaml", "bad [bold]input[/bold]")
    text = table.render(ScanResult("app", (), (), (warning,)), default_gate(()))
    assert "warning: [red]x[/red].yaml: bad [bold]input[/bold]" in text
