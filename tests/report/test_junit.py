"""JUnit XML. Golden file: tests/data/report/golden/report.junit.xml."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from garrison.model import Component, Finding, Location, ScanResult, Severity
from garrison.policy import SuppressedBy, Suppression, Verdict, default_gate
from garrison.report import FORMATS, junit
from tests.report.cases import AWS_KEY_ID, HOSTILE, check_golden, mixed_result, mixed_verdict


def suites(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text)
    return {suite.get("name", ""): suite for suite in root.iter("testsuite")}


def counts(element: ET.Element) -> tuple[str | None, ...]:
    return tuple(element.get(key) for key in ("tests", "failures", "skipped", "errors"))


def test_golden() -> None:
    text = FORMATS["junit"](mixed_result(), mixed_verdict())
    assert AWS_KEY_ID not in text
    check_golden("report.junit.xml", text)


def test_counts_per_suite_and_in_total() -> None:
    text = junit.render(mixed_result(), mixed_verdict())
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert counts(root) == ("13", "5", "4", "0")
    assert {name: counts(suite) for name, suite in suites(text).items()} == {
        "vulnerability": ("5", "1", "2", "0"),  # one case per package: django fails, six passes
        "end-of-life": ("1", "1", "0", "0"),
        "license": ("1", "1", "0", "0"),
        "misconfiguration": ("3", "1", "1", "0"),
        "secret": ("1", "1", "0", "0"),
        "sast": ("2", "0", "1", "0"),
    }
    for suite in root.iter("testsuite"):
        cases = list(suite.iter("testcase"))
        assert len(cases) == int(suite.get("tests", ""))
        assert sum(1 for c in cases if c.find("failure") is not None) == int(
            suite.get("failures", "")
        )
        assert sum(1 for c in cases if c.find("skipped") is not None) == int(
            suite.get("skipped", "")
        )


def test_cases_fail_skip_or_pass_with_their_findings_listed() -> None:
    text = junit.render(mixed_result(), mixed_verdict())
    cases = {(c.get("classname"), c.get("name")): c for c in ET.fromstring(text).iter("testcase")}
    django = cases[("PyPI", "django@3.2.0")]
    failure = django.find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == ("CRITICAL", "1 blocking finding(s)")
    assert failure.text == (
        "CRITICAL GHSA-2gwj-7jmv-h26r at requirements.txt:4: SQL Injection in Django "
        "(fixed in 3.2.14, 4.0.6)"
    )
    assert django.findtext("system-out") == (
        "MEDIUM PYSEC-2023-100 at requirements.txt:4: Potential denial of service in file uploads"
    )
    six = cases[("PyPI", "six@1.16.0")]
    assert list(six) == []  # passes, nothing to say
    log4j = cases[("Maven", "org.apache.logging.log4j:log4j-core@2.14.1")]
    skipped = log4j.find("skipped")
    assert skipped is not None and skipped.get("message") == "1 suppressed finding(s)"
    privileged = cases[("garrison.misconfiguration", "GAR-K8S-001")].find("failure")
    assert privileged is not None and privileged.text == (
        "HIGH GAR-K8S-001 at k8s/web.yaml:21: Privileged container\n"
        "HIGH GAR-K8S-001 at k8s/web.yaml:40-41: Privileged container"
    )
    assert cases[("garrison.sast", "B101")].findtext("system-out") == (
        f"LOW B101 at app/run.py:12:5: Use of assert: {HOSTILE}"
    )


def test_everything_is_escaped_and_control_characters_are_spelled_out() -> None:
    nasty = "a\"b'c<d>&e]]>\x00\x1b\ud800"
    component = Component("npm", nasty, "1<2", None, Location(nasty))
    finding = Finding("vulnerability", nasty, nasty, Severity.HIGH, component, component.location)
    check = Finding("misconfiguration", nasty, nasty, Severity.LOW, location=Location(nasty, 1, 1))
    suppressed = Suppression(check, SuppressedBy.EXCEPTION, nasty, nasty)
    verdict = Verdict(False, nasty, (finding,), (suppressed,))
    text = junit.render(ScanResult(nasty, (component,), (finding, check)), verdict)
    root = ET.fromstring(text)  # parses: valid XML
    (case,) = [c for c in root.iter("testcase") if c.get("classname") == "npm"]
    spelled = "a\"b'c<d>&e]]>\\x00\\x1b\\xd800"
    assert case.get("name") == f"{spelled}@1<2"
    assert case.findtext("failure", "").startswith(f"HIGH {spelled} at {spelled}: {spelled}")
    (skipped,) = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    assert skipped.findtext("system-out", "").endswith(
        f"[suppressed exception {spelled}: {spelled}]"
    )


def test_no_findings_and_no_components_is_an_empty_but_valid_report() -> None:
    root = ET.fromstring(junit.render(ScanResult("t", (), ()), default_gate(())))
    assert counts(root) == ("0", "0", "0", "0")
    assert list(root) == []


def test_a_case_with_suppressed_and_open_findings_passes() -> None:
    first = Finding("misconfiguration", "X-1", "a", Severity.LOW, location=Location("a", 1, 1))
    second = Finding("misconfiguration", "X-1", "a", Severity.LOW, location=Location("a", 5, 5))
    verdict = Verdict(True, "ok", (), (Suppression(first, SuppressedBy.BASELINE, "b.json", "old"),))
    root = ET.fromstring(junit.render(ScanResult("t", (), (first, second)), verdict))
    (case,) = root.iter("testcase")
    assert (case.find("failure"), case.find("skipped")) == (None, None)
    assert case.findtext("system-out") == (
        "LOW X-1 at a:5: a\nLOW X-1 at a:1: a [suppressed baseline b.json: old]"
    )


@pytest.mark.parametrize("kind", ["secret", "sast", "license"])
def test_other_kinds_group_by_check(kind: str) -> None:
    findings = tuple(
        Finding(kind, "R-1", "r", Severity.HIGH, location=Location(f"f{n}", n, n)) for n in (1, 2)
    )
    root = ET.fromstring(junit.render(ScanResult("t", (), findings), default_gate(findings)))
    (case,) = root.iter("testcase")
    assert (case.get("classname"), case.get("name")) == (f"garrison.{kind}", "R-1")
    assert case.find("failure") is not None
