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
