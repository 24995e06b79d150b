"""CycloneDX 1.6 with vulnerabilities (VEX). Golden: tests/data/report/golden/report.cdx.json."""

from __future__ import annotations

import json
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from garrison.model import Component, Finding, Inventory, ScanResult, Severity
from garrison.policy import SuppressedBy, Suppression, Verdict, default_gate
from garrison.report import FORMATS, cyclonedx_vex
from garrison.sbom.cyclonedx_out import render_cyclonedx
from tests.report.cases import (
    AWS_KEY_ID,
    DJANGO,
    DJANGO_SQLI,
    NOW,
    check_golden,
    mixed_result,
    mixed_verdict,
)


def assert_valid(text: str) -> None:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, getattr(error, "data", error)


def rendered(result: ScanResult, verdict: Verdict) -> dict[str, Any]:
    text = cyclonedx_vex.render(result, verdict)
    assert_valid(text)
    document: dict[str, Any] = json.loads(text)
    return document


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in document["vulnerabilities"]}


def test_golden_and_valid() -> None:
    text = FORMATS["cyclonedx"](mixed_result(), mixed_verdict())
    assert_valid(text)
    assert AWS_KEY_ID not in text
    check_golden("report.cdx.json", text)


def test_components_are_the_sbom_writers() -> None:
    result = mixed_result()
    document = rendered(result, mixed_verdict())
    inventory = Inventory(result.target, result.components, (), result.warnings)
    sbom = json.loads(render_cyclonedx(inventory, tool_version="1.2.3", timestamp=NOW))
    assert document["components"] == sbom["components"]
    assert document["metadata"] == sbom["metadata"]
    assert document["serialNumber"] != sbom["serialNumber"]  # the vulnerabilities count too


def test_an_open_vulnerability() -> None:
    entry = by_id(rendered(mixed_result(), mixed_verdict()))["GHSA-2gwj-7jmv-h26r"]
    github = {"name": "GitHub", "url": "https://github.com/advisories/GHSA-2gwj-7jmv-h26r"}
    assert entry == {
        "id": "GHSA-2gwj-7jmv-h26r",
        "source": github,
        "references": [{"id": "CVE-2022-34265", "source": {
            "name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2022-34265"}}],
        "ratings": [{"source": github, "score": 9.8, "severity": "critical", "method": "CVSSv31",
                     "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "description": "SQL Injection in Django",
        "recommendation": "Upgrade to 3.2.14, 4.0.6.",
        "advisories": [{"url": "https://github.com/advisories/GHSA-2gwj-7jmv-h26r"}],
        "analysis": {"state": "in_triage", "detail": "Open: blocks the policy gate.",
                     "response": ["update"]},
        "affects": [{"ref": "pkg:pypi/django@3.2.0#requirements.txt",
                     "versions": [{"version": "3.2.0", "status": "affected"}]}],
    }  # fmt: skip


def test_vex_and_exception_suppressions_are_not_affected() -> None:
    entries = by_id(rendered(mixed_result(), mixed_verdict()))
    log4shell = entries["GHSA-jfh8-c2jp-5v3q"]
    assert log4shell["cwes"] == [502]
    assert [r["id"] for r in log4shell["references"]] == ["CVE-2021-44228"]
    assert log4shell["analysis"] == {
        "state": "not_affected",
        "justification": "code_not_reachable",  # OpenVEX vulnerable_code_not_in_execute_path
        "detail": "vex .vex/app.openvex.json: CVE-2021-44228: vulnerable_code_not_in_execute_path",
    }
    assert log4shell["affects"][0]["versions"] == [{"version": "2.14.1", "status": "unaffected"}]
    lodash = entries["GHSA-35jh-r3h4-6jhm"]
    assert lodash["analysis"] == {
        "state": "not_affected",
        "detail": "exception garrison.yaml:14 (exceptions[0]): only used by the build, never "
                  "shipped (owner web-team, expires 2026-03-01)",
    }  # fmt: skip
    assert entries["PYSEC-2023-100"]["ratings"] == [{
        "source": {"name": "OSV", "url": "https://osv.dev/vulnerability/PYSEC-2023-100"},
        "severity": "medium", "method": "other",
    }]  # fmt: skip
    assert entries["PYSEC-2023-100"]["analysis"] == {
        "state": "in_triage", "detail": "Open: does not block.",
    }  # fmt: skip


def test_baseline_suppressions_stay_in_triage() -> None:
    suppression = Suppression(DJANGO_SQLI, SuppressedBy.BASELINE, "b.json", "in the baseline")
    result = ScanResult("t", (DJANGO,), (DJANGO_SQLI,))
    (entry,) = rendered(result, Verdict(True, "ok", (), (suppression,)))["vulnerabilities"]
    assert entry["analysis"] == {
        "state": "in_triage", "detail": "Suppressed by baseline b.json: in the baseline",
    }  # fmt: skip


def test_only_vulnerabilities_are_listed_in_id_order() -> None:
    ids = [entry["id"] for entry in rendered(mixed_result(), mixed_verdict())["vulnerabilities"]]
    assert ids == [
        "GHSA-2gwj-7jmv-h26r", "GHSA-35jh-r3h4-6jhm", "GHSA-jfh8-c2jp-5v3q", "PYSEC-2023-100",
    ]  # fmt: skip


def test_a_finding_component_the_result_lacks_is_added() -> None:
    orphan = Component("Go", "example.com/m", "v1.0.0", None)
    finding = Finding("vulnerability", "GO-2024-1", "x", Severity.LOW, orphan,
                      cvss_vector="AV:N/AC:L/Au:N/C:P/I:P/A:P", cvss_score=7.5)  # fmt: skip
    document = rendered(ScanResult("t", (), (finding,)), default_gate(()))
    (component,) = document["components"]
    (entry,) = document["vulnerabilities"]
    versions = [{"version": "v1.0.0", "status": "affected"}]
    assert entry["affects"] == [{"ref": component["bom-ref"], "versions": versions}]
    assert component["purl"] == "pkg:golang/example.com/m@v1.0.0"  # built by the SBOM writer
    assert entry["ratings"][0]["method"] == "CVSSv2"


def test_unknown_versions_are_status_unknown() -> None:
    component = Component("npm", "x", "1.0", "pkg:npm/x@1.0")
    finding = Finding("vulnerability", "V-1", "x", Severity.HIGH, component, version_unknown=True)
    (entry,) = rendered(ScanResult("t", (component,), (finding,)), default_gate(()))[
        "vulnerabilities"
    ]
    assert entry["affects"][0]["versions"] == [{"version": "1.0", "status": "unknown"}]


def test_an_empty_scan_is_valid() -> None:
    assert rendered(ScanResult("t", (), ()), default_gate(()))["vulnerabilities"] == []
