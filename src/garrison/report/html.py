"""One self-contained HTML page: verdict, charts (inline SVG), every finding, the notices and
what was suppressed. No external scripts, styles or fonts; a few lines of inline script sort
the findings table. The Jinja2 template (templates/report.html.j2, package data) is rendered
with autoescaping on: text from scanned files cannot become markup.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from garrison.model import Finding, ScanResult, Severity
from garrison.policy import Suppression, Verdict
from garrison.report.common import (
    SEVERITIES,
    fixed_in,
    generation_time,
    kind_order,
    package_label,
    split,
    tool_version,
    where,
)
from garrison.report.html_charts import bar_chart
from garrison.report.rules import describe

if TYPE_CHECKING:
    import jinja2

NAME = "html"
TEMPLATE = "report.html.j2"
TOP_PACKAGES = 10
COLORS = {
    Severity.CRITICAL: "#8b1a1a",
    Severity.HIGH: "#d0342c",
    Severity.MEDIUM: "#e69b00",
    Severity.LOW: "#2f7fb5",
    Severity.UNKNOWN: "#8a8a8a",
}


def render(result: ScanResult, verdict: Verdict, now: datetime | None = None) -> str:
    parts = split(result, verdict)
    context = {
        "target": result.target,
        "version": tool_version(),
        "generated_at": (now or generation_time()).isoformat(timespec="seconds"),
        "passed": verdict.passed,
        "reason": verdict.reason,
        "components": len(result.components),
        "partial": result.partial,
        "blocking_count": sum(1 for f in parts.open if parts.is_blocking(f)),
        "charts": _charts(parts.open),
        "findings": [_row(f, parts.is_blocking(f)) for f in parts.open],
        "suppressed": [_suppressed(s) for s in parts.suppressed],
        "notices": [(n.kind.value, n.message, n.ref or "") for n in verdict.notices],
        "warnings": [_warning(w.source, w.line, w.message, w.gap.value) for w in result.warnings],
        "notes": list(result.notes),
        "colors": {s.name: c for s, c in COLORS.items()},
    }
    return _template().render(context)


@functools.cache
def _template() -> jinja2.Template:
    import jinja2  # loaded on first use: the CLI starts without it

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("garrison.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(TEMPLATE)


def _charts(findings: tuple[Finding, ...]) -> list[Any]:
    severities = Counter(f.severity for f in findings)
    kinds = Counter(f.kind for f in findings)
    packages = Counter(package_label(f.component) for f in findings if f.component is not None)
    top = sorted(packages.items(), key=lambda item: (-item[1], item[0]))[:TOP_PACKAGES]
    return [
        bar_chart("Findings by severity", [(s.name, severities[s], COLORS[s]) for s in SEVERITIES]),
        bar_chart("Findings by scanner",
                  [(k, kinds[k], None) for k in sorted(kinds, key=kind_order)]),
        bar_chart(f"Top {TOP_PACKAGES} packages by findings", [(n, c, None) for n, c in top]),
    ]  # fmt: skip


def _row(finding: Finding, blocking: bool) -> dict[str, Any]:
    component = finding.component
    return {
        "severity": finding.severity.name,
        "rank": int(finding.severity),
        "blocking": blocking,
        "kind": finding.kind,
        "id": finding.id,
        "aliases": ", ".join(finding.aliases),
        "help": describe(finding).help_uri or "",
        "package": package_label(component) if component else "",
        "where": where(finding),
        "fixed": fixed_in(finding),
        "summary": finding.summary,
        "preview": finding.preview or "",
        "tool": finding.tool or "",
    }


def _suppressed(suppression: Suppression) -> dict[str, Any]:
    row = _row(suppression.finding, False)
    row.update(by=suppression.by.value, ref=suppression.ref, reason=suppression.reason,
               owner=suppression.owner or "", expires=suppression.expires or "")  # fmt: skip
    return row


def _warning(source: str, line: int | None, message: str, gap: str) -> str:
    return f"{source}:{line}: {message} ({gap})" if line else f"{source}: {message} ({gap})"
