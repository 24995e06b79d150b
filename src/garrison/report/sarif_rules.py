"""The `rules` of a SARIF run: one reportingDescriptor per finding id (pure).

Help text comes from report.rules (one place for every format). `security-severity` and the
levels follow GitHub code scanning, which ranks alerts by `properties.security-severity` (a
CVSS-like score as a string: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low):
the finding's CVSS score when known, else a score in the middle of its severity's band.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from garrison.model import Finding, Severity
from garrison.report.common import order_key
from garrison.report.markdown_text import escape
from garrison.report.rules import RuleText, describe

MAX_TAGS = 20  # GitHub's limit of tags a rule
# `security-severity` when no CVSS score is known, as GitHub code scanning reads it (its bands:
# >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low): a score inside each band.
SECURITY_SEVERITY = {
    Severity.CRITICAL: 9.5,
    Severity.HIGH: 8.0,
    Severity.MEDIUM: 5.5,
    Severity.LOW: 2.0,
    Severity.UNKNOWN: 0.0,
}
_PRECISION = {"high": "high", "medium": "medium", "low": "low"}
_EXACT_KINDS = frozenset({"misconfiguration", "end-of-life", "license"})


def rules_of(findings: Sequence[Finding]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rules, sorted by id, and each id's index among them."""
    by_id: dict[str, list[Finding]] = {}
    for finding in findings:
        by_id.setdefault(finding.id, []).append(finding)
    ids = sorted(by_id)
    rules = [_rule(sorted(by_id[ident], key=order_key)) for ident in ids]
    return rules, {ident: index for index, ident in enumerate(ids)}


def default_level(severity: Severity) -> str:
    if severity >= Severity.HIGH:
        return "error"
    return "warning" if severity is Severity.MEDIUM else "note"


def security_severity(findings: Sequence[Finding]) -> str:
    """The highest CVSS score among the findings, else the score of the worst severity."""
    scores = [f.cvss_score for f in findings if f.cvss_score is not None]
    if scores:
        return f"{max(scores):.1f}"
    return f"{SECURITY_SEVERITY[max(f.severity for f in findings)]:.1f}"


def precision(finding: Finding, findings: Sequence[Finding]) -> str:
    """How sure the rule is: exact checks very high, version matches high (low when no
    version could be compared), analyzers as confident as they say."""
    if finding.kind in _EXACT_KINDS:
        return "very-high"
    if finding.kind == "vulnerability":
        return "low" if all(f.version_unknown for f in findings) else "high"
    default = "high" if finding.kind == "secret" else "medium"
    return _PRECISION.get(finding.confidence or "", default)


def _rule(findings: list[Finding]) -> dict[str, Any]:
    first = findings[0]
    text = describe(first)
    worst = max(f.severity for f in findings)
    rule: dict[str, Any] = {
        "id": first.id,
        "shortDescription": {"text": text.title},
        "fullDescription": {"text": text.description},
        "help": {"text": _help_text(text, findings), "markdown": _help_markdown(text, findings)},
    }
    if text.help_uri:
        rule["helpUri"] = text.help_uri
    rule["defaultConfiguration"] = {"level": default_level(worst)}
    rule["properties"] = {
        "security-severity": security_severity(findings),
        "tags": list(text.tags[:MAX_TAGS]),
        "precision": precision(first, findings),
    }
    return rule


def _fixes(findings: list[Finding]) -> list[str]:
    """One line "ecosystem name version: fixed versions" per affected package."""
    lines: list[str] = []
    for finding in findings:
        component = finding.component
        if finding.kind != "vulnerability" or component is None:
            continue
        fixed = ", ".join(finding.fixed_versions) or "no fixed version known"
        line = f"{component.ecosystem} {component.name} {component.version or '?'}: {fixed}"
        if line not in lines:
            lines.append(line)
    return lines


def _help_text(text: RuleText, findings: list[Finding]) -> str:
    parts = [text.description, f"Remediation: {text.remediation}"]
    fixes = _fixes(findings)
    if fixes:
        parts.append("Fixed versions:\n" + "\n".join(f"- {line}" for line in fixes))
    if text.references:
        parts.append("References:\n" + "\n".join(f"- {ref}" for ref in text.references))
    return "\n\n".join(parts)


def _help_markdown(text: RuleText, findings: list[Finding]) -> str:
    parts = [escape(text.description), f"**Remediation:** {escape(text.remediation)}"]
    fixes = _fixes(findings)
    if fixes:
        parts.append("**Fixed versions:**\n\n" + "\n".join(f"- {escape(f)}" for f in fixes))
    if text.references:
        links = "\n".join(
            f"- <{ref}>" if _is_url(ref) else f"- {escape(ref)}" for ref in text.references
        )
        parts.append("**References:**\n\n" + links)
    return "\n\n".join(parts)


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://")) and not any(c in text for c in "<> \n")
