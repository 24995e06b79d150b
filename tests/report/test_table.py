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


def test_golden() -> None:
    from tests.report.cases import AWS_KEY_ID, check_golden, mixed_result, mixed_verdict

    text = table.render(mixed_result(), mixed_verdict())
    assert AWS_KEY_ID not in text
    check_golden("report.table.txt", text)


def test_a_table_per_kind_most_severe_first_then_notices_and_suppressed() -> None:
    from tests.report.cases import mixed_result, mixed_verdict

    lines = [line.strip() for line in table.render(mixed_result(), mixed_verdict()).splitlines()]
    titles = [line for line in lines if " in shop: " in line]
    assert titles == [
        "Vulnerabilities in shop: 2", "End of life in shop: 1", "Licences in shop: 1",
        "Misconfigurations in shop: 3", "Secrets in shop: 1", "Code (SAST) in shop: 1",
    ]  # fmt: skip
    rows = [line for line in lines if line.startswith("│ ") and "GAR-" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["HIGH", "HIGH", "HIGH", "MEDIUM"]
    assert "│ BLOCKS   │" in "\n".join(lines)
    assert lines[-7:] == [
        "warning: go.mod: cannot parse: unexpected token",
        "note: misconfig: kustomize overlays were not rendered",
        "expired: exception 2 (CVE-2020-1234) expired on 2025-12-31 (garrison.yaml:22)",
        "expiring: exception 0 (GHSA-35jh-r3h4-6jhm) expires on 2026-01-10 (garrison.yaml:14)",
        "stale: exception 3 (GAR-K8S-009) matches no finding: remove it (garrison.yaml:30)",
        "4 finding(s) suppressed (1 by exception, 1 by vex, 1 by baseline, 1 by inline).",
        "5 components, 9 findings (6 blocking) (PARTIAL: see warnings). FAIL: 6 finding(s) block "
        "(policy garrison.yaml)",
    ]
    assert "3.2.14, 4.0.6" in "\n".join(lines)  # fixed versions kept
    assert "GHSA-jfh8-c2jp-5v3q" not in "\n".join(lines)  # suppressed: counted, not listed


def test_no_findings() -> None:
    text = table.render(ScanResult("app", (), ()), default_gate(()))
    assert text.splitlines() == [
        "garrison: app: no findings",
        "0 components, 0 findings (0 blocking). "
        "PASS: no findings at HIGH or above (default policy)",
    ]
