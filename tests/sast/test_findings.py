"""Hits -> Findings: one per tool, rule and place; inline ignores; fingerprints; summaries."""

from __future__ import annotations

from collections.abc import Sequence

from garrison.model import Finding, Location, Severity
from garrison.sast.base import Hit
from garrison.sast.findings import safe_summary, to_findings
from garrison.sast.fingerprint import code_key, fingerprint, identity_key

SOURCE = {
    "app.py": [
        "import subprocess",
        "subprocess.call(cmd, shell=True)",
        "subprocess.call(cmd, shell=True)  # garrison:ignore[B602]",
    ]
}


def lines_of(path: str) -> Sequence[str] | None:
    return SOURCE.get(path)


def hit(line: int, tool: str = "bandit", rule: str = "B602", **extra: object) -> Hit:
    fields: dict[str, object] = {
        "tool": tool,
        "rule_id": rule,
        "summary": "shell",
        "severity": Severity.HIGH,
        "confidence": "high",
        "location": Location("app.py", line, line, 1),
    }
    fields.update(extra)
    return Hit(**fields)  # type: ignore[arg-type]


def test_ignored_hits_are_kept_apart_and_marked() -> None:
    findings, ignored = to_findings([hit(3), hit(2)], lines_of)
    expected = fingerprint("bandit", "B602", "app.py", code_key(SOURCE["app.py"][1]))
    assert findings == (
        Finding(
            kind="sast",
            id="B602",
            summary="shell",
            severity=Severity.HIGH,
            location=Location("app.py", 2, 2, 1),
            fingerprint=expected,
            tool="bandit",
            confidence="high",
        ),
    )
    assert [(f.location, f.inline_ignore) for f in ignored] == [(Location("app.py", 3, 3, 1), "")]


def test_one_finding_per_tool_rule_and_place() -> None:
    from_sarif = hit(2, snippet="subprocess.call(cmd, shell=True)\n")
    findings, _ = to_findings([hit(2), from_sarif, hit(2, tool="semgrep")], lines_of)
    assert [(f.tool, f.id) for f in findings] == [("bandit", "B602"), ("semgrep", "B602")]


def test_the_key_is_the_tools_identity_then_snippet_then_source_then_line() -> None:
    cases = [
        hit(2, identity=identity_key({"primaryLocationLineHash": "ab:1"})),
        hit(2, rule="R2", snippet="\n  a  =  'x'\n"),
        hit(2, rule="R3"),
        hit(7, rule="R4", location=Location("gone.py", 7)),
        hit(0, rule="R5", location=None),
    ]
    findings, _ = to_findings(cases, lines_of)
    prints = {f.id: f.fingerprint for f in findings}
    assert prints == {
        "B602": fingerprint("bandit", "B602", "app.py", "tool:primaryLocationLineHash=ab:1"),
        "R2": fingerprint("bandit", "R2", "app.py", "code:a = ''"),
        "R3": fingerprint("bandit", "R3", "app.py", code_key(SOURCE["app.py"][1])),
        "R4": fingerprint("bandit", "R4", "gone.py", "line:7"),
        "R5": fingerprint("bandit", "R5", "", "none"),
    }


def test_the_snippet_carries_the_ignore_comment_when_the_source_is_absent() -> None:
    elsewhere = Location("elsewhere.py", 4, 4, 1)
    commented = hit(4, location=elsewhere, snippet="call()  # garrison:ignore[B602]")
    findings, ignored = to_findings([commented], lines_of)
    assert findings == ()
    assert [(f.location, f.inline_ignore) for f in ignored] == [(elsewhere, "")]


def test_findings_are_ordered_by_place() -> None:
    hits = [hit(2, rule="B607"), hit(1, rule="B404"), hit(2, tool="aaa", rule="Z")]
    findings, _ = to_findings(hits, lines_of)
    assert [(f.location.line if f.location else 0, f.tool, f.id) for f in findings] == [
        (1, "bandit", "B404"),
        (2, "aaa", "Z"),
        (2, "bandit", "B607"),
    ]


def test_bandit_password_texts_lose_the_password() -> None:
    secret = "Zq" + "7w" * 6
    text = f"Possible hardcoded password: '{secret}'"
    assert safe_summary("bandit", "B105", text) == "Possible hardcoded password (value not shown)"
    assert safe_summary("bandit", "B602", "shell: x") == "shell: x"
    findings, _ = to_findings([hit(2, rule="B106", summary=text)], lines_of)
    assert secret not in repr(findings)
