"""The pass/block decision. For now only the default policy: block on HIGH or CRITICAL."""

from __future__ import annotations

from collections.abc import Iterable

from garrison.model import Finding, Severity
from garrison.policy.verdict import Notice, NoticeKind, SuppressedBy, Suppression, Verdict

DEFAULT_FAIL_AT = Severity.HIGH


def default_gate(findings: Iterable[Finding], fail_at: Severity = DEFAULT_FAIL_AT) -> Verdict:
    """Block when any finding is at or above `fail_at`."""
    blocking = tuple(f for f in findings if f.severity >= fail_at)
    if blocking:
        return Verdict(
            False,
            f"{len(blocking)} finding(s) at {fail_at.name} or above (default policy)",
            blocking,
        )
    return Verdict(True, f"no findings at {fail_at.name} or above (default policy)")


__all__ = [
    "DEFAULT_FAIL_AT",
    "Notice",
    "NoticeKind",
    "SuppressedBy",
    "Suppression",
    "Verdict",
    "default_gate",
]
