"""Run checks over Resources (pure): one Finding per resource, or per selected object,
where a check's `fail_if` holds, pointing at the deepest offending field; inline
`# garrison:ignore[ID,...] reason` comments (collected by the loaders into
`resource.context["ignores"]` as {line: [ids]}) suppress findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from garrison.iac.conditions import Condition, deepest
from garrison.iac.kinds import WORKLOAD_KINDS
from garrison.iac.model import DocPath, Resource, Span
from garrison.iac.paths import Path, resolve
from garrison.model import Finding, Gap, Location, ScanWarning, Severity

KIND = "misconfiguration"


@dataclass(frozen=True)
class Check:
    """One parsed check (see the check language in dsl.py and the registry's validation).

    `kinds` may hold "workload" (every kind with a pod spec) or "*" (every kind); `select`
    makes each object it reaches a separate subject; `origin` says where the check was
    defined ("builtin:kubernetes.yaml", a repository file, "plugin:NAME"); `tests` are the
    check's own unit tests as written; `raw` the check as written (for `checks show`).
    """

    id: str
    title: str
    severity: Severity
    source: str
    kinds: frozenset[str]
    fail_if: Condition
    description: str = ""
    remediation: str = ""
    select: Path | None = None
    references: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    equivalents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tests: tuple[Mapping[str, Any], ...] = ()
    origin: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)

    def applies_to(self, resource: Resource) -> bool:
        if resource.source != self.source:
            return False
        kinds = self.kinds
        return (
            "*" in kinds
            or resource.kind in kinds
            or ("workload" in kinds and resource.kind in WORKLOAD_KINDS)
        )


@dataclass(frozen=True)
class CheckRun:
    """Findings, the findings an ignore comment names (marked `inline_ignore`; the policy
    decides whether they count), and checks that crashed."""

    findings: tuple[Finding, ...]
    ignored: tuple[Finding, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()

    @property
    def suppressed(self) -> int:
        return len(self.ignored)


def run_checks(resources: Iterable[Resource], checks: Sequence[Check]) -> tuple[Finding, ...]:
    """The findings of every check on every resource it applies to (suppressions applied)."""
    return check_resources(resources, checks).findings


def check_resources(resources: Iterable[Resource], checks: Sequence[Check]) -> CheckRun:
    findings: list[Finding] = []
    ignored: list[Finding] = []
    warnings: list[ScanWarning] = []
    for resource in resources:
        for check in checks:
            if not check.applies_to(resource):
                continue
            try:
                spans = list(failures(check, resource))
            except Exception as exc:  # a Python check's bug must not end the scan
                warnings.append(_crashed(check, resource, exc))
                continue
            for span in spans:
                finding = _finding(check, resource, span)
                if is_suppressed(check.id, span, resource):
                    ignored.append(replace(finding, inline_ignore=""))
                else:
                    findings.append(finding)
    return CheckRun(tuple(findings), tuple(ignored), tuple(warnings))


def subjects(check: Check, resource: Resource) -> list[tuple[Any, DocPath]]:
    """What the check looks at: the resource, or each object its `select` reaches."""
    if check.select is None:
        return [(resource.doc, ())]
    return resolve(check.select, resource, resource.doc, ())


def failures(check: Check, resource: Resource) -> Iterable[Span]:
    """The span of each failing subject's deepest offending field."""
    for obj, obj_path in subjects(check, resource):
        hit = check.fail_if.evaluate(resource, obj, obj_path)
        if hit is not None:
            yield resource.span_of(deepest(hit) or obj_path)


def is_suppressed(check_id: str, span: Span, resource: Resource) -> bool:
    """An ignore comment on the offending line or the one above it, or on the resource's
    first line or the one above that, names the check."""
    ignores = resource.context.get("ignores")
    if not ignores:
        return False
    lines = {span.start, span.start - 1, resource.span.start, resource.span.start - 1}
    return any(check_id in ignores.get(line, ()) for line in lines)


def _finding(check: Check, resource: Resource, span: Span) -> Finding:
    return Finding(
        kind=KIND,
        id=check.id,
        summary=check.title,
        severity=check.severity,
        location=Location(resource.file, span.start, span.end),
        references=check.references,
    )


def _crashed(check: Check, resource: Resource, exc: Exception) -> ScanWarning:
    what = f"{resource.kind} {resource.name}".strip()
    message = f"line {resource.span.start}: check {check.id} failed on {what}: {exc!r}"
    return ScanWarning(resource.file, message, Gap.READER_FAILED, resource.span.start)


__all__ = ["KIND", "Check", "CheckRun", "check_resources", "run_checks"]
