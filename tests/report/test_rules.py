"""Rule help text: from the finding, the built-in check registry and the secret detectors."""

from __future__ import annotations

import sys
import types

import pytest

from garrison.iac.registry import builtin_checks
from garrison.model import Component, Finding, Location, Severity
from garrison.report import rules
from garrison.report.rules import RuleText, describe
from tests.report.cases import LOG4SHELL, SHELL


def test_misconfiguration_text_comes_from_the_builtin_check() -> None:
    check = next(c for c in builtin_checks() if c.id == "GAR-K8S-001")
    finding = Finding("misconfiguration", "GAR-K8S-001", "ignored", Severity.HIGH,
                      location=Location("k8s/web.yaml", 3, 3))  # fmt: skip
    assert describe(finding) == RuleText(
        title=check.title,
        description=check.description,
        remediation=check.remediation,
        help_uri=check.references[0],
        references=check.references,
        tags=("security", "misconfiguration", *check.frameworks),
    )


def test_the_registry_loads_once() -> None:
    rules._checks.cache_clear()
    finding = Finding("misconfiguration", "GAR-K8S-002", "x", Severity.HIGH)
    describe(finding)
    describe(finding)
    assert rules._checks.cache_info().misses == 1


def test_an_unknown_check_id_uses_the_findings_own_text() -> None:
    finding = Finding("misconfiguration", "GAR-NET-001", "No default deny", Severity.MEDIUM,
                      references=("ftp://x", "https://k8s.io/np"))  # fmt: skip
    assert describe(finding) == RuleText(
        "No default deny", "No default deny", "See the references.", "https://k8s.io/np",
        ("ftp://x", "https://k8s.io/np"), ("security", "misconfiguration"),
    )  # fmt: skip


def test_secret_text_comes_from_the_detector_when_the_package_has_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("garrison.secrets.detectors")
    fake = types.SimpleNamespace(
        id="github-pat", title="GitHub token", remediation="Revoke it.", references=("https://gh",)
    )
    module.DETECTORS = (fake,)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "garrison.secrets.detectors", module)
    rules._detectors.cache_clear()
    try:
        finding = Finding("secret", "github-pat", "own", Severity.HIGH, fingerprint="gfp1:0")
        assert describe(finding) == RuleText(
            "GitHub token", "GitHub token: a credential committed to the repository.",
            "Revoke it.", "https://gh", ("https://gh",), ("security", "secret"),
        )  # fmt: skip
    finally:
        rules._detectors.cache_clear()


def test_without_the_detectors_package_secrets_use_their_own_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "garrison.secrets.detectors", None)  # import fails
    rules._detectors.cache_clear()
    try:
        finding = Finding("secret", "github-pat", "GitHub token", Severity.HIGH)
        text = describe(finding)
        assert (text.title, text.help_uri, text.tags) == (
            "GitHub token",
            None,
            ("security", "secret"),
        )
        assert text.remediation.startswith("Revoke the credential at its issuer")
    finally:
        rules._detectors.cache_clear()


def test_vulnerability_text() -> None:
    assert describe(LOG4SHELL) == RuleText(
        title="Remote code injection in Log4j",
        description="Remote code injection in Log4j (GHSA-jfh8-c2jp-5v3q, CVE-2021-44228, CWE-502)",
        remediation="Upgrade to a fixed version: 2.15.0.",
        help_uri="https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q",
        references=("https://logging.apache.org/log4j/2.x/security.html",),
        tags=("security", "vulnerability", "CWE-502"),
    )
    unfixed = Finding("vulnerability", "OSV-1", "", Severity.LOW, Component("npm", "a", "1"))
    text = describe(unfixed)
    assert (text.title, text.description) == ("OSV-1", "OSV-1")
    assert text.remediation.startswith("No fixed version is known")


def test_sast_text_and_cwe_tags() -> None:
    text = describe(SHELL)
    assert (text.title, text.tags) == (
        "subprocess call with shell=True identified", ("security", "sast", "CWE-78"),
    )  # fmt: skip
    assert text.help_uri == SHELL.references[0]
    assert rules.cwe_ids(SHELL) == ("CWE-78",)
