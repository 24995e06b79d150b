"""Request and response bodies of the evaluation API (api/evaluation.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from garrison.server import views


class SyncOut(BaseModel):
    changed_advisories: int
    findings_created: int
    findings_changed: int
    issues_opened: int
    issues_updated: int
    issues_closed: int
    deliveries: int
    seconds: float
    problems: list[str]


class FindingOut(BaseModel):
    id: int
    artifact_id: int
    artifact: str
    artifact_name: str
    artifact_version: str | None
    team: str | None
    package: str | None
    version: str | None
    kind: str
    rule_id: str
    severity: str
    summary: str
    fixed_versions: list[str]
    state: str
    state_reason: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: views.FindingRow) -> FindingOut:
        f, a, c = row.finding, row.artifact, row.component
        return cls(
            id=f.id, artifact_id=a.id, artifact=a.key, artifact_name=a.name,
            artifact_version=a.version, team=row.team,
            package=f"{c.ecosystem}:{c.name}" if c is not None else None,
            version=c.version if c is not None else None, kind=f.kind, rule_id=f.rule_id,
            severity=f.severity, summary=f.summary, fixed_versions=list(f.fixed_versions or ()),
            state=f.state, state_reason=f.state_reason, first_seen_at=f.first_seen_at,
            last_seen_at=f.last_seen_at, resolved_at=f.resolved_at,
        )  # fmt: skip


class FindingList(BaseModel):
    items: list[FindingOut]
    total: int


class AcknowledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000, pattern=r"\S")


class IssueOut(BaseModel):
    id: int
    team: str | None
    artifact_name: str
    package: str
    state: str
    title: str
    body: str
    severity: str
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    dedupe_key: str
    findings: list[int]

    @classmethod
    def of(cls, r: views.IssueRow) -> IssueOut:
        i = r.issue
        return cls(
            id=i.id, team=r.team, artifact_name=i.artifact_name, package=i.package, state=i.state,
            title=i.title, body=i.body, severity=i.severity, opened_at=i.opened_at,
            updated_at=i.updated_at, closed_at=i.closed_at, dedupe_key=i.dedupe_key,
            findings=list(r.finding_ids),
        )  # fmt: skip


class IssueList(BaseModel):
    items: list[IssueOut]
    total: int


class GateOut(BaseModel):
    passed: bool
    reason: str
    artifact: str
    blocking: list[dict[str, Any]]
    suppressed: list[dict[str, Any]]
    notices: list[str]


class FreshnessOut(BaseModel):
    environment: str | None
    cluster: str | None
    workload: str | None
    artifact: str
    artifact_name: str
    artifact_version: str | None
    team: str | None
    image_age_seconds: float | None
    base_age_seconds: float | None
    behind_golden: bool | None
    golden_digest: str | None
    uptime_seconds: float | None
    stale: list[str]

    @classmethod
    def of(cls, item: views.FreshnessItem) -> FreshnessOut:
        d, fresh, a = item.deployment, item.view.freshness, item.artifact
        return cls(
            environment=d.environment if d else None, cluster=d.cluster if d else None,
            workload=d.workload if d else None, artifact=a.key, artifact_name=a.name,
            artifact_version=a.version, team=item.view.team,
            image_age_seconds=views.seconds(fresh.image_age),
            base_age_seconds=views.seconds(fresh.base_age), behind_golden=fresh.behind_golden,
            golden_digest=fresh.golden_digest, uptime_seconds=views.deployment_uptime(item),
            stale=list(item.stale),
        )  # fmt: skip


class FreshnessList(BaseModel):
    items: list[FreshnessOut]
