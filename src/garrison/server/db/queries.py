"""Read queries of the inventory API: artifacts and deployments, scoped to a team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from garrison.server.db.models import Artifact, Component, Deployment, Team


@dataclass(frozen=True, slots=True)
class ArtifactFilter:
    team_scope: int | None  # the caller's team (None: every team)
    team: str | None = None
    name: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class DeploymentFilter:
    team_scope: int | None
    team: str | None = None
    environment: str | None = None
    cluster: str | None = None


@dataclass(frozen=True, slots=True)
class ArtifactView:
    artifact: Artifact
    team: str | None
    components: int


@dataclass(frozen=True, slots=True)
class DeploymentView:
    deployment: Deployment
    artifact: Artifact
    team: str | None


def _artifact_where(query: Select[Artifact, str], wanted: ArtifactFilter) -> Select[Artifact, str]:
    if wanted.team_scope is not None:
        query = query.where(Artifact.team_id == wanted.team_scope)
    if wanted.team is not None:
        query = query.where(Team.name == wanted.team)
    if wanted.name is not None:
        query = query.where(Artifact.name == wanted.name)
    if wanted.key is not None:
        query = query.where(Artifact.key == wanted.key)
    return query


def list_artifacts(
    session: Session, wanted: ArtifactFilter, limit: int, offset: int
) -> tuple[list[ArtifactView], int]:
    """One page of artifacts (newest upload first) and the total that match."""
    base = select(Artifact, Team.name).outerjoin(Team, Team.id == Artifact.team_id)
    query = _artifact_where(base, wanted)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = session.execute(
        query.order_by(Artifact.uploaded_at.desc(), Artifact.id.desc()).limit(limit).offset(offset)
    ).all()
    counts = component_counts(session, [artifact.id for artifact, _ in page])
    return [ArtifactView(a, team, counts.get(a.id, 0)) for a, team in page], total


def get_artifact(session: Session, artifact_id: int) -> ArtifactView | None:
    found = session.execute(
        select(Artifact, Team.name)
        .outerjoin(Team, Team.id == Artifact.team_id)
        .where(Artifact.id == artifact_id)
    ).first()
    if found is None:
        return None
    artifact, team = found
    return ArtifactView(
        artifact, team, component_counts(session, [artifact.id]).get(artifact.id, 0)
    )


def artifact_by_key(session: Session, key: str) -> Artifact | None:
    return session.execute(select(Artifact).where(Artifact.key == key)).scalar_one_or_none()


def component_counts(session: Session, artifact_ids: Sequence[int]) -> dict[int, int]:
    if not artifact_ids:
        return {}
    rows = session.execute(
        select(Component.artifact_id, func.count())
        .where(Component.artifact_id.in_(artifact_ids))
        .group_by(Component.artifact_id)
    )
    return dict(rows.all())


def components_of(session: Session, artifact_id: int) -> list[Component]:
    query = (
        select(Component)
        .where(Component.artifact_id == artifact_id)
        .order_by(Component.ecosystem, Component.name_key, Component.version, Component.id)
    )
    return list(session.execute(query).scalars())


def list_deployments(
    session: Session, wanted: DeploymentFilter, limit: int, offset: int
) -> tuple[list[DeploymentView], int]:
    query = (
        select(Deployment, Artifact, Team.name)
        .join(Artifact, Artifact.id == Deployment.artifact_id)
        .outerjoin(Team, Team.id == Artifact.team_id)
    )
    if wanted.team_scope is not None:
        query = query.where(Artifact.team_id == wanted.team_scope)
    if wanted.team is not None:
        query = query.where(Team.name == wanted.team)
    if wanted.environment is not None:
        query = query.where(Deployment.environment == wanted.environment)
    if wanted.cluster is not None:
        query = query.where(Deployment.cluster == wanted.cluster)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = (Deployment.environment, Deployment.cluster, Deployment.workload)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return [DeploymentView(d, a, team) for d, a, team in rows], total
