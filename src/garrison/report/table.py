"""A terminal table for people (rich)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from garrison.model import Finding, ScanResult, Severity
from garrison.policy import Verdict

NAME = "table"
_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.UNKNOWN: "dim",
}


def render(result: ScanResult, verdict: Verdict) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=False, no_color=True)
    table = Table(title=f"garrison: {result.target}", show_lines=False)
    for column in ("Severity", "ID", "Package or file", "Version", "Fixed in", "Summary"):
        table.add_column(column, overflow="fold")
    for finding in sorted(result.findings, key=lambda f: (-f.severity, f.id)):
        component = finding.component
        version = (component.version or "?") if component else ""
        if finding.version_unknown:
            version += " (unknown)"
        table.add_row(
            finding.severity.name,
            "\n".join((finding.id, *finding.aliases[:3])),
            escape(component.name if component else _where(finding)),
            version,
            ", ".join(finding.fixed_versions) or "-",
            escape(_summary(finding)),  # file text must never be read as rich markup
            style=_STYLE[finding.severity],
        )
    console.print(table)
    for warning in result.warnings:
        console.print(escape(f"warning: {warning.source}: {warning.message}"))
    for note in result.notes:
        console.print(escape(f"note: {note}"))
    partial = " (PARTIAL: see warnings)" if result.partial else ""
    console.print(
        f"{len(result.components)} components, {len(result.findings)} findings{partial}. "
        f"{'PASS' if verdict.passed else 'FAIL'}: {verdict.reason}"
    )
    return buffer.getvalue()


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


def _where(finding: Finding) -> str:
    """file:line[-end] of a finding that is not about a package."""
    location = finding.location
    if location is None:
        return ""
    if location.line is None:
        return location.path
    end = (
        f"-{location.end_line}" if location.end_line and location.end_line != location.line else ""
    )
    column = f":{location.column}" if location.column and not end else ""
    return f"{location.path}:{location.line}{column}{end}"
