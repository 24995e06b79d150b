"""Accepting an upload or a deployment push: check the caller's team, read the SBOM, store,
audit and run the after-upload hooks — all in ONE transaction, so an upload is either fully
recorded (artifact, components, audit entry, hook results) or not at all."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from garrison.errors import GarrisonError
from garrison.sbom import read_sbom, syntax_of
from garrison.sbom.base import JSON, SbomContents
from garrison.server import audit
from garrison.server.auth import Principal, team_id_of
from garrison.server.db import queries
from garrison.server.db.artifacts import (
    ArtifactInput,
    KeyTakenError,
    component_rows,
    store_artifact,
)
from garrison.server.db.deployments import Change, DeploymentInput, record_deployment
from garrison.server.db.models import Team

if TYPE_CHECKING:
    from garrison.server.api.deps import ServerContext

log = logging.getLogger("garrison.server")


class Refusal(enum.StrEnum):
    INVALID = "invalid"  # 422
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # 409


class IngestError(Exception):
    def __init__(self, refusal: Refusal, message: str) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.message = message


@dataclass(frozen=True, slots=True)
class ArtifactFields:
    key: str
    name: str
    version: str | None = None
    source_repo: str | None = None
    source_commit: str | None = None
    created_at: datetime | None = None
    base_name: str | None = None
    base_digest: str | None = None
    team: str | None = None


@dataclass(frozen=True, slots=True)
class Ingested:
    view: queries.ArtifactView
    created: bool
    added: int
    removed: int
    warnings: tuple[str, ...]


def read_cyclonedx(data: bytes) -> SbomContents:
    """The SBOM's components; IngestError(INVALID) with the reason for anything else."""
    if syntax_of(data) != JSON:
        raise IngestError(Refusal.INVALID, "the SBOM must be CycloneDX JSON (this looks like XML)")
    try:
        contents = read_sbom(data, "sbom")
    except GarrisonError as exc:
        raise IngestError(Refusal.INVALID, str(exc)) from None
    except Exception:  # a reader's bug must not become a 500; it is logged for us
        log.exception("an SBOM reader failed on an upload")
        raise IngestError(Refusal.INVALID, "sbom: the document cannot be read") from None
    if contents.format != "cyclonedx":
        raise IngestError(
            Refusal.INVALID, f"the SBOM must be CycloneDX JSON (this is {contents.format})"
        )
    return contents


def upload_team(session: Session, principal: Principal, team: str | None) -> int | None:
    """The owning team: the token's own (another team named is 403); a global admin names
    any existing team or none."""
    if principal.team_id is not None:
        if team is not None and team != principal.team:
            raise IngestError(
                Refusal.FORBIDDEN, f"this token uploads for team {principal.team!r} only"
            )
        return principal.team_id
    if team is None:
        return None
    try:
        return team_id_of(session, team)
    except GarrisonError as exc:
        raise IngestError(Refusal.INVALID, str(exc)) from None


def ingest_artifact(
    server: ServerContext, principal: Principal, fields: ArtifactFields, sbom: bytes
) -> Ingested:
    contents = read_cyclonedx(sbom)
    try:
        rows = component_rows(contents.components)
    except GarrisonError as exc:
        raise IngestError(Refusal.INVALID, f"sbom: {exc}") from None
    with server.database.session_scope() as session:
        team_id = upload_team(session, principal, fields.team)
        item = ArtifactInput(
            fields.key, fields.name, fields.version, fields.source_repo, fields.source_commit,
            fields.created_at, fields.base_name, fields.base_digest, team_id, sbom, rows,
            principal.name,
        )  # fmt: skip
        try:
            stored = store_artifact(session, item, server.clock())
        except KeyTakenError:
            raise IngestError(
                Refusal.CONFLICT, "this artifact key belongs to a team this token cannot write"
            ) from None
        audit.append(
            session,
            actor=principal.name,
            action="artifact.created" if stored.created else "artifact.updated",
            object_type="artifact",
            object_id=str(stored.artifact_id),
            details={"key": fields.key, "name": fields.name, "version": fields.version,
                     "components": stored.total, "added": stored.added, "removed": stored.removed},
        )  # fmt: skip
        for hook in server.after_upload:
            hook(server, session, stored.artifact_id)
        view = queries.get_artifact(session, stored.artifact_id)
    assert view is not None
    warnings = tuple(f"{w.gap.value}: {w.message}" for w in contents.warnings[:100])
    return Ingested(view, stored.created, stored.added, stored.removed, warnings)


@dataclass(frozen=True, slots=True)
class DeploymentFields:
    environment: str
    cluster: str
    workload: str
    artifact: str  # the artifact key
    deployed_at: datetime | None = None
    restarted_at: datetime | None = None


def ingest_deployment(
    server: ServerContext, principal: Principal, fields: DeploymentFields
) -> tuple[queries.DeploymentView, Change]:
    with server.database.session_scope() as session:
        artifact = queries.artifact_by_key(session, fields.artifact)
        if artifact is None or not principal.can_see(artifact.team_id):
            raise IngestError(Refusal.NOT_FOUND, "artifact not found")
        item = DeploymentInput(
            fields.environment, fields.cluster, fields.workload, artifact.id,
            fields.deployed_at, fields.restarted_at,
        )  # fmt: skip
        recorded = record_deployment(session, item, server.clock())
        session.flush()
        if recorded.change is not Change.REFRESHED:
            audit.append(
                session,
                actor=principal.name,
                action=f"deployment.{recorded.change.value}",
                object_type="deployment",
                object_id=str(recorded.deployment.id),
                details={"environment": fields.environment, "cluster": fields.cluster,
                         "workload": fields.workload, "artifact": fields.artifact,
                         "previous_artifact_id": recorded.previous_artifact_id},
            )  # fmt: skip
            for hook in server.after_deployment:  # e.g. resolve what the old build had
                hook(server, session, artifact.id)
        owner = session.get(Team, artifact.team_id) if artifact.team_id is not None else None
        view = queries.DeploymentView(recorded.deployment, artifact, owner.name if owner else None)
    return view, recorded.change
