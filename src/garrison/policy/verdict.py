"""What the policy gate decides: pass or block, why, and what it set aside.

Every report renders a `Verdict` next to the `ScanResult`: the blocking findings, the findings
an exception, a VEX statement, a baseline or an inline comment suppressed (and which one), and
the notices the team must see (exceptions expired, expiring soon, or matching nothing).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from garrison.model import Finding


class SuppressedBy(enum.StrEnum):
    EXCEPTION = "exception"  # an entry of the policy file's `exceptions`
    VEX = "vex"  # an OpenVEX or CycloneDX VEX statement (not_affected)
    BASELINE = "baseline"  # the finding's fingerprint is in the baseline file
    INLINE = "inline"  # a `garrison:ignore[...]` comment (counted only if the policy allows)


@dataclass(frozen=True, slots=True)
class Suppression:
    """One finding set aside, and by what: `ref` names the exception id, VEX statement
    (document and vulnerability), or baseline file; `reason` is the team's justification."""

    finding: Finding
    by: SuppressedBy
    ref: str
    reason: str
    owner: str | None = None
    expires: str | None = None  # ISO date, for exceptions


class NoticeKind(enum.StrEnum):
    EXPIRED = "expired"  # an exception past its date: it no longer applies
    EXPIRING = "expiring"  # an exception that expires within the warning window
    STALE = "stale"  # an exception or baseline entry that matches no finding
    UNKNOWN_LICENSE = "unknown-license"  # a component whose licence cannot be evaluated
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the policy wants people to see in every report, e.g. a debt coming due."""

    kind: NoticeKind
    message: str
    ref: str | None = None  # the exception id or file the notice is about


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    reason: str
    blocking: tuple[Finding, ...] = ()
    suppressed: tuple[Suppression, ...] = ()
    notices: tuple[Notice, ...] = ()
