"""A merge-request comment in Markdown: the verdict, counts by scanner and severity, the
blocking findings, the policy's notices and what was suppressed.

At most 60,000 characters (GitHub caps a comment at 65,536): the lists are cut with an
"... and N more" row. Everything that comes from scanned files or the policy is escaped
(markdown_text); there are no emoji.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from garrison.model import Finding, ScanResult, Severity
from garrison.policy import SuppressedBy, Suppression, Verdict
from garrison.report.common import (
    SEVERITIES,
    counts_by,
    fixed_in,
    generation_time,
    package_label,
    split,
    tool_version,
    where,
)
from garrison.report.markdown_text import cell, escape

NAME = "markdown"
MAX_CHARS = 60_000
_SUMMARY_CHARS = 100  # of a finding's summary in the blocking table
_TARGET_CHARS = 200
_RESERVE = 200  # room kept for each "... and N more" line
_HEADER = "| Severity | ID | Where | Fixed in |"
_RULE = "|---|---|---|---|"
_BY_LABEL = {
    SuppressedBy.EXCEPTION: "by exception",
    SuppressedBy.VEX: "by VEX",
    SuppressedBy.BASELINE: "by the baseline",
    SuppressedBy.INLINE: "by inline comment",
}


def render(
    result: ScanResult, verdict: Verdict, now: datetime | None = None, *, max_chars: int = MAX_CHARS
) -> str:
    parts = split(result, verdict)
    blocking = [f for f in parts.open if parts.is_blocking(f)]
    status = "PASS" if verdict.passed else "FAIL"
    head = [f"## garrison: {status}", "", f"**{status}**: {escape(verdict.reason)}", ""]
    head += [_overview(result, len(parts.open), len(blocking), len(parts.suppressed)), ""]
    head += _counts(parts.open)
    when = (now or generation_time()).isoformat(timespec="seconds")
    tail = [*_suppressed(parts.suppressed), f"<sub>garrison {tool_version()}, {when}</sub>"]
    budget = max_chars - _length(head) - _length(tail) - 4 * _RESERVE
    notices = [
        f"- {n.kind.value}: {escape(n.message)}" + (f" ({escape(n.ref)})" if n.ref else "")
        for n in verdict.notices
    ]
    notice_lines = _fit(notices, budget // 4, "- ... and {} more")
    notes = [f"### Notices ({len(notices)})", "", *notice_lines, ""] if notices else []
    rows = _fit([_row(f) for f in blocking], budget - _length(notes), "| ... and {} more | | | |")
    body = []
    if rows:
        body = [f"### Blocking findings ({len(blocking)})", "", _HEADER, _RULE, *rows, ""]
    body += notes
    return "\n".join([*head, "", *body, *tail]) + "\n"


def _overview(result: ScanResult, opened: int, blocking: int, suppressed: int) -> str:
    target = result.target[:_TARGET_CHARS]
    text = (
        f"Target {escape(target)}: {len(result.components)} components, {opened} findings "
        f"({blocking} blocking), {suppressed} suppressed."
    )
    if result.partial:
        text += f" The scan is partial: {len(result.warnings)} warning(s), see the full report."
    return text


def _counts(findings: tuple[Finding, ...]) -> list[str]:
    """The scanner x severity table of open findings (nothing when there are none)."""
    table = counts_by(findings)
    if not table:
        return ["No findings."]
    names = " | ".join(s.name for s in SEVERITIES)
    lines = [f"| Scanner | {names} | Total |", "|---" + "|--:" * (len(SEVERITIES) + 1) + "|"]
    for kind, row in table.items():
        numbers = " | ".join(str(row[s]) for s in SEVERITIES)
        lines.append(f"| {cell(kind)} | {numbers} | {sum(row.values())} |")
    totals = Counter(f.severity for f in findings)
    numbers = " | ".join(str(totals[s]) for s in SEVERITIES)
    lines.append(f"| **Total** | {numbers} | {len(findings)} |")
    return lines


def _row(finding: Finding) -> str:
    summary = finding.summary
    if len(summary) > _SUMMARY_CHARS:
        summary = summary[: _SUMMARY_CHARS - 3] + "..."
    ident = f"{finding.id}: {summary}" if summary else finding.id
    place = where(finding)
    if finding.component is not None:
        label = package_label(finding.component)
        place = f"{label} ({place})" if place else label
    cells = (_severity(finding.severity), cell(ident), cell(place), cell(fixed_in(finding)))
    return "| " + " | ".join(cells) + " |"


def _severity(severity: Severity) -> str:
    return f"**{severity.name}**" if severity >= Severity.HIGH else severity.name


def _suppressed(suppressed: tuple[Suppression, ...]) -> list[str]:
    if not suppressed:
        return []
    counts = Counter(s.by for s in suppressed)
    ways = ", ".join(f"{counts[by]} {_BY_LABEL[by]}" for by in SuppressedBy if counts[by])
    return [f"{len(suppressed)} finding(s) suppressed: {ways}.", ""]


def _fit(lines: list[str], budget: int, more: str) -> list[str]:
    """As many of `lines` as fit in `budget` characters, then `more` with the count left."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > budget:
            return [*kept, more.format(len(lines) - len(kept))]
        kept.append(line)
        used += len(line) + 1
    return kept


def _length(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)
