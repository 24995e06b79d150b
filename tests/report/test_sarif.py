"""SARIF 2.1.0. Golden file: tests/data/report/golden/report.sarif (see tests/report/cases.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from garrison.fingerprints import fingerprint_of
from garrison.model import Component, Finding, Location, ScanResult, Severity
from garrison.policy import Verdict, default_gate
from garrison.report import FORMATS, sarif, sarif_limits
from tests.conftest import shared_path
from tests.report.cases import (
    AWS_KEY_ID,
    PRIVILEGED,
    check_golden,
    mixed_result,
    mixed_verdict,
)


def validate(document: dict[str, Any]) -> None:
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(document)


def rendered(
    result: ScanResult,
    verdict: Verdict,
    max_results: int = sarif_limits.MAX_RESULTS,
    max_locations: int = sarif_limits.MAX_LOCATIONS,
) -> dict[str, Any]:
    text = sarif.render(result, verdict, max_results=max_results, max_locations=max_locations)
    document: dict[str, Any] = json.loads(text)
    return document


def run_of(document: dict[str, Any]) -> dict[str, Any]:
    (run,) = document["runs"]
    return dict(run)


@pytest.mark.usefixtures("stand_in_rules")
def test_golden_and_valid() -> None:
    text = FORMATS["sarif"](mixed_result(), mixed_verdict())
    validate(json.loads(text))
    assert AWS_KEY_ID not in text
    check_golden("report.sarif", text)


@pytest.mark.usefixtures("stand_in_rules")
def test_driver_and_rules() -> None:
    run = run_of(rendered(mixed_result(), mixed_verdict()))
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "garrison", "1.2.3", "https://garrison.dev",
    )  # fmt: skip
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules) == sorted(rules)
    assert list(rules) == [
        "B101", "B602", "EOL-debian-10", "GAR-K8S-001", "GAR-K8S-002", "GAR-LIC-DENIED",
        "GAR-NET-001",
        "GHSA-2gwj-7jmv-h26r", "GHSA-35jh-r3h4-6jhm", "GHSA-jfh8-c2jp-5v3q", "PYSEC-2023-100",
        "aws-access-key-id",
    ]  # fmt: skip
    privileged = rules["GAR-K8S-001"]
    assert privileged["shortDescription"] == {"text": "Privileged container"}
    assert privileged["helpUri"] == (
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"
    )
    assert privileged["defaultConfiguration"] == {"level": "error"}
    assert privileged["properties"] == {
        "security-severity": "8.0",
        "tags": ["security", "misconfiguration", "PSS-baseline", "NSA", "CIS"],
        "precision": "very-high",
    }
    assert "Remove \\`securityContext.privileged: true\\`" in privileged["help"]["markdown"]
    sqli = rules["GHSA-2gwj-7jmv-h26r"]
    assert sqli["properties"]["security-severity"] == "9.8"  # the CVSS score
    assert sqli["helpUri"] == "https://osv.dev/vulnerability/GHSA-2gwj-7jmv-h26r"
    assert "Fixed versions:\n- PyPI django 3.2.0: 3.2.14, 4.0.6" in sqli["help"]["text"]
    assert rules["GAR-NET-001"]["properties"]["security-severity"] == "5.5"  # MEDIUM, no CVSS
    assert rules["B101"]["properties"] == {
        "security-severity": "2.0", "tags": ["security", "sast", "CWE-703"], "precision": "medium",
    }  # fmt: skip
    assert rules["B101"]["help"]["markdown"].startswith(
        "Use of assert: &lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` @\u200badmin"
    )
    for index, rule in enumerate(driver["rules"]):
        assert all(r["ruleIndex"] == index for r in run["results"] if r["ruleId"] == rule["id"])


@pytest.mark.usefixtures("stand_in_rules")
def test_results_levels_locations_and_fingerprints() -> None:
    run = run_of(rendered(mixed_result(), mixed_verdict()))
    results = run["results"]
    assert len(results) == len(mixed_result().findings)
    by_id: dict[str, list[dict[str, Any]]] = {}
    for entry in results:
        by_id.setdefault(entry["ruleId"], []).append(entry)
    first, second = by_id["GAR-K8S-001"]
    assert first["level"] == "error"
    assert first["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "k8s/web.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 21, "endLine": 21},
    }}]  # fmt: skip
    assert first["partialFingerprints"] == {"garrison/v1": fingerprint_of(PRIVILEGED)}
    assert second["partialFingerprints"] == {"garrison/v1": fingerprint_of(PRIVILEGED, 1)}
    (sqli,) = by_id["GHSA-2gwj-7jmv-h26r"]
    assert sqli["message"]["text"] == (
        "django@3.2.0 (PyPI) is affected by GHSA-2gwj-7jmv-h26r (CVE-2022-34265): "
        "SQL Injection in Django. Fixed in: 3.2.14, 4.0.6."
    )
    assert sqli["locations"][0]["physicalLocation"]["region"] == {"startLine": 4}  # lockfile line
    (lodash,) = by_id["GHSA-35jh-r3h4-6jhm"]
    assert "region" not in lodash["locations"][0]["physicalLocation"]  # no line: no region
    (secret,) = by_id["aws-access-key-id"]
    assert secret["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 15, "endLine": 4,
    }  # fmt: skip
    assert secret["partialFingerprints"] == {"garrison/v1": "gfp1:" + "ab" * 16}
    assert [(r["level"]) for r in by_id["GAR-NET-001"] + by_id["B101"]] == ["warning", "note"]
    assert run["originalUriBaseIds"] == {
        "%SRCROOT%": {"description": {"text": "The scanned target: shop"}}
    }


@pytest.mark.usefixtures("stand_in_rules")
def test_suppressed_findings_are_results_with_suppressions() -> None:
    results = run_of(rendered(mixed_result(), mixed_verdict()))["results"]
    suppressed = {r["ruleId"]: (r["level"], r["suppressions"]) for r in results
                  if "suppressions" in r}  # fmt: skip
    assert suppressed == {
        "GHSA-jfh8-c2jp-5v3q": ("warning", [{"kind": "external", "status": "accepted",
            "justification": "vex .vex/app.openvex.json: CVE-2021-44228; "
                             "vulnerable_code_not_in_execute_path"}]),
        "B602": ("warning", [{"kind": "inSource", "status": "accepted",
                              "justification": "inline app/run.py:9; input is a constant"}]),
        "GAR-K8S-002": ("warning", [{"kind": "external", "status": "accepted",
            "justification": "baseline .garrison/baseline.json; in the baseline"}]),
        "GHSA-35jh-r3h4-6jhm": ("warning", [{"kind": "external", "status": "accepted",
            "justification": "exception garrison.yaml:14 (exceptions[0]); only used by the "
                             "build, never shipped; owner web-team; expires 2026-03-01"}]),
    }  # fmt: skip


@pytest.mark.usefixtures("stand_in_rules")
def test_notices_warnings_and_notes_are_notifications() -> None:
    (invocation,) = run_of(rendered(mixed_result(), mixed_verdict()))["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["endTimeUtc"] == "2026-01-02T03:04:05Z"  # SOURCE_DATE_EPOCH
    notifications = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["message"]["text"]) for n in notifications] == [
        ("warning", "exception 2 (CVE-2020-1234) expired on 2025-12-31"),
        ("note", "exception 0 (GHSA-35jh-r3h4-6jhm) expires on 2026-01-10"),
        ("warning", "exception 3 (GAR-K8S-009) matches no finding: remove it"),
        ("warning", "go.mod:7: cannot parse: unexpected token (reader-failed)"),
        ("note", "misconfig: kustomize overlays were not rendered"),
    ]  # fmt: skip
    first = invocation["toolExecutionNotifications"][0]
    assert first["properties"] == {"kind": "expired", "ref": "garrison.yaml:22"}


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("k8s/web.yaml", "k8s/web.yaml"),
        ("./dir with space/\u00fc#1.yaml", "dir%20with%20space/%C3%BC%231.yaml"),
        ("app\\settings.py", "app/settings.py"),
        ("/usr/lib/os-release", "usr/lib/os-release"),
        ("a%b?.tf", "a%25b%3F.tf"),
    ],
)
def test_uris_are_relative_posix_and_percent_encoded(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == uri


def test_no_region_without_a_line_and_never_zero() -> None:
    findings = (
        Finding("misconfiguration", "X-1", "a", Severity.LOW, location=Location("a.yaml", 0, 0, 0)),
        Finding("misconfiguration", "X-2", "b", Severity.LOW, location=Location("b.yaml", 3, 2, 0)),
        Finding("vulnerability", "V-1", "c", Severity.LOW, Component("npm", "x", "1")),
    )  # fmt: skip
    document = rendered(ScanResult("t", (), findings), default_gate(()))
    validate(document)
    places = {r["ruleId"]: r.get("locations") for r in run_of(document)["results"]}
    root = {"uriBaseId": "%SRCROOT%"}
    assert places == {
        "X-1": [{"physicalLocation": {"artifactLocation": {"uri": "a.yaml", **root}}}],
        "X-2": [{"physicalLocation": {"artifactLocation": {"uri": "b.yaml", **root},
                                      "region": {"startLine": 3}}}],
        "V-1": None,  # a package with no file: no location at all
    }  # fmt: skip


def many(rule: str, path: str, count: int, severity: Severity = Severity.LOW) -> list[Finding]:
    return [
        Finding("misconfiguration", rule, f"{rule} fails", severity,
                location=Location(path, line, line))
        for line in range(1, count + 1)
    ]  # fmt: skip


def test_over_the_result_limit_findings_of_one_rule_and_file_merge() -> None:
    findings = tuple(many("R-1", "a.yaml", 7) + many("R-1", "b.yaml", 3))
    run = run_of(rendered(ScanResult("t", (), findings), default_gate(()), max_results=5))
    results = run["results"]
    shape = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              len(r.get("relatedLocations", []))) for r in results]  # fmt: skip
    assert shape == [("a.yaml", 6), ("b.yaml", 2)]
    first = results[0]
    assert first["message"]["text"] == "R-1 fails (6 more place(s) in this file)"
    assert [r["id"] for r in first["relatedLocations"]] == [1, 2, 3, 4, 5, 6]
    assert first["relatedLocations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "endLine": 2,
    }  # fmt: skip
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes == [
        "10 findings are more than the 5 results a SARIF run may hold: findings of one rule in "
        "one file were merged into 2 results (the other places are related locations)"
    ]


def test_related_locations_are_capped_and_counted() -> None:
    findings = tuple(many("R-1", "a.yaml", 6))
    document = rendered(ScanResult("t", (), findings), default_gate(()), max_results=1,
                        max_locations=3)  # fmt: skip
    validate(document)
    run = run_of(document)
    (result,) = run["results"]
    assert len(result["relatedLocations"]) == 2  # 1 location + 2 related = 3
    assert result["message"]["text"] == "R-1 fails (5 more place(s) in this file; 3 not listed)"
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes[1] == (
        "3 places are not listed as related locations (at most 3 locations a result); "
        "their results say how many"
    )


def test_still_over_the_limit_the_most_severe_are_kept_and_the_rest_counted() -> None:
    low = many("LOW-1", "a.yaml", 2)
    high = many("HIGH-1", "b.yaml", 1, Severity.HIGH)
    medium = many("MED-1", "c.yaml", 3, Severity.MEDIUM)
    blocking = many("LOW-2", "d.yaml", 1)  # low, but the gate blocks it
    findings = tuple(low + high + medium + blocking)
    verdict = Verdict(False, "blocked", tuple(blocking))
    run = run_of(rendered(ScanResult("t", (), findings), verdict, max_results=2))
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("HIGH-1", "warning"), ("LOW-2", "error"),
    ]  # fmt: skip
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes[-1] == (
        "2 results (5 findings) were left out: a SARIF run may hold at most 2 results; the most "
        "severe were kept (the JSON report has all)"
    )


def test_within_the_limits_nothing_merges() -> None:
    findings = tuple(many("R-1", "a.yaml", 5))
    run = run_of(rendered(ScanResult("t", (), findings), default_gate(()), max_results=5))
    assert len(run["results"]) == 5
    assert all("relatedLocations" not in r for r in run["results"])
    assert "toolExecutionNotifications" not in run["invocations"][0]


def test_an_empty_scan_is_valid() -> None:
    document = rendered(ScanResult("t", (), ()), default_gate(()))
    validate(document)
    run = run_of(document)
    assert (run["results"], run["tool"]["driver"]["rules"]) == ([], [])
    assert run["properties"] == {
        "target": "t", "partial": False,
        "verdict": {"passed": True, "reason": "no findings at HIGH or above (default policy)"},
    }  # fmt: skip


def test_tags_are_capped_at_twenty() -> None:
    cwes = tuple(f"CWE-{n}" for n in range(30))
    finding = Finding("sast", "S-1", "x", Severity.LOW, aliases=cwes, tool="t")
    run = run_of(rendered(ScanResult("t", (), (finding,)), default_gate(())))
    tags = run["tool"]["driver"]["rules"][0]["properties"]["tags"]
    assert tags == ["security", "sast", *cwes[:18]]


def test_unknown_version_matches_have_low_precision() -> None:
    component = Component("npm", "x", None)
    finding = Finding("vulnerability", "V-1", "x", Severity.HIGH, component, version_unknown=True)
    run = run_of(rendered(ScanResult("t", (component,), (finding,)), default_gate(())))
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["properties"]["precision"] == "low"
    known = replace(finding, version_unknown=False)
    run = run_of(rendered(ScanResult("t", (component,), (known,)), default_gate(())))
    assert run["tool"]["driver"]["rules"][0]["properties"]["precision"] == "high"
