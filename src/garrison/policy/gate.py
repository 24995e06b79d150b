"""The gate (pure): a ScanResult and a Policy -> the Verdict, and the result with licence
findings added and skipped checks' findings removed.

Each finding is set aside by the first that claims it: an unexpired exception, a VEX
statement, the baseline, an inline `garrison:ignore` comment (unless strict_suppressions);
otherwise the per-scanner `fail_on` rule says whether it blocks.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date

from garrison.fingerprints import PREFIX
from garrison.model import Finding, ScanResult
from garrison.policy import exceptions as exc_rules
from garrison.policy.baseline import (
    baseline_suppression,
    fingerprints_of,
    stale_baseline_notice,
)
from garrison.policy.licenses import license_findings
from garrison.policy.model import (
    Baseline,
    Confidence,
    FailRules,
    Policy,
    UnknownLicense,
    VexDocument,
)
from garrison.policy.verdict import Notice, NoticeKind, SuppressedBy, Suppression, Verdict
from garrison.policy.vex import VexMatcher

TagsOf = Callable[[str], frozenset[str]]
LICENSE_UNKNOWN = "GAR-LIC-UNKNOWN"


def evaluate(
    result: ScanResult,
    policy: Policy | None,
    *,
    today: date,
    baseline: Baseline | None = None,
    vex: Sequence[VexDocument] = (),
    check_tags: Mapping[str, Collection[str]] | None = None,
) -> tuple[ScanResult, Verdict]:
    """Apply the policy (None: the default policy). `check_tags` maps misconfiguration check
    ids to their framework tags, for `enforce`/`skip` by tag (default: the built-in checks)."""
    policy = policy or Policy()
    tags_of = _tags_lookup(check_tags)
    kept, skipped = _without_skipped(result.findings, policy.fail_on, tags_of)
    found, licence_notices = _licences(result, policy)
    result = dataclasses.replace(result, findings=tuple(kept + found))
    sorter = _Sorter(policy, today, baseline, vex, result.findings)
    blocking = tuple(
        finding
        for index, finding in enumerate(result.findings)
        if sorter.counts(index, finding) and blocks(finding, policy, tags_of)
    )
    notices = exc_rules.expiry_notices(policy, today) + sorter.stale_notices() + licence_notices
    if skipped:
        message = f"{skipped} finding(s) of skipped checks (fail_on.misconfiguration.skip)"
        notices.append(Notice(NoticeKind.INFO, message + " not reported", policy.source))
    reason = _reason(policy, blocking)
    verdict = Verdict(not blocking, reason, blocking, tuple(sorter.suppressed), tuple(notices))
    return result, verdict


def _licences(result: ScanResult, policy: Policy) -> tuple[list[Finding], list[Notice]]:
    if policy.licenses is None:
        return [], []
    return license_findings(result.components, policy.licenses, policy.fail_on.license)


def blocks(finding: Finding, policy: Policy, tags_of: TagsOf) -> bool:
    """Does this (not suppressed) finding block under the policy's fail_on rules?"""
    rules = policy.fail_on
    if finding.kind == "vulnerability":
        rule = rules.vulnerability
        if rule.fixable_only and not finding.fixed_versions:
            return False
        if rule.ignore_unknown_versions and finding.version_unknown:
            return False
        return finding.severity >= rule.severity
    if finding.kind == "misconfiguration":
        enforced = _named(finding.id, rules.misconfiguration.enforce, tags_of)
        return enforced or finding.severity >= rules.misconfiguration.severity
    if finding.kind == "secret":
        return rules.secret.any or finding.severity >= rules.secret.severity
    if finding.kind == "sast":
        return finding.severity >= rules.sast.severity and _confident(finding, rules)
    if finding.kind == "license":
        return finding.id != LICENSE_UNKNOWN or _unknown_fails(policy)
    if finding.kind == "end-of-life" and rules.end_of_life.fail is not None:
        return rules.end_of_life.fail
    if finding.kind == "end-of-life":
        return finding.severity >= rules.end_of_life.severity
    return finding.severity >= rules.other


class _Sorter:
    """Decides, finding by finding, what sets it aside; remembers what matched what."""

    def __init__(
        self,
        policy: Policy,
        today: date,
        baseline: Baseline | None,
        vex: Sequence[VexDocument],
        findings: Sequence[Finding],
    ) -> None:
        self.policy, self.baseline = policy, baseline
        self.active = [e for e in policy.exceptions if not exc_rules.is_expired(e, today)]
        self.used: set[int] = set()
        self.vex = VexMatcher(vex)
        self.exceptions = exc_rules.ExceptionIndex(self.active)
        wants_prints = baseline is not None or any(
            e.ident.casefold().startswith(PREFIX) for e in self.active
        )
        self.prints: Mapping[int, str] = fingerprints_of(tuple(findings)) if wants_prints else {}
        self.allowed_inline = {name.casefold() for name in policy.allowed_inline}
        self.suppressed: list[Suppression] = []

    def counts(self, index: int, finding: Finding) -> bool:
        """False when something sets the finding aside (it is recorded as suppressed)."""
        found = self._suppression(index, finding)
        if found is not None:
            self.suppressed.append(found)
        return found is None

    def _suppression(self, index: int, finding: Finding) -> Suppression | None:
        fingerprint = self.prints.get(index)
        covering = self.exceptions.covering(finding, fingerprint)
        self.used.update(e.index for e in covering)
        if covering:
            return exc_rules.suppression(self.policy, covering[0], finding)
        by_vex = self.vex.suppression(finding)
        if by_vex is not None:
            return by_vex
        if self.baseline is not None and fingerprint in self.baseline.fingerprints:
            return baseline_suppression(self.baseline, finding)
        if finding.inline_ignore is not None and self._inline_allowed(finding):
            reason = finding.inline_ignore or "(no reason given)"
            return Suppression(finding, SuppressedBy.INLINE, _inline_ref(finding), reason)
        return None

    def _inline_allowed(self, finding: Finding) -> bool:
        if not self.policy.strict_suppressions:
            return True
        names = (finding.id, *finding.aliases)
        return any(name.casefold() in self.allowed_inline for name in names)

    def stale_notices(self) -> list[Notice]:
        notices = [
            exc_rules.stale_notice(self.policy, e) for e in self.active if e.index not in self.used
        ]
        if self.baseline is not None:
            stale = stale_baseline_notice(self.baseline, self.prints)
            notices += [stale] if stale is not None else []
        return notices


def _inline_ref(finding: Finding) -> str:
    where = finding.location
    if where is None:
        return "garrison:ignore comment"
    line = f":{where.line}" if where.line is not None else ""
    return f"garrison:ignore comment at {where.path}{line}"


def _without_skipped(
    findings: Iterable[Finding], rules: FailRules, tags_of: TagsOf
) -> tuple[list[Finding], int]:
    skip = rules.misconfiguration.skip
    kept: list[Finding] = []
    skipped = 0
    for finding in findings:
        if finding.kind == "misconfiguration" and _named(finding.id, skip, tags_of):
            skipped += 1
        else:
            kept.append(finding)
    return kept, skipped


def _named(check_id: str, names: frozenset[str], tags_of: TagsOf) -> bool:
    """Is the check named in `names`, by id or by one of its framework tags (any case)?"""
    if not names:
        return False
    wanted = _folded(names)
    return check_id.casefold() in wanted or not wanted.isdisjoint(tags_of(check_id))


@functools.lru_cache(maxsize=64)
def _folded(names: frozenset[str]) -> frozenset[str]:
    return frozenset(name.casefold() for name in names)


def _confident(finding: Finding, rules: FailRules) -> bool:
    """A SAST finding without a confidence counts as high (unknown is not safe)."""
    if finding.confidence is None:
        return True
    level = Confidence.__members__.get(finding.confidence.strip().upper(), Confidence.HIGH)
    return level >= rules.sast.min_confidence


def _unknown_fails(policy: Policy) -> bool:
    return policy.licenses is not None and policy.licenses.unknown is UnknownLicense.FAIL


def _tags_lookup(check_tags: Mapping[str, Collection[str]] | None) -> TagsOf:
    """check id -> its framework tags, case-folded (the built-in checks' unless given)."""

    @functools.cache
    def tags_of(check_id: str) -> frozenset[str]:
        tags = check_tags.get(check_id, ()) if check_tags is not None else _builtin_tags(check_id)
        return frozenset(tag.casefold() for tag in tags)

    return tags_of


def _builtin_tags(check_id: str) -> frozenset[str]:
    return _builtin_table().get(check_id, frozenset())


@functools.cache
def _builtin_table() -> dict[str, frozenset[str]]:
    from garrison.iac.registry import builtin_checks

    return {check.id: frozenset(check.frameworks) for check in builtin_checks()}


def _reason(policy: Policy, blocking: Sequence[Finding]) -> str:
    if policy.is_default:
        level = policy.fail_on.other.name
        if blocking:
            return f"{len(blocking)} finding(s) at {level} or above (default policy)"
        return f"no findings at {level} or above (default policy)"
    if not blocking:
        return f"no blocking findings (policy {policy.source})"
    kinds = Counter(f.kind for f in blocking)
    detail = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"{len(blocking)} blocking finding(s): {detail} (policy {policy.source})"
