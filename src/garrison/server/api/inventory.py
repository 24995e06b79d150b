"""The inventory API: artifacts with their CycloneDX SBOM, and deployments.

POST /api/v1/artifacts takes JSON (metadata plus `sbom`, the CycloneDX document) or multipart
(`metadata` JSON text, `sbom` file): 201 new key, 200 re-upload (all replaced), 400 not JSON,
413 too large, 415 another type, 422 SBOM unreadable or not CycloneDX JSON (reason given).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import UploadFile

from garrison.server.api.deps import (
    ApiError,
    Limit,
    Line,
    LongLine,
    ObjectId,
    Offset,
    Page,
    Reader,
    ReadSession,
    ServerDep,
    ShortLine,
    Timestamp,
    Writer,
    ensure_visible,
    not_found,
)
from garrison.server.db import queries
from garrison.server.db.artifacts import decompress_sbom
from garrison.server.db.deployments import Change
from garrison.server.db.ingest import (
    ArtifactFields,
    DeploymentFields,
    ingest_artifact,
    ingest_deployment,
)


class ArtifactMeta(BaseModel):
    """What CI tells about an artifact; `key` is the image digest or a build id."""

    model_config = ConfigDict(extra="forbid")
    key: Line
    name: Line
    version: Line | None = None
    source_repo: LongLine | None = None
    source_commit: ShortLine | None = None
    created_at: Timestamp | None = None
    base_name: Line | None = None
    base_digest: Line | None = None
    team: ShortLine | None = None


class ArtifactUpload(ArtifactMeta):
    sbom: dict[str, Any]  # the CycloneDX JSON document


class ArtifactOut(BaseModel):
    id: int
    key: str
    name: str
    version: str | None
    source_repo: str | None
    source_commit: str | None
    created_at: datetime | None
    base_name: str | None
    base_digest: str | None
    team: str | None
    uploaded_at: datetime
    uploaded_by: str
    components: int

    @classmethod
    def of(cls, view: queries.ArtifactView) -> ArtifactOut:
        a = view.artifact
        return cls(
            id=a.id, key=a.key, name=a.name, version=a.version, source_repo=a.source_repo,
            source_commit=a.source_commit, created_at=a.created_at, base_name=a.base_name,
            base_digest=a.base_digest, team=view.team, uploaded_at=a.uploaded_at,
            uploaded_by=a.uploaded_by, components=view.components,
        )  # fmt: skip


_ARTIFACT_COLUMNS = (
    "id", "key", "name", "version", "source_repo", "source_commit", "created_at", "base_name",
    "base_digest", "uploaded_at", "uploaded_by",
)  # fmt: skip


class UploadOut(ArtifactOut):
    created: bool
    added: int
    removed: int
    warnings: list[str]


class ComponentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    ecosystem: str
    release: str | None
    name: str
    version: str | None
    purl: str | None


class ArtifactDetail(ArtifactOut):
    packages: list[ComponentOut]


class DeploymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    environment: Line
    cluster: Line
    workload: Line
    artifact: Line  # the artifact key
    deployed_at: Timestamp | None = None
    restarted_at: Timestamp | None = None


class DeploymentOut(BaseModel):
    id: int
    environment: str
    cluster: str
    workload: str
    artifact_id: int
    artifact: str
    artifact_name: str
    artifact_version: str | None
    team: str | None
    deployed_at: datetime
    last_seen_at: datetime
    restarted_at: datetime | None
    change: str | None = None

    @classmethod
    def of(cls, view: queries.DeploymentView, change: str | None = None) -> DeploymentOut:
        d, a = view.deployment, view.artifact
        return cls(
            id=d.id, environment=d.environment, cluster=d.cluster, workload=d.workload,
            artifact_id=a.id, artifact=a.key, artifact_name=a.name, artifact_version=a.version,
            team=view.team, deployed_at=d.deployed_at, last_seen_at=d.last_seen_at,
            restarted_at=d.restarted_at, change=change,
        )  # fmt: skip


def upload_body_schema() -> dict[str, Any]:
    """The documented request body: JSON, or multipart with `metadata` and `sbom`."""
    fields = {"metadata": {"type": "string", "description": "ArtifactMeta as JSON text"},
              "sbom": {"type": "string", "format": "binary"}}  # fmt: skip
    multipart = {"type": "object", "required": ["metadata", "sbom"], "properties": fields}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": ArtifactUpload.model_json_schema()},
            "multipart/form-data": {"schema": multipart},
        },
    }


router = APIRouter(prefix="/api/v1", tags=["inventory"])

_MULTIPART_FIELD_LIMIT = 1024 * 1024
_STORED_SBOM_LIMIT = 1024**3  # a stored SBOM is ours; the cap only stops a corrupt row
M = TypeVar("M", bound=BaseModel)


@router.post(
    "/artifacts",
    status_code=201,
    response_model=UploadOut,
    openapi_extra={"requestBody": upload_body_schema()},
    responses={200: {"model": UploadOut, "description": "an existing key was updated"}},
)
async def upload_artifact(
    request: Request, response: Response, server: ServerDep, principal: Writer
) -> UploadOut:
    """Upload (or re-upload) an artifact and its CycloneDX JSON SBOM."""
    meta, sbom = await _read_upload(request)
    fields = ArtifactFields(**meta.model_dump())
    done = await run_in_threadpool(ingest_artifact, server, principal, fields, sbom)
    if not done.created:
        response.status_code = 200
    out = ArtifactOut.of(done.view).model_dump()
    return UploadOut(**out, created=done.created, added=done.added, removed=done.removed,
                     warnings=list(done.warnings))  # fmt: skip


async def _read_upload(request: Request) -> tuple[ArtifactMeta, bytes]:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/json":
        upload = _validate(ArtifactUpload, await request.body())
        sbom = json.dumps(upload.sbom, separators=(",", ":"), ensure_ascii=False)
        return ArtifactMeta.model_validate(upload.model_dump(exclude={"sbom"})), sbom.encode()
    if kind == "multipart/form-data":
        return await _read_multipart(request)
    raise ApiError(415, "send application/json or multipart/form-data")


async def _read_multipart(request: Request) -> tuple[ArtifactMeta, bytes]:
    form = await request.form(max_files=1, max_fields=2, max_part_size=_MULTIPART_FIELD_LIMIT)
    metadata, sbom = form.get("metadata"), form.get("sbom")
    if not isinstance(metadata, str):
        raise ApiError(422, "multipart: the 'metadata' field (JSON text) is missing")
    if not isinstance(sbom, UploadFile):
        raise ApiError(422, "multipart: the 'sbom' file is missing")
    meta = _validate(ArtifactMeta, metadata.encode("utf-8", "surrogatepass"))
    return meta, await sbom.read()


def _validate(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        if any(error["type"] == "json_invalid" for error in errors):
            reason = next(e["msg"] for e in errors if e["type"] == "json_invalid")
            raise ApiError(400, f"the request body is not valid JSON: {reason}") from None
        raise RequestValidationError(errors) from None


@router.get("/artifacts", response_model=Page[ArtifactOut])
def list_artifacts(
    principal: Reader,
    session: ReadSession,
    team: ShortLine | None = None,
    name: Line | None = None,
    key: Line | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> Page[ArtifactOut]:
    """Artifacts the caller's team owns (all of them for a global token), newest first."""
    wanted = queries.ArtifactFilter(principal.team_id, team, name, key)
    views, total = queries.list_artifacts(session, wanted, limit, offset)
    return Page[ArtifactOut](items=[ArtifactOut.of(v) for v in views], total=total)


@router.get("/artifacts/{artifact_id}", response_model=ArtifactDetail)
def get_artifact(artifact_id: ObjectId, principal: Reader, session: ReadSession) -> ArtifactDetail:
    view = queries.get_artifact(session, artifact_id)
    if view is None:
        raise not_found("artifact")
    ensure_visible(principal, view.artifact.team_id, "artifact")
    packages = [ComponentOut.model_validate(c) for c in queries.components_of(session, artifact_id)]
    return ArtifactDetail(**ArtifactOut.of(view).model_dump(), packages=packages)


@router.get(
    "/artifacts/{artifact_id}/sbom",
    response_class=Response,
    responses={200: {"content": {"application/vnd.cyclonedx+json": {}}}},
)
def get_artifact_sbom(artifact_id: ObjectId, principal: Reader, session: ReadSession) -> Response:
    """The SBOM as it was uploaded."""
    view = queries.get_artifact(session, artifact_id)
    if view is None:
        raise not_found("artifact")
    ensure_visible(principal, view.artifact.team_id, "artifact")
    data = decompress_sbom(view.artifact.sbom, _STORED_SBOM_LIMIT)
    return Response(data, media_type="application/vnd.cyclonedx+json")


@router.post(
    "/deployments",
    status_code=201,
    response_model=DeploymentOut,
    responses={200: {"model": DeploymentOut, "description": "a known workload was updated"}},
)
def push_deployment(
    body: DeploymentIn, response: Response, server: ServerDep, principal: Writer
) -> DeploymentOut:
    """Record that a workload runs an artifact (by key): created, replaced or refreshed."""
    view, change = ingest_deployment(server, principal, DeploymentFields(**body.model_dump()))
    if change is not Change.CREATED:
        response.status_code = 200
    return DeploymentOut.of(view, change.value)


@router.get("/deployments", response_model=Page[DeploymentOut])
def list_deployments(
    principal: Reader,
    session: ReadSession,
    team: ShortLine | None = None,
    environment: Line | None = None,
    cluster: Line | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> Page[DeploymentOut]:
    wanted = queries.DeploymentFilter(principal.team_id, team, environment, cluster)
    views, total = queries.list_deployments(session, wanted, limit, offset)
    return Page[DeploymentOut](items=[DeploymentOut.of(v) for v in views], total=total)
