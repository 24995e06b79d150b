"""Hits -> Findings, the same way for every analyzer (pure).

Keeps one hit per tool, rule and place (the same Bandit issue may come from Bandit and
from a Bandit SARIF file), sets apart and marks (`inline_ignore`) the hits an inline
`garrison:ignore` names — the policy decides whether they count — and gives each hit its
fingerprint (see fingerprint.py): the tool's own stable key, else its snippet, else the
source line, else (no source at hand) the line number. Bandit's hardcoded-password texts
quote the password: their summaries are cut before it, whichever way they came.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from garrison.model import Finding, Location
from garrison.sast.base import Hit
from garrison.sast.fingerprint import code_key, fingerprint
from garrison.sast.ignore import is_ignored

LinesOf = Callable[[str], Sequence[str] | None]
PASSWORD_RULES = frozenset({("bandit", "B105"), ("bandit", "B106"), ("bandit", "B107")})


def to_findings(
    hits: Iterable[Hit], lines_of: LinesOf
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """The findings in (path, line, column, tool, rule) order, and apart those an inline
    comment names (marked `inline_ignore=""`, not dropped: the policy decides)."""
    unique: dict[tuple[str, str, Location | str], Hit] = {}
    for hit in hits:
        unique.setdefault((hit.tool, hit.rule_id, hit.location or hit.summary), hit)
    ordered = sorted(unique.values(), key=_order)
    seen: Counter[tuple[str, str, str, str]] = Counter()
    findings: list[Finding] = []
    ignored: list[Finding] = []
    for hit in ordered:
        path = hit.location.path if hit.location else ""
        key = (hit.tool, hit.rule_id, path, _key(hit, lines_of))
        finding = _finding(hit, fingerprint(*key, occurrence=seen[key]))
        seen[key] += 1
        if _ignored(hit, lines_of):
            ignored.append(replace(finding, inline_ignore=""))
        else:
            findings.append(finding)
    return tuple(findings), tuple(ignored)


def _order(hit: Hit) -> tuple[str, int, int, str, str]:
    where = hit.location
    if where is None:
        return ("", 0, 0, hit.tool, hit.rule_id)
    return (where.path, where.line or 0, where.column or 0, hit.tool, hit.rule_id)


def _ignored(hit: Hit, lines_of: LinesOf) -> bool:
    if hit.location is None or hit.location.line is None:
        return False
    lines = lines_of(hit.location.path)
    if lines is None and hit.snippet:  # no source at hand: the tool's copy of the line
        return is_ignored(hit.snippet.splitlines()[:1], 1, hit.rule_id)
    return lines is not None and is_ignored(lines, hit.location.line, hit.rule_id)


def _key(hit: Hit, lines_of: LinesOf) -> str:
    if hit.identity is not None:
        return hit.identity
    if hit.snippet is not None and hit.snippet.strip():
        return code_key(next(line for line in hit.snippet.splitlines() if line.strip()))
    where = hit.location
    if where is None or where.line is None:
        return "none"
    lines = lines_of(where.path)
    if lines is not None and where.line <= len(lines):
        return code_key(lines[where.line - 1])
    return f"line:{where.line}"


def _finding(hit: Hit, print_: str) -> Finding:
    return Finding(
        kind="sast",
        id=hit.rule_id,
        summary=safe_summary(hit.tool, hit.rule_id, hit.summary),
        severity=hit.severity,
        location=hit.location,
        aliases=hit.aliases,
        references=hit.references,
        fingerprint=print_,
        tool=hit.tool,
        confidence=hit.confidence,
    )


def safe_summary(tool: str, rule_id: str, summary: str) -> str:
    """A summary that cannot hold the secret a rule quotes ("Possible hardcoded password: 'x'")."""
    if (tool, rule_id) in PASSWORD_RULES:
        return summary.partition(":")[0].strip() + " (value not shown)"
    return summary


def ignored_note(label: str, ignored: int) -> tuple[str, ...]:
    """The note saying how many findings inline comments ignored (none: no note)."""
    if not ignored:
        return ()
    return (f"{label}: {ignored} finding{'s' if ignored > 1 else ''} ignored inline"
            " (garrison:ignore)",)  # fmt: skip
