"""Findings of every scanner kind, and ScanResults, for the policy tests."""

from __future__ import annotations

from garrison.model import Component, Finding, Location, ScanResult, Severity

DJANGO = Component(
    "PyPI", "django", "4.2.1", "pkg:pypi/django@4.2.1", Location("requirements.txt", 3),
    licenses=("BSD-3-Clause",), bom_ref="pkg:pypi/django@4.2.1#requirements.txt",
)  # fmt: skip


def vuln(
    ident: str = "PYSEC-2023-1",
    severity: Severity = Severity.HIGH,
    *,
    aliases: tuple[str, ...] = ("CVE-2023-1111", "GHSA-aaaa-bbbb-cccc"),
    component: Component = DJANGO,
    fixed: tuple[str, ...] = ("4.2.2",),
    version_unknown: bool = False,
) -> Finding:
    return Finding(
        "vulnerability", ident, "a flaw", severity, component, component.location,
        aliases, fixed_versions=fixed, version_unknown=version_unknown,
    )  # fmt: skip


def misconfig(
    ident: str = "GAR-K8S-012",
    severity: Severity = Severity.MEDIUM,
    path: str = "deploy/app.yaml",
    line: int = 7,
) -> Finding:
    return Finding("misconfiguration", ident, "a check", severity, location=Location(path, line))


def secret(
    severity: Severity = Severity.MEDIUM,
    path: str = "src/settings.py",
    line: int = 4,
    *,
    inline_ignore: str | None = None,
) -> Finding:
    return Finding(
        "secret", "aws-access-key-id", "an AWS key", severity,
        location=Location(path, line, column=9), fingerprint="gsec1:0f0f0f", preview="AKIA****",
        inline_ignore=inline_ignore,
    )  # fmt: skip


def sast(
    severity: Severity = Severity.HIGH,
    confidence: str | None = "high",
    *,
    inline_ignore: str | None = None,
) -> Finding:
    return Finding(
        "sast", "B602", "shell=True", severity, location=Location("app/run.py", 12),
        tool="bandit", confidence=confidence, inline_ignore=inline_ignore,
    )  # fmt: skip


def eol(severity: Severity = Severity.HIGH) -> Finding:
    return Finding("end-of-life", "EOL-debian-10", "Debian 10 is past its end of life", severity)


def result(*findings: Finding, components: tuple[Component, ...] = ()) -> ScanResult:
    return ScanResult("repo", components, tuple(findings))


def component(name: str, *licenses: str, version: str = "1.0") -> Component:
    return Component(
        "npm", name, version, f"pkg:npm/{name}@{version}", Location("package-lock.json", 1),
        licenses=licenses,
    )  # fmt: skip
