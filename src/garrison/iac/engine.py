"""Run checks over Resources (pure): one Finding per resource, or per selected object,
where a check's `fail_if` holds, pointing at the deepest offending field; inline
`# garrison:ignore[ID,...] reason` comments (collected by the loaders into
`resource.context["ignores"]` as {line: [ids]}) suppress findings.

Two Terraform rules live here. A `data` source only looks up an object made elsewhere,
so checks of a resource type do not apply to the data source of that type; a check
reaches data sources through a `data.<type>` kind, or by naming a type that only exists
as a data source (`aws_iam_policy_document`). And blocks the loader could not tell exist
(`context["unknown_blocks"]`: a dynamic block whose `for_each` is unknown) make a check
fail only when it fails both with those blocks and without them: unknown is never a
finding.
"""

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
# Terraform types that exist only as data sources: checks naming them see data sources.
DATA_ONLY_KINDS = frozenset({"aws_iam_policy_document", "google_iam_policy"})


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
        if resource.context.get("mode") == "data":
            named = resource.kind in kinds and resource.kind in DATA_ONLY_KINDS
            return named or f"data.{resource.kind}" in kinds
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
        without = _Without(resource)
        for check in checks:
            if not check.applies_to(resource):
                continue
            try:
                spans = failures(check, resource, without)
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


def failures(check: Check, resource: Resource, without: _Without | None = None) -> list[Span]:
    """The span of each failing subject's deepest offending field. With unknown blocks, a
    subject fails only if it also fails in the resource without them."""
    found = _failing(check, resource)
    if found and resource.context.get("unknown_blocks"):
        alternative = (without or _Without(resource)).resource
        certain = {subject for subject, _ in _failing(check, alternative)}
        found = [(subject, where) for subject, where in found if subject in certain]
    return [resource.span_of(where) for _, where in found]


def _failing(check: Check, resource: Resource) -> list[tuple[DocPath, DocPath]]:
    """(subject path, deepest offending path) of each failing subject."""
    found = []
    for obj, obj_path in subjects(check, resource):
        hit = check.fail_if.evaluate(resource, obj, obj_path)
        if hit is not None:
            found.append((obj_path, deepest(hit) or obj_path))
    return found


class _Without:
    """A resource without its unknown blocks, built on first use: each such block is
    replaced by None (so the indexes of the others stay), and a block name left with no
    block is removed."""

    def __init__(self, resource: Resource) -> None:
        self.original = resource
        self._resource: Resource | None = None

    @property
    def resource(self) -> Resource:
        if self._resource is None:
            doc = self.original.doc
            for path in self.original.context.get("unknown_blocks") or ():
                doc = _drop(doc, tuple(path))
            self._resource = replace(self.original, doc=doc)
        return self._resource


def _drop(doc: Any, path: DocPath) -> Any:
    """A copy of `doc` with the list item at `path` set to None (a list left with only
    None is removed from its mapping); `doc` itself is unchanged."""
    if not path:
        return doc
    head, rest = path[0], path[1:]
    if isinstance(doc, dict) and isinstance(head, str) and head in doc:
        inner = _drop(doc[head], rest)
        copy = dict(doc)
        if isinstance(inner, list) and inner and all(item is None for item in inner):
            del copy[head]
        else:
            copy[head] = inner
        return copy
    if isinstance(doc, list) and isinstance(head, int) and 0 <= head < len(doc):
        copy_list = list(doc)
        copy_list[head] = None if not rest else _drop(doc[head], rest)
        return copy_list
    return doc


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
