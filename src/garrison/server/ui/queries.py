"""What the web UI's pages show, read from the database and scoped to the caller's team.

Lists of findings and issues and the freshness of artifacts come from the evaluation
modules (`views`, `staleness`); what only the UI needs (overview counts, the charts' series,
the artifact page, deployments with their freshness, the audit page) is queried here.
`scope` is the caller's team id (None: every team).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from garrison.model import Severity
from garrison.server import audit
from garrison.server.config import FreshnessLimits, ServerSettings
from garrison.server.db.models import (
    Artifact,
    AuditEntry,
    Component,
    Deployment,
    Finding,
    GoldenImageRow,
    Issue,
    Registry,
    Team,
)
from garrison.server.db.queries import (
    ArtifactFilter,
    ArtifactView,
    DeploymentFilter,
    components_of,
    get_artifact,
    list_artifacts,
    list_deployments,
)
from garrison.server.findings import ACTIVE
from garrison.server.freshness import stale_findings
from garrison.server.staleness import FreshnessView, freshness_views
from garrison.server.ui.charts import Point
from garrison.server.views import FindingFilter, FindingRow, list_findings

OPEN_STATES = tuple(sorted(state.value for state in ACTIVE))  # new, open, acknowledged
SEVERITY_ORDER = tuple(s.name for s in sorted(Severity, reverse=True))  # CRITICAL first
AGE_EDGES = ((7, "< 7 d"), (30, "7-30 d"), (90, "30-90 d"), (180, "90-180 d"),
             (365, "180-365 d"))  # fmt: skip
OLDEST, UNKNOWN_AGE = "> 1 y", "unknown"
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Overview:
    artifacts: int
    deployments: int
    open_findings: dict[str, int]  # severity name -> count, CRITICAL first
    open_issues: int


QueryT = TypeVar("QueryT", bound="Select[*tuple[Any, ...]]")


def _scoped(query: QueryT, scope: int | None) -> QueryT:
    return query if scope is None else query.where(Artifact.team_id == scope)


def overview(session: Session, scope: int | None) -> Overview:
    artifacts = session.scalar(_scoped(select(func.count()).select_from(Artifact), scope))
    deployments = session.scalar(
        _scoped(select(func.count()).select_from(Deployment).join(Artifact), scope)
    )
    by_severity: dict[str, int] = dict(
        session.execute(
            _scoped(
                select(Finding.severity, func.count())
                .join(Artifact, Artifact.id == Finding.artifact_id)
                .where(Finding.state.in_(OPEN_STATES))
                .group_by(Finding.severity),
                scope,
            )
        )
        .tuples()
        .all()
    )
    issues = select(func.count()).select_from(Issue).where(Issue.state == "open")
    if scope is not None:
        issues = issues.where(Issue.team_id == scope)
    counts = {name: int(by_severity.get(name, 0)) for name in SEVERITY_ORDER}
    return Overview(int(artifacts or 0), int(deployments or 0), counts,
                    int(session.scalar(issues) or 0))  # fmt: skip


def watched(session: Session) -> tuple[list[GoldenImageRow], list[Registry]]:
    """The golden images (current digest and build time) and the watched registries."""
    golden = session.scalars(select(GoldenImageRow).order_by(GoldenImageRow.name)).all()
    registries = session.scalars(select(Registry).order_by(Registry.url, Registry.repository))
    return list(golden), list(registries.all())


def open_findings_over_time(
    session: Session, scope: int | None, now: datetime, days: int = 30
) -> list[Point]:
    """Findings open at the same time of day on each of the last `days` days (now last):
    first seen by then and not resolved by then. Suppressed findings are left out (their
    history is not kept), so the last point is today's count of open findings."""
    instants = [now - DAY * (days - 1 - index) for index in range(days)]
    sums = [
        func.sum(case((and_(Finding.first_seen_at <= instant,
                            or_(Finding.resolved_at.is_(None), Finding.resolved_at > instant)),
                       1), else_=0))
        for instant in instants
    ]  # fmt: skip
    query = select(*sums).select_from(Finding).where(Finding.state != "suppressed")
    if scope is not None:
        query = query.join(Artifact, Artifact.id == Finding.artifact_id).where(
            Artifact.team_id == scope
        )
    counts = session.execute(query).one()
    return [
        Point(instant.date().isoformat(), int(count or 0))
        for instant, count in zip(instants, counts, strict=True)
    ]


def age_buckets(ages: Iterable[timedelta | None]) -> list[Point]:
    """How many of `ages` fall in each bucket (< 7 d ... > 1 y, then unknown) (pure)."""
    labels = [label for _, label in AGE_EDGES] + [OLDEST, UNKNOWN_AGE]
    counts = dict.fromkeys(labels, 0)
    for age in ages:
        if age is None:
            counts[UNKNOWN_AGE] += 1
            continue
        label = next((lb for limit, lb in AGE_EDGES if age < DAY * limit), OLDEST)
        counts[label] += 1
    return [Point(label, counts[label]) for label in labels]


def running_image_ages(session: Session, scope: int | None, now: datetime) -> list[Point]:
    """The image age (now - the artifact's created time) of every deployment, bucketed."""
    query = _scoped(select(Artifact.created_at).select_from(Deployment).join(Artifact), scope)
    created = session.scalars(query)
    return age_buckets(None if c is None else max(now - c, timedelta(0)) for c in created)


def visible_teams(session: Session, scope: int | None) -> list[str]:
    query = select(Team.name).order_by(Team.name)
    if scope is not None:
        query = query.where(Team.id == scope)
    return list(session.scalars(query))


def environments(session: Session, scope: int | None) -> list[str]:
    query = select(Deployment.environment).join(Artifact).distinct()
    return sorted(session.scalars(_scoped(query, scope)))


# --- artifacts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArtifactRow:
    view: ArtifactView
    open_findings: int
    freshness: FreshnessView | None


def _open_counts(session: Session, artifact_ids: Sequence[int]) -> dict[int, int]:
    if not artifact_ids:
        return {}
    rows = session.execute(
        select(Finding.artifact_id, func.count())
        .where(Finding.artifact_id.in_(artifact_ids), Finding.state.in_(OPEN_STATES))
        .group_by(Finding.artifact_id)
    )
    return {ident: int(count) for ident, count in rows}


def _freshness_by_id(
    session: Session, settings: ServerSettings, ids: Sequence[int], now: datetime
) -> dict[int, FreshnessView]:
    if not ids:
        return {}
    return {v.artifact.id: v for v in freshness_views(session, settings, ids, now)}


def artifact_rows(
    session: Session, settings: ServerSettings, wanted: ArtifactFilter, page: tuple[int, int],
    now: datetime,
) -> tuple[list[ArtifactRow], int]:  # fmt: skip
    """One page (limit, offset) of artifacts, newest upload first, and the total."""
    views, total = list_artifacts(session, wanted, *page)
    ids = [v.artifact.id for v in views]
    counts = _open_counts(session, ids)
    fresh = _freshness_by_id(session, settings, ids, now)
    rows = [ArtifactRow(v, counts.get(v.artifact.id, 0), fresh.get(v.artifact.id)) for v in views]
    return rows, total


@dataclass(frozen=True, slots=True)
class ArtifactDetail:
    view: ArtifactView
    components: list[Component]
    findings: list[FindingRow]
    findings_total: int
    freshness: FreshnessView | None


def artifact_detail(
    session: Session, settings: ServerSettings, artifact_id: int, scope: int | None,
    now: datetime, limit: int = 500,
) -> ArtifactDetail | None:  # fmt: skip
    """The artifact with its components and findings (the first `limit` of each); None when
    it does not exist or belongs to a team the caller cannot see."""
    view = get_artifact(session, artifact_id)
    if view is None or (scope is not None and view.artifact.team_id != scope):
        return None
    key = view.artifact.key
    findings, total = list_findings(session, FindingFilter(scope, artifact=key), limit, 0)
    fresh = _freshness_by_id(session, settings, [artifact_id], now).get(artifact_id)
    components = components_of(session, artifact_id)[:limit]
    return ArtifactDetail(view, components, findings, total, fresh)


# --- deployments ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeploymentRow:
    deployment: Deployment
    artifact: Artifact
    team: str | None
    image_age: timedelta | None
    uptime: timedelta | None
    behind_golden: bool | None
    limits: FreshnessLimits
    stale: tuple[str, ...]  # freshness rule ids this deployment's artifact exceeds


def deployment_rows(
    session: Session, settings: ServerSettings, wanted: DeploymentFilter, page: tuple[int, int],
    now: datetime,
) -> tuple[list[DeploymentRow], int]:  # fmt: skip
    views, total = list_deployments(session, wanted, *page)
    fresh = _freshness_by_id(session, settings, sorted({v.artifact.id for v in views}), now)
    rows = []
    for item in views:
        view = fresh[item.artifact.id]
        mine = tuple(p for p in view.deployments if p[0].id == item.deployment.id)
        stale = tuple(s.rule.id for s in stale_findings(view.freshness, mine, view.limits))
        rows.append(
            DeploymentRow(
                item.deployment, item.artifact, item.team, view.freshness.image_age,
                mine[0][1].uptime if mine else None, view.freshness.behind_golden,
                view.limits, stale,
            )
        )  # fmt: skip
    return rows, total


# --- the audit log --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    verification: audit.Verification


def audit_page(session: Session, limit: int, offset: int) -> AuditPage:
    """A page of the audit log (newest first) and the verification of the whole chain."""
    total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    entries = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    )
    return AuditPage(list(entries), int(total), audit.verify(session))
