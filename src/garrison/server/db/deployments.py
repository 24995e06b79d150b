"""Recording what runs where: one row per (environment, cluster, workload) holding the
CURRENT artifact. A push of another artifact replaces it (deployed_at restarts; the history
is in the audit log); a push of the same artifact only refreshes `last_seen_at` (and
`restarted_at` when given)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison.server.db.artifacts import dialect_insert
from garrison.server.db.models import Deployment

_RETRIES = 5


class Change(enum.StrEnum):
    CREATED = "created"  # a workload seen for the first time
    REPLACED = "replaced"  # it now runs another artifact
    RESTARTED = "restarted"  # same artifact, a new restart time
    REFRESHED = "refreshed"  # same artifact, still there (last_seen_at only)


@dataclass(frozen=True, slots=True)
class DeploymentInput:
    environment: str
    cluster: str
    workload: str
    artifact_id: int
    deployed_at: datetime | None  # default: now
    restarted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Recorded:
    deployment: Deployment
    change: Change
    previous_artifact_id: int | None


def record_deployment(session: Session, item: DeploymentInput, now: datetime) -> Recorded:
    row, created = _lock_or_create(session, item, now)
    if created:
        return Recorded(row, Change.CREATED, None)
    previous = row.artifact_id
    row.last_seen_at = now
    if previous != item.artifact_id:
        row.artifact_id = item.artifact_id
        row.deployed_at = item.deployed_at or now
        row.restarted_at = item.restarted_at
        return Recorded(row, Change.REPLACED, previous)
    if item.restarted_at is not None and item.restarted_at != row.restarted_at:
        row.restarted_at = item.restarted_at
        return Recorded(row, Change.RESTARTED, previous)
    return Recorded(row, Change.REFRESHED, previous)


def _lock_or_create(
    session: Session, item: DeploymentInput, now: datetime
) -> tuple[Deployment, bool]:
    where = (
        (Deployment.environment == item.environment)
        & (Deployment.cluster == item.cluster)
        & (Deployment.workload == item.workload)
    )
    for _ in range(_RETRIES):
        found = session.execute(
            select(Deployment).where(where).with_for_update()
        ).scalar_one_or_none()
        if found is not None:
            return found, False
        values = {
            "environment": item.environment, "cluster": item.cluster, "workload": item.workload,
            "artifact_id": item.artifact_id, "deployed_at": item.deployed_at or now,
            "last_seen_at": now, "restarted_at": item.restarted_at,
        }  # fmt: skip
        statement = (
            dialect_insert(session, Deployment)
            .values(values)
            .on_conflict_do_nothing(index_elements=["environment", "cluster", "workload"])
            .returning(Deployment.id)
        )
        inserted = session.execute(statement).scalar_one_or_none()
        if inserted is not None:
            row = session.get(Deployment, inserted)
            if row is not None:
                return row, True
    raise RuntimeError(f"deployment {item.workload!r}: could neither insert nor find the row")
