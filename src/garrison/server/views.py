"""Read queries over findings, issues and freshness, scoped to a team (the API and the UI
use them). Every list is one page plus the total that match."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from garrison.server.config import ServerSettings
from garrison.server.db.models import (
    Artifact,
    Component,
    Deployment,
    Finding,
    Issue,
    IssueFinding,
    Team,
)
from garrison.server.freshness import stale_findings
from garrison.server.index import all_live, chunks
from garrison.server.staleness import FreshnessView, freshness_views


@dataclass(frozen=True, slots=True)
class FindingFilter:
    team_scope: int | None  # the caller's team (None: every team)
    team: str | None = None
    state: str | None = None
    kind: str | None = None
    severity: str | None = None
    artifact: str | None = None  # artifact key


@dataclass(frozen=True, slots=True)
class FindingRow:
    finding: Finding
    artifact: Artifact
    team: str | None
    component: Component | None


if TYPE_CHECKING:
    _FindingSelect = Select[Finding, Artifact, str, Component]


def finding_query() -> _FindingSelect:
    query: _FindingSelect = (
        select(Finding, Artifact, Team.name, Component)
        .join(Artifact, Artifact.id == Finding.artifact_id)
        .outerjoin(Team, Team.id == Artifact.team_id)
        .outerjoin(Component, Component.id == Finding.component_id)
    )
    return query


def _finding_where(query: _FindingSelect, wanted: FindingFilter) -> _FindingSelect:
    conditions = []
    if wanted.team_scope is not None:
        conditions.append(Artifact.team_id == wanted.team_scope)
    if wanted.team is not None:
        conditions.append(Team.name == wanted.team)
    pairs = (
        (Finding.state, wanted.state),
        (Finding.kind, wanted.kind),
        (Finding.severity, wanted.severity),
        (Artifact.key, wanted.artifact),
    )
    for column, value in pairs:
        if value is not None:
            conditions.append(column == value)
    return query.where(*conditions)


def list_findings(
    session: Session, wanted: FindingFilter, limit: int, offset: int
) -> tuple[list[FindingRow], int]:
    """Newest first (last seen), then by id."""
    query = _finding_where(finding_query(), wanted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = (
        query.order_by(Finding.last_seen_at.desc(), Finding.id.desc()).limit(limit).offset(offset)
    )
    return [FindingRow(*row) for row in session.execute(page)], int(total)


def get_finding(session: Session, finding_id: int) -> FindingRow | None:
    row = session.execute(finding_query().where(Finding.id == finding_id)).first()
    return FindingRow(*row) if row is not None else None


@dataclass(frozen=True, slots=True)
class IssueRow:
    issue: Issue
    team: str | None
    finding_ids: tuple[int, ...]


def list_issues(
    session: Session,
    team_scope: int | None,
    team: str | None,
    state: str | None,
    limit: int,
    offset: int,
) -> tuple[list[IssueRow], int]:
    """Most recently updated first."""
    query = select(Issue, Team.name).outerjoin(Team, Team.id == Issue.team_id)
    if team_scope is not None:
        query = query.where(Issue.team_id == team_scope)
    if team is not None:
        query = query.where(Team.name == team)
    if state is not None:
        query = query.where(Issue.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = list(
        session.execute(
            query.order_by(Issue.updated_at.desc(), Issue.id.desc()).limit(limit).offset(offset)
        )
    )
    linked: dict[int, list[int]] = defaultdict(list)
    ids = [issue.id for issue, _ in page]
    if ids:
        links = select(IssueFinding.issue_id, IssueFinding.finding_id).where(
            IssueFinding.issue_id.in_(ids)
        )
        for issue_id, finding_id in session.execute(links.order_by(IssueFinding.finding_id)):
            linked[issue_id].append(finding_id)
    return [IssueRow(issue, name, tuple(linked[issue.id])) for issue, name in page], int(total)


@dataclass(frozen=True, slots=True)
class FreshnessItem:
    """One live artifact's freshness and, when it runs, one deployment's uptime."""

    view: FreshnessView
    artifact: Artifact
    deployment: Deployment | None
    stale: tuple[str, ...]  # the freshness rule ids it exceeds


def freshness_items(
    session: Session, settings: ServerSettings, team_scope: int | None, environment: str | None,
    now: datetime,
) -> list[FreshnessItem]:  # fmt: skip
    """Every deployment (of `environment`), then every live artifact no deployment runs."""
    query = select(Deployment).order_by(
        Deployment.environment, Deployment.cluster, Deployment.workload
    )
    if environment is not None:
        query = query.where(Deployment.environment == environment)
    deployments = list(session.scalars(query))
    ids = {d.artifact_id for d in deployments}
    if environment is None:
        ids |= all_live(session)
    artifacts = {
        a.id: a
        for batch in chunks(sorted(ids))
        for a in session.scalars(select(Artifact).where(Artifact.id.in_(batch)))
    }
    if team_scope is not None:
        artifacts = {i: a for i, a in artifacts.items() if a.team_id == team_scope}
    views = {
        v.artifact.id: v
        for batch in chunks(sorted(artifacts))
        for v in freshness_views(session, settings, batch, now)
    }
    items = [
        _item(views[d.artifact_id], artifacts[d.artifact_id], d)
        for d in deployments
        if d.artifact_id in artifacts
    ]
    running = {d.artifact_id for d in deployments}
    items += [_item(views[i], artifacts[i], None) for i in sorted(artifacts) if i not in running]
    return items


def _item(view: FreshnessView, artifact: Artifact, deployment: Deployment | None) -> FreshnessItem:
    mine = tuple(
        pair for pair in view.deployments if deployment is not None and pair[0].id == deployment.id
    )
    stale = tuple(f.rule.id for f in stale_findings(view.freshness, mine, view.limits))
    return FreshnessItem(view, artifact, deployment, stale)


def deployment_uptime(item: FreshnessItem) -> float | None:
    """The item's deployment uptime in seconds (None without a deployment)."""
    for times, fresh in item.view.deployments:
        if item.deployment is not None and times.id == item.deployment.id:
            return fresh.uptime.total_seconds()
    return None


def seconds(value: Any) -> float | None:
    return None if value is None else float(value.total_seconds())


__all__: Sequence[str] = (
    "FindingFilter", "FindingRow", "FreshnessItem", "IssueRow", "deployment_uptime",
    "freshness_items", "get_finding", "list_findings", "list_issues", "seconds",
)  # fmt: skip
