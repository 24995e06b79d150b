"""What every report format shares: the generation time, the tool version, which findings
are open, blocking or suppressed, their order, and how a place or package is named."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import garrison
from garrison.errors import ConfigError
from garrison.model import Component, Finding, ScanResult, Severity
from garrison.policy import Suppression, Verdict

# Scanner kinds in the order reports list them; unknown kinds follow, by name.
KINDS = ("vulnerability", "end-of-life", "license", "misconfiguration", "secret", "sast")
SEVERITIES = tuple(sorted(Severity, reverse=True))  # CRITICAL first


def tool_version() -> str:
    """garrison's version, read at call time (tests pin it)."""
    return garrison.__version__


def generation_time(env: Mapping[str, str] | None = None) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible output: same input, same bytes), else now;
    in UTC, whole seconds."""
    value = (env if env is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not value.isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH: {value!r} is not a number of seconds")
    return datetime.fromtimestamp(int(value), UTC)


@dataclass(frozen=True, slots=True)
class Split:
    """The findings of one scan as the gate left them: `open` (reported, counted; most
    severe first), which of them are `blocking`, and the `suppressed` ones (same order)."""

    open: tuple[Finding, ...]
    blocking: frozenset[Finding]
    suppressed: tuple[Suppression, ...]

    def is_blocking(self, finding: Finding) -> bool:
        return finding in self.blocking


def split(result: ScanResult, verdict: Verdict) -> Split:
    """Open findings are the result's findings that no suppression names (a suppressed
    finding may or may not still be in `result.findings`), plus any blocking finding the
    result lacks."""
    suppressed = {s.finding for s in verdict.suppressed}
    open_findings = [f for f in result.findings if f not in suppressed]
    present = set(open_findings)
    open_findings += [f for f in verdict.blocking if f not in present and f not in suppressed]
    return Split(
        tuple(sorted(open_findings, key=order_key)),
        frozenset(verdict.blocking),
        tuple(sorted(verdict.suppressed, key=lambda s: order_key(s.finding))),
    )


def kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind), "") if kind in KINDS else (len(KINDS), kind)


def order_key(finding: Finding) -> tuple[Any, ...]:
    """Most severe first, then by id, package, file and position: a total, stable order."""
    component, location = finding.component, finding.location
    return (
        -finding.severity,
        finding.id,
        component.name if component else "",
        (component.version or "") if component else "",
        location.path if location else "",
        (location.line or 0) if location else 0,
        (location.column or 0) if location else 0,
        finding.kind,
        finding.summary,
    )


def where(finding: Finding) -> str:
    """path[:line[:column]] or path:line-end of a finding; the package's file when the
    finding has no location of its own; "" when nothing is known."""
    location = finding.location
    if location is None and finding.component is not None:
        location = finding.component.location
    if location is None:
        return ""
    if location.line is None:
        return location.path
    end = location.end_line
    if end and end != location.line:
        return f"{location.path}:{location.line}-{end}"
    column = f":{location.column}" if location.column else ""
    return f"{location.path}:{location.line}{column}"


def package_label(component: Component) -> str:
    return f"{component.name}@{component.version or '?'}"


def fixed_in(finding: Finding) -> str:
    return ", ".join(finding.fixed_versions)


def counts_by(findings: tuple[Finding, ...]) -> dict[str, dict[Severity, int]]:
    """kind -> severity -> number of findings, kinds in report order."""
    table: dict[str, dict[Severity, int]] = {}
    for finding in sorted(findings, key=lambda f: kind_order(f.kind)):
        row = table.setdefault(finding.kind, dict.fromkeys(SEVERITIES, 0))
        row[finding.severity] += 1
    return table
