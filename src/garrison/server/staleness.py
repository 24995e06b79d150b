"""Freshness from the database (I/O side of freshness.py): the artifacts' and deployments'
times, the golden images and the team limits, turned into freshness views and observations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison.errors import PolicyError
from garrison.server.config import FreshnessLimits, ServerSettings
from garrison.server.db.models import Artifact, Deployment, GoldenImageRow, Team
from garrison.server.findings import Observation
from garrison.server.freshness import (
    KIND,
    NO_POLICY_LIMITS,
    ArtifactFreshness,
    ArtifactTimes,
    DeploymentFreshness,
    DeploymentTimes,
    GoldenState,
    artifact_freshness,
    deployment_freshness,
    golden_by_name,
    limits_for,
    stale_findings,
)
from garrison.server.policies import team_policy


@dataclass(frozen=True, slots=True)
class FreshnessView:
    """One artifact's freshness, its team, its deployments' uptimes and its stale findings."""

    artifact: ArtifactTimes
    team: str | None
    freshness: ArtifactFreshness
    deployments: tuple[tuple[DeploymentTimes, DeploymentFreshness], ...]
    limits: FreshnessLimits


def team_limits(settings: ServerSettings, team: str | None) -> FreshnessLimits:
    """The server's limits, the team's (settings) and its policy file's `freshness`. A broken
    policy file changes no limit (the gate refuses to pass with it)."""
    config = settings.teams.get(team) if team else None
    try:
        policy = team_policy(settings, team).freshness
    except PolicyError:
        policy = NO_POLICY_LIMITS
    return limits_for(config.freshness if config else None, settings.freshness, policy)


def freshness_views(
    session: Session, settings: ServerSettings, artifact_ids: Collection[int], now: datetime
) -> list[FreshnessView]:
    """The freshness of each artifact (ids in one bounded batch), in id order."""
    ids = sorted(set(artifact_ids))
    rows = session.execute(
        select(Artifact.id, Artifact.key, Artifact.created_at, Artifact.base_name,
               Artifact.base_digest, Team.name)
        .outerjoin(Team, Team.id == Artifact.team_id)
        .where(Artifact.id.in_(ids))
        .order_by(Artifact.id)
    ).all()  # fmt: skip
    golden = golden_by_name(
        GoldenState(r.name, r.digest, r.created_at) for r in session.scalars(select(GoldenImageRow))
    )
    bases = sorted({r.base_digest for r in rows if r.base_digest})
    base_rows = session.execute(
        select(Artifact.key, Artifact.created_at).where(Artifact.key.in_(bases))
    )
    created_by_key = {key: created for key, created in base_rows}
    running = _deployments(session, ids, now)
    views = []
    for ident, key, created_at, base_name, base_digest, team in rows:
        times = ArtifactTimes(ident, key, created_at, base_name, base_digest)
        fresh = artifact_freshness(times, golden, created_by_key, now)
        limits = team_limits(settings, team)
        views.append(FreshnessView(times, team, fresh, tuple(running[ident]), limits))
    return views


def _deployments(
    session: Session, ids: Sequence[int], now: datetime
) -> dict[int, list[tuple[DeploymentTimes, DeploymentFreshness]]]:
    found: dict[int, list[tuple[DeploymentTimes, DeploymentFreshness]]] = defaultdict(list)
    query = select(Deployment).where(Deployment.artifact_id.in_(ids)).order_by(Deployment.id)
    for row in session.scalars(query):
        times = DeploymentTimes(
            row.id, row.environment, row.cluster, row.workload, row.artifact_id,
            row.deployed_at, row.restarted_at,
        )  # fmt: skip
        found[row.artifact_id].append((times, deployment_freshness(times, now)))
    return found


def freshness_observations(
    session: Session, settings: ServerSettings, artifact_ids: Collection[int], now: datetime
) -> list[Observation]:
    """Freshness findings that are there now for the artifacts."""
    observations = []
    for view in freshness_views(session, settings, artifact_ids, now):
        for stale in stale_findings(view.freshness, view.deployments, view.limits):
            observations.append(
                Observation(view.artifact.id, None, KIND, stale.rule.id,
                            stale.rule.severity.name, stale.summary)
            )  # fmt: skip
    return observations
