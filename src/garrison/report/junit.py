"""JUnit XML for CI test views (GitLab, Jenkins, Azure): one testsuite per scanner kind.

Vulnerabilities: one testcase per scanned package (classname the ecosystem, name
`package@version`), so clean packages pass. Other kinds: one testcase per check, detector or
rule that found something. A testcase fails when it has blocking findings (listed in the
failure text), is skipped when all its findings are suppressed, and otherwise passes with its
findings in `system-out`. Text is escaped by ElementTree; characters XML 1.0 cannot hold
(control characters from scanned files) are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from garrison.model import Component, Finding, ScanResult
from garrison.policy import Suppression, Verdict
from garrison.report.common import fixed_in, generation_time, kind_order, split, where

NAME = "junit"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(slots=True)
class _Case:
    """One testcase: its blocking, other open and suppressed findings."""

    classname: str
    name: str
    blocking: list[Finding] = field(default_factory=list)
    passing: list[Finding] = field(default_factory=list)
    suppressed: list[Suppression] = field(default_factory=list)


def render(result: ScanResult, verdict: Verdict, now: datetime | None = None) -> str:
    when = (now or generation_time()).strftime("%Y-%m-%dT%H:%M:%S")
    suites = _suites(result, verdict)
    root = ET.Element("testsuites", name="garrison")
    totals = [0, 0, 0]
    for kind in sorted(suites, key=kind_order):
        cases = [suites[kind][key] for key in sorted(suites[kind])]
        counts = _counts(cases)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        suite = ET.SubElement(root, "testsuite", _attributes(kind, counts))
        suite.set("timestamp", when)
        for case in cases:
            _testcase(suite, case)
    root.attrib.update(_attributes("garrison", totals))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suites(result: ScanResult, verdict: Verdict) -> dict[str, dict[tuple[str, str], _Case]]:
    """kind -> (classname, name) -> testcase."""
    parts = split(result, verdict)
    suites: dict[str, dict[tuple[str, str], _Case]] = {}
    if result.components:
        packages = suites.setdefault("vulnerability", {})
        for component in result.components:
            key = _package_key(component)
            packages.setdefault(key, _Case(*key))
    for finding in parts.open:
        case = _case_of(suites, finding)
        (case.blocking if parts.is_blocking(finding) else case.passing).append(finding)
    for suppression in parts.suppressed:
        _case_of(suites, suppression.finding).suppressed.append(suppression)
    return suites


def _package_key(component: Component) -> tuple[str, str]:
    return (_clean(component.ecosystem), _clean(f"{component.name}@{component.version or '?'}"))


def _case_of(suites: dict[str, dict[tuple[str, str], _Case]], finding: Finding) -> _Case:
    cases = suites.setdefault(finding.kind, {})
    if finding.kind == "vulnerability" and finding.component is not None:
        key = _package_key(finding.component)
    else:
        key = (_clean(f"garrison.{finding.kind}"), _clean(finding.id))
    return cases.setdefault(key, _Case(*key))


def _counts(cases: list[_Case]) -> list[int]:
    """tests, failures, skipped."""
    failures = sum(1 for case in cases if case.blocking)
    skipped = sum(1 for case in cases if _skipped(case))
    return [len(cases), failures, skipped]


def _skipped(case: _Case) -> bool:
    return bool(case.suppressed) and not case.blocking and not case.passing


def _attributes(name: str, counts: list[int]) -> dict[str, str]:
    tests, failures, skipped = counts
    return {"name": _clean(name), "tests": str(tests), "failures": str(failures),
            "errors": "0", "skipped": str(skipped), "time": "0"}  # fmt: skip


def _testcase(suite: ET.Element, case: _Case) -> None:
    element = ET.SubElement(suite, "testcase", classname=case.classname, name=case.name)
    element.set("time", "0")
    if case.blocking:
        worst = max(f.severity for f in case.blocking)
        failure = ET.SubElement(element, "failure", type=worst.name)
        failure.set("message", f"{len(case.blocking)} blocking finding(s)")
        failure.text = "\n".join(_line(f) for f in case.blocking)
    elif _skipped(case):
        skipped = ET.SubElement(element, "skipped")
        skipped.set("message", _clean(f"{len(case.suppressed)} suppressed finding(s)"))
    out = [_line(f) for f in case.passing] + [_suppressed_line(s) for s in case.suppressed]
    if out:
        ET.SubElement(element, "system-out").text = "\n".join(out)


def _line(finding: Finding) -> str:
    """SEVERITY ID at PLACE: summary (fixed in X)."""
    place = where(finding)
    text = f"{finding.severity.name} {finding.id}" + (f" at {place}" if place else "")
    text += f": {finding.summary}" if finding.summary else ""
    if finding.fixed_versions:
        text += f" (fixed in {fixed_in(finding)})"
    return _clean(text)


def _suppressed_line(suppression: Suppression) -> str:
    text = f"suppressed {suppression.by.value} {suppression.ref}: {suppression.reason}"
    return _clean(f"{_line(suppression.finding)} [{text}]")


def _clean(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold written as \\xNN."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
