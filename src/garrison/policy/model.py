"""The policy as values: what blocks per scanner, licences, exceptions; baselines and VEX.

`Policy()` (every field at its default) is the default policy: findings of severity HIGH or
above block, inline `garrison:ignore` comments set findings aside. A policy file that says
only `version: 1` is the same policy.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from garrison.model import Severity

DEFAULT_SEVERITY = Severity.HIGH
DEFAULT_WARNING_DAYS = 14
DEFAULT_SOURCE = "default policy"


@dataclass(frozen=True, slots=True)
class VulnerabilityRule:
    severity: Severity = DEFAULT_SEVERITY
    fixable_only: bool = False  # only findings with a fixed version block
    ignore_unknown_versions: bool = False  # version_unknown findings do not block


@dataclass(frozen=True, slots=True)
class MisconfigRule:
    severity: Severity = DEFAULT_SEVERITY
    enforce: frozenset[str] = frozenset()  # check ids or framework tags that always block
    skip: frozenset[str] = frozenset()  # check ids or framework tags not reported at all


@dataclass(frozen=True, slots=True)
class SecretRule:
    any: bool = False  # every secret blocks
    severity: Severity = DEFAULT_SEVERITY


class Confidence(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True, slots=True)
class SastRule:
    severity: Severity = DEFAULT_SEVERITY
    min_confidence: Confidence = Confidence.LOW


@dataclass(frozen=True, slots=True)
class EndOfLifeRule:
    fail: bool | None = None  # True: always blocks, False: never, None: severity decides
    severity: Severity = DEFAULT_SEVERITY


@dataclass(frozen=True, slots=True)
class FailRules:
    """`fail_on`: when a finding of each scanner blocks. `license` is the severity given to
    denied and not-allowed licence findings (which always block)."""

    vulnerability: VulnerabilityRule = VulnerabilityRule()
    misconfiguration: MisconfigRule = MisconfigRule()
    secret: SecretRule = SecretRule()
    sast: SastRule = SastRule()
    license: Severity = DEFAULT_SEVERITY
    end_of_life: EndOfLifeRule = EndOfLifeRule()
    other: Severity = DEFAULT_SEVERITY  # kinds the policy file has no key for


class UnknownLicense(enum.StrEnum):
    WARN = "warn"  # a notice
    FAIL = "fail"  # a blocking GAR-LIC-UNKNOWN finding


@dataclass(frozen=True, slots=True)
class LicensePolicy:
    """`licenses`: normalised SPDX terms ("MIT", "GPL-2.0-only WITH Classpath-exception-2.0")
    and whole expressions (rendered by license-expression) that are allowed or denied."""

    allowed: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()
    unknown: UnknownLicense = UnknownLicense.WARN

    @property
    def has_allowlist(self) -> bool:
        return bool(self.allowed)


@dataclass(frozen=True, slots=True)
class PolicyException:
    """One `exceptions` entry. `ident` is the id (or rule) it covers; `path` and `purl` are
    globs narrowing it; `index` and `line` locate it in the policy file."""

    ident: str
    reason: str
    owner: str
    expires: date
    index: int
    line: int
    path: str | None = None
    purl: str | None = None
    path_regex: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class FreshnessPolicy:
    """The team's freshness limits for the monitoring server; None: keep the server's."""

    max_image_age: timedelta | None = None
    max_base_age: timedelta | None = None
    max_uptime: timedelta | None = None
    behind_golden: bool | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    fail_on: FailRules = FailRules()
    licenses: LicensePolicy | None = None  # None: licences are not checked
    exceptions: tuple[PolicyException, ...] = ()
    exception_warning_days: int = DEFAULT_WARNING_DAYS
    strict_suppressions: bool = False
    allowed_inline: frozenset[str] = frozenset()
    freshness: FreshnessPolicy = FreshnessPolicy()  # used by `garrison serve`, not by scans
    source: str = DEFAULT_SOURCE  # the policy file, as given

    @property
    def is_default(self) -> bool:
        return self.source == DEFAULT_SOURCE


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    id: str
    kind: str
    path: str | None


@dataclass(frozen=True, slots=True)
class Baseline:
    """Findings accepted as they were on `created`: suppressed while their fingerprint stays."""

    source: str  # the baseline file, as given
    target: str
    created: str
    entries: tuple[BaselineEntry, ...] = ()
    fingerprints: frozenset[str] = field(default=frozenset())


class VexStatus(enum.StrEnum):
    NOT_AFFECTED = "not_affected"
    AFFECTED = "affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"
    FALSE_POSITIVE = "false_positive"  # CycloneDX only; suppresses like not_affected


SUPPRESSING = frozenset({VexStatus.NOT_AFFECTED, VexStatus.FALSE_POSITIVE})


@dataclass(frozen=True, slots=True)
class VexStatement:
    """One statement: vulnerability ids (name, aliases), the products it is about (purls or
    bom-refs), its status and the justification the team gave."""

    index: int
    ref: str  # the statement's @id / bom-ref, else the vulnerability name
    vulnerabilities: frozenset[str]
    products: tuple[str, ...]
    status: VexStatus
    justification: str

    @property
    def suppresses(self) -> bool:
        return self.status in SUPPRESSING


@dataclass(frozen=True, slots=True)
class VexDocument:
    source: str  # the file, as given
    format: str  # "openvex" or "cyclonedx"
    statements: tuple[VexStatement, ...] = ()
