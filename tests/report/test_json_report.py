from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema

from garrison.fingerprints import fingerprint_of
from garrison.model import (
    Commit,
    Component,
    Finding,
    Gap,
    Location,
    ScanResult,
    ScanWarning,
    Severity,
)
from garrison.policy import NoticeKind, SuppressedBy, Verdict, default_gate
from garrison.report import FORMATS, json_report
from tests.conftest import REPO
from tests.report.cases import (
    AWS_KEY_ID,
    LICENSE,
    LODASH_INJECTION,
    check_golden,
    mixed_result,
    mixed_verdict,
)

SCHEMA = json.loads((REPO / "src" / "garrison" / "schemas" / "report.schema.json").read_text())


def test_schema_gap_kinds_match_the_model() -> None:
    gap_enum = SCHEMA["properties"]["warnings"]["items"]["properties"]["gap"]["enum"]
    assert gap_enum == [gap.value for gap in Gap]


def test_document_is_exact_and_valid() -> None:
    component = Component("PyPI", "six", "1.0", "pkg:pypi/six@1.0", Location("req.txt", 3))
    finding = Finding(
        "vulnerability", "PYSEC-1", "bad", Severity.HIGH, component, component.location,
        ("CVE-1",), 7.5, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", ("1.1",), ("https://x",),
    )  # fmt: skip
    warning = ScanWarning("pyproject.toml", "no reader", Gap.UNKNOWN_MANIFEST)
    result = ScanResult("app", (component,), (finding,), (warning,))
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    document = json.loads(json_report.render(result, default_gate([finding]), when))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["generated_at"] == "2026-01-02T03:04:05+00:00"
    assert document["partial"] is True
    assert document["warnings"] == [
        {
            "source": "pyproject.toml",
            "line": None,
            "gap": "unknown-manifest",
            "message": "no reader",
        }
    ]
    assert document["findings"] == [
        {
            "kind": "vulnerability", "id": "PYSEC-1", "aliases": ["CVE-1"], "severity": "HIGH",
            "cvss_score": 7.5, "cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
            "summary": "bad", "version_unknown": False, "fixed_versions": ["1.1"],
            "references": ["https://x"],
            "location": {"path": "req.txt", "line": 3, "end_line": None, "column": None},
            "blocking": True, "fingerprint": fingerprint_of(finding),
            "package": {"ecosystem": "PyPI", "name": "six", "version": "1.0",
                        "purl": "pkg:pypi/six@1.0"},
        }
    ]  # fmt: skip
    assert document["verdict"] == {
        "passed": False, "reason": "1 finding(s) at HIGH or above (default policy)",
    }  # fmt: skip


def test_misconfiguration_findings_carry_a_line_range() -> None:
    finding = Finding(
        "misconfiguration", "GAR-K8S-001", "Privileged container", Severity.HIGH,
        location=Location("k8s/web.yaml", 12, 15), references=("https://k8s.io",),
    )  # fmt: skip
    result = ScanResult("repo", (), (finding,))
    document = json.loads(json_report.render(result, default_gate([finding])))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    (emitted,) = document["findings"]
    assert emitted["kind"] == "misconfiguration"
    assert emitted["location"] == {
        "path": "k8s/web.yaml",
        "line": 12,
        "end_line": 15,
        "column": None,
    }
    assert "package" not in emitted


def test_misconfiguration_findings_need_a_located_line() -> None:
    finding = Finding("misconfiguration", "GAR-K8S-001", "x", Severity.LOW)
    document = json.loads(json_report.render(ScanResult("r", (), (finding,)), default_gate([])))
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    assert errors  # a misconfiguration always points at lines


def test_secret_findings_carry_column_fingerprint_preview_and_history() -> None:
    finding = Finding(
        "secret", "aws-access-key-id", "AWS access key id", Severity.HIGH,
        location=Location("app/settings.py", 4, 4, 15), fingerprint="gfp1:" + "ab" * 16,
        preview='AWS_KEY = "AKIA****"',
        introduced=Commit("c" * 40, "Ann <ann@example.org>", "2026-01-02T03:04:05+00:00"),
        present_at_head=False,
    )  # fmt: skip
    tool = Finding("sast", "B602", "shell=True", Severity.HIGH, tool="bandit", confidence="high")
    result = ScanResult("repo", (), (finding, tool))
    document = json.loads(json_report.render(result, default_gate([finding])))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    by_kind = {emitted["kind"]: emitted for emitted in document["findings"]}
    secret, sast = by_kind["secret"], by_kind["sast"]
    assert secret["location"] == {"path": "app/settings.py", "line": 4, "end_line": 4, "column": 15}
    assert (secret["fingerprint"], secret["preview"]) == (
        "gfp1:" + "ab" * 16,
        'AWS_KEY = "AKIA****"',
    )
    assert secret["introduced"] == {
        "commit": "c" * 40, "author": "Ann <ann@example.org>", "date": "2026-01-02T03:04:05+00:00"
    }  # fmt: skip
    assert secret["present_at_head"] is False
    assert (sast["tool"], sast["confidence"]) == ("bandit", "high")


def test_sast_findings_need_a_tool_and_every_finding_gets_a_fingerprint() -> None:
    bare = (
        Finding("secret", "x", "x", Severity.LOW, location=Location("f", 1, 1, 1), preview="p"),
        Finding("sast", "B1", "x", Severity.LOW),
    )
    document = json.loads(json_report.render(ScanResult("r", (), bare), default_gate([])))
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    assert [error.message for error in errors] == ["'tool' is a required property"]
    prints = {f["id"]: f["fingerprint"] for f in document["findings"]}
    assert prints == {f.id: fingerprint_of(f) for f in bare}
    (without,) = [dict(f) for f in document["findings"] if f["kind"] == "secret"]
    del without["fingerprint"]
    secret_schema = {"$defs": SCHEMA["$defs"], "$ref": "#/$defs/finding"}
    errors = list(jsonschema.Draft202012Validator(secret_schema).iter_errors(without))
    assert [error.message for error in errors] == ["'fingerprint' is a required property"]


def test_golden_and_valid() -> None:
    text = FORMATS["json"](mixed_result(), mixed_verdict())
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(text))
    assert AWS_KEY_ID not in text
    check_golden("report.json", text)


def test_schema_enums_match_the_policy_model() -> None:
    suppressed = SCHEMA["properties"]["suppressed"]["items"]["properties"]
    assert suppressed["by"]["enum"] == [by.value for by in SuppressedBy]
    notice = SCHEMA["properties"]["notices"]["items"]["properties"]
    assert notice["kind"]["enum"] == [kind.value for kind in NoticeKind]


def test_suppressed_findings_and_notices() -> None:
    document = json_report.to_document(mixed_result(), mixed_verdict())
    assert document["generated_at"] == "2026-01-02T03:04:05+00:00"  # SOURCE_DATE_EPOCH
    assert document["summary"]["findings"] == 9  # open findings only
    assert sum(document["summary"]["by_severity"].values()) == 9
    assert [(s["by"], s["finding"]["id"]) for s in document["suppressed"]] == [
        ("vex", "GHSA-jfh8-c2jp-5v3q"), ("inline", "B602"), ("baseline", "GAR-K8S-002"),
        ("exception", "GHSA-35jh-r3h4-6jhm"),
    ]  # fmt: skip
    exception = document["suppressed"][3]
    assert {k: v for k, v in exception.items() if k != "finding"} == {
        "by": "exception", "ref": "garrison.yaml:14 (exceptions[0])",
        "reason": "only used by the build, never shipped", "owner": "web-team",
        "expires": "2026-03-01",
    }  # fmt: skip
    assert exception["finding"]["fingerprint"] == fingerprint_of(LODASH_INJECTION)
    assert exception["finding"]["blocking"] is False
    inline = document["suppressed"][1]["finding"]
    assert inline["inline_ignore"] == "input is a constant"
    assert document["notices"][0] == {
        "kind": "expired", "message": "exception 2 (CVE-2020-1234) expired on 2025-12-31",
        "ref": "garrison.yaml:22",
    }  # fmt: skip
    assert [f["id"] for f in document["findings"] if f["blocking"]] == [
        "GHSA-2gwj-7jmv-h26r", "EOL-debian-10", "GAR-K8S-001", "GAR-K8S-001",
        "aws-access-key-id", "GAR-LIC-DENIED",
    ]  # fmt: skip


def test_licence_findings_are_valid_and_need_their_package() -> None:
    result = ScanResult("r", (), (LICENSE,))
    document = json_report.to_document(result, Verdict(False, "x", (LICENSE,)))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    (emitted,) = document["findings"]
    assert (emitted["kind"], emitted["package"]["purl"]) == ("license", "pkg:npm/gpl-lib@2.0.0")
    del emitted["package"]
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    assert [error.message for error in errors] == ["'package' is a required property"]
