"""Secret hits as Findings, and the JSON report of them: never the secret itself."""

from __future__ import annotations

from garrison.model import Location, ScanResult, Severity
from garrison.policy import default_gate
from garrison.report import json_report
from garrison.secrets.detect import find_secrets
from garrison.secrets.detectors import DETECTORS
from garrison.secrets.findings import KIND, to_finding
from garrison.secrets.fingerprint import fingerprint
from tests.secrets.cases import case


def test_a_finding_carries_place_preview_and_fingerprint() -> None:
    sample = case("aws-access-key-id")
    (hit,) = find_secrets(sample.text, sample.path)
    finding = to_finding(hit, sample.path, salt="s")
    assert finding.kind == KIND == "secret"
    assert (finding.id, finding.summary, finding.severity) == (
        "aws-access-key-id",
        "AWS access key id",
        Severity.HIGH,
    )
    assert finding.location == Location(sample.path, 4, 4, 16)
    assert finding.fingerprint == fingerprint("aws-access-key-id", sample.secret, "s")
    assert finding.preview == 'SERVICE_KEY = "AKIA****"'
    assert finding.confidence == "high"
    assert finding.references == hit.detector.references


def test_the_json_report_holds_no_secret() -> None:
    samples = [case(detector.id, 5) for detector in DETECTORS]
    findings = tuple(
        to_finding(hit, sample.path)
        for sample in samples
        for hit in find_secrets(sample.text, sample.path)
    )
    assert len(findings) == len(DETECTORS)
    report = json_report.render(ScanResult("repo", (), findings), default_gate(findings))
    for sample in samples:
        assert sample.secret not in report
        middle = len(sample.secret) // 2
        assert sample.secret[middle : middle + 8] not in report
    assert report.count('"kind": "secret"') == len(DETECTORS)
