"""The merge-request comment. Golden file: tests/data/report/golden/report.md."""

from __future__ import annotations

from garrison.model import Finding, Location, ScanResult, Severity
from garrison.policy import Notice, NoticeKind, Verdict, default_gate
from garrison.report import FORMATS, markdown
from garrison.report.markdown_text import cell, escape
from tests.report.cases import AWS_KEY_ID, check_golden, mixed_result, mixed_verdict


def test_golden() -> None:
    text = FORMATS["markdown"](mixed_result(), mixed_verdict())
    assert AWS_KEY_ID not in text
    check_golden("report.md", text)


def test_verdict_counts_blocking_notices_and_suppressed() -> None:
    lines = markdown.render(mixed_result(), mixed_verdict()).splitlines()
    assert lines[:5] == [
        "## garrison: FAIL", "", "**FAIL**: 6 finding(s) block (policy garrison.yaml)", "",
        "Target shop: 5 components, 9 findings (6 blocking), 4 suppressed. The scan is partial: "
        "1 warning(s), see the full report.",
    ]  # fmt: skip
    start = lines.index("| Scanner | CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN | Total |")
    assert lines[start + 2 : start + 9] == [
        "| vulnerability | 1 | 0 | 1 | 0 | 0 | 2 |",
        "| end-of-life | 0 | 1 | 0 | 0 | 0 | 1 |",
        "| license | 0 | 1 | 0 | 0 | 0 | 1 |",
        "| misconfiguration | 0 | 2 | 1 | 0 | 0 | 3 |",
        "| secret | 0 | 1 | 0 | 0 | 0 | 1 |",
        "| sast | 0 | 0 | 0 | 1 | 0 | 1 |",
        "| **Total** | 1 | 5 | 2 | 1 | 0 | 9 |",
    ]
    blocking = lines.index("### Blocking findings (6)")
    assert lines[blocking + 4] == (
        "| **CRITICAL** | GHSA-2gwj-7jmv-h26r: SQL Injection in Django | "
        "django@3.2.0 (requirements.txt:4) | 3.2.14, 4.0.6 |"
    )
    notices = lines.index("### Notices (3)")
    assert lines[notices + 2] == (
        "- expired: exception 2 (CVE-2020-1234) expired on 2025-12-31 (garrison.yaml:22)"
    )
    assert lines[-3:] == [
        "4 finding(s) suppressed: 1 by exception, 1 by VEX, 1 by the baseline, "
        "1 by inline comment.",
        "",
        "<sub>garrison 1.2.3, 2026-01-02T03:04:05+00:00</sub>",
    ]


def test_pass_without_findings() -> None:
    text = markdown.render(ScanResult("app", (), ()), default_gate(()))
    assert text.startswith("## garrison: PASS\n\n**PASS**: no findings at HIGH or above")
    assert "No findings." in text
    assert "### Blocking" not in text and "suppressed:" not in text


def test_cells_escape_pipes_backticks_markup_and_mentions() -> None:
    assert cell("a | b `c` <script>x</script> *d* [e](f) @admin\nnext") == (
        "a \\| b \\`c\\` &lt;script&gt;x&lt;/script&gt; \\*d\\* \\[e\\](f) @\u200badmin next"
    )
    assert cell("ann@example.org 1. x") == "ann@example.org 1. x"  # no mention, no list here
    assert escape("1. one\n# two\n- three\n  + four") == "1\\. one\n\\# two\n\\- three\n  \\+ four"


def test_hostile_text_in_a_blocking_finding_stays_in_its_cell() -> None:
    hostile = "x | y\n## z <img src=x onerror=alert(1)> `@team`"
    finding = Finding(
        "sast", "S-1", hostile, Severity.HIGH, location=Location("a|b.py", 3), tool="t"
    )
    text = markdown.render(ScanResult("t", (), (finding,)), default_gate((finding,)))
    (row,) = [line for line in text.splitlines() if line.startswith("| **HIGH**")]
    assert row == (
        "| **HIGH** | S-1: x \\| y ## z &lt;img src=x onerror=alert(1)&gt; \\`@\u200bteam\\` | "
        "a\\|b.py:3 |  |"
    )
    assert "<img" not in text


def test_long_reports_are_cut_with_and_n_more_rows() -> None:
    findings = tuple(
        Finding("misconfiguration", f"GAR-X-{n:05d}", "y" * 80, Severity.HIGH,
                location=Location(f"dir/file{n}.yaml", n, n))
        for n in range(5000)
    )  # fmt: skip
    notices = tuple(Notice(NoticeKind.STALE, "z" * 200, f"garrison.yaml:{n}") for n in range(500))
    verdict = Verdict(False, "blocked", findings, notices=notices)
    text = markdown.render(ScanResult("t", (), findings), verdict)
    assert len(text) <= markdown.MAX_CHARS
    lines = text.splitlines()
    rows = [line for line in lines if line.startswith("| **HIGH** | GAR-X-")]
    (more_rows,) = [line for line in lines if line.startswith("| ... and ")]
    assert more_rows == f"| ... and {5000 - len(rows)} more | | | |"
    listed = [line for line in lines if line.startswith("- stale: ")]
    assert f"- ... and {500 - len(listed)} more" in lines
    assert rows and listed and len(rows) < 5000 and len(listed) < 500
    assert lines[-1].startswith("<sub>garrison")  # the footer survives


def test_a_smaller_limit_is_honoured() -> None:
    findings = tuple(
        Finding("misconfiguration", f"GAR-X-{n}", "y", Severity.HIGH, location=Location("f", n, n))
        for n in range(300)
    )
    text = markdown.render(ScanResult("t", (), findings), default_gate(findings), max_chars=5000)
    assert len(text) <= 5000
    assert "| ... and " in text
