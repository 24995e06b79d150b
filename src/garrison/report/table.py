"""A terminal report for people (rich): one table per scanner kind, most severe first, then
the warnings, notes, the policy's notices, the suppressed count and the verdict.

Text from scanned files (names, summaries, previews, messages) is escaped: it is never read
as rich markup.
"""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from garrison.model import Finding, ScanResult, Severity
from garrison.policy import SuppressedBy, Verdict
from garrison.report.common import fixed_in, kind_order, split, where

NAME = "table"
WIDTH = 120
_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.UNKNOWN: "dim",
}
_TITLES = {
    "vulnerability": "Vulnerabilities",
    "end-of-life": "End of life",
    "license": "Licences",
    "misconfiguration": "Misconfigurations",
    "secret": "Secrets",
    "sast": "Code (SAST)",
}


def render(result: ScanResult, verdict: Verdict) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, force_terminal=False, no_color=True)
    parts = split(result, verdict)
    by_kind: dict[str, list[Finding]] = {}
    for finding in parts.open:
        by_kind.setdefault(finding.kind, []).append(finding)
    if not by_kind:
        console.print(escape(f"garrison: {result.target}: no findings"))
    for kind in sorted(by_kind, key=kind_order):
        console.print(_table(result.target, kind, by_kind[kind], parts.blocking))
    for warning in result.warnings:
        console.print(escape(f"warning: {warning.source}: {warning.message}"))
    for note in result.notes:
        console.print(escape(f"note: {note}"))
    for notice in verdict.notices:
        ref = f" ({notice.ref})" if notice.ref else ""
        console.print(escape(f"{notice.kind.value}: {notice.message}{ref}"))
    if parts.suppressed:
        counts = Counter(s.by for s in parts.suppressed)
        ways = ", ".join(f"{counts[by]} by {by.value}" for by in SuppressedBy if counts[by])
        console.print(f"{len(parts.suppressed)} finding(s) suppressed ({ways}).")
    blocking = sum(1 for f in parts.open if f in parts.blocking)
    partial = " (PARTIAL: see warnings)" if result.partial else ""
    console.print(
        f"{len(result.components)} components, {len(parts.open)} findings "
        f"({blocking} blocking){partial}. "
        f"{'PASS' if verdict.passed else 'FAIL'}: {escape(verdict.reason)}"
    )
    return buffer.getvalue()


def _table(target: str, kind: str, findings: list[Finding], blocking: frozenset[Finding]) -> Table:
    title = f"{_TITLES.get(kind, kind)} in {target}: {len(findings)}"
    table = Table(title=escape(title), show_lines=False)
    for column in ("Severity", "ID", "Package or file", "Version", "Fixed in", "Summary"):
        table.add_column(column, overflow="fold")
    for finding in findings:  # already most severe first
        component = finding.component
        version = (component.version or "?") if component else ""
        if finding.version_unknown:
            version += " (unknown)"
        severity = finding.severity.name + ("\nBLOCKS" if finding in blocking else "")
        table.add_row(
            severity,
            escape("\n".join((finding.id, *finding.aliases[:3]))),
            escape(_place(finding)),
            escape(version),
            escape(fixed_in(finding) or "-"),
            escape(_summary(finding)),
            style=_STYLE[finding.severity],
        )
    return table


def _place(finding: Finding) -> str:
    """The package, and where it was found; or the file and lines."""
    component = finding.component
    if component is None:
        return where(finding)
    location = component.location
    return f"{component.name}\n{location.path}" if location else component.name


def _summary(finding: Finding) -> str:
    """The summary, with the analyzer's name, the redacted excerpt and where it came from."""
    text = f"[{finding.tool}] {finding.summary}" if finding.tool else finding.summary
    text = text[:90]
    if finding.preview:
        text += f"\n{finding.preview[:100]}"
    if finding.introduced is not None:
        commit = finding.introduced
        state = "still at HEAD" if finding.present_at_head else "not at HEAD"
        text += f"\nintroduced {commit.id[:12]} by {commit.author} on {commit.date[:10]} ({state})"
    return text
