"""The pass/block decision: the policy file (`garrison.yaml`), its exceptions, licences,
baselines and VEX statements, applied by `evaluate`. `default_gate` is the default policy
alone (HIGH or CRITICAL blocks) for callers that have no policy."""

from __future__ import annotations

from collections.abc import Iterable

from garrison.model import Finding, Severity
from garrison.policy.baseline import load_baseline, write_baseline
from garrison.policy.document import find_policy, load_policy, parse_policy
from garrison.policy.gate import evaluate
from garrison.policy.model import Baseline, Policy, VexDocument
from garrison.policy.verdict import Notice, NoticeKind, SuppressedBy, Suppression, Verdict
from garrison.policy.vex import load_vex

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
    "Baseline",
    "Notice",
    "NoticeKind",
    "Policy",
    "SuppressedBy",
    "Suppression",
    "Verdict",
    "VexDocument",
    "default_gate",
    "evaluate",
    "find_policy",
    "load_baseline",
    "load_policy",
    "load_vex",
    "parse_policy",
    "write_baseline",
]
