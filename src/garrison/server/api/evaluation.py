"""The evaluation API: advisory syncs and uploads, findings (and acknowledging them), issues,
the build gate and freshness. Team tokens see their own team's objects only (others: 404).

POST /api/v1/advisories/sync   admin or uploader: fetch OSV, re-match what changed
POST /api/v1/advisories        global admin: OSV files (JSON/YAML, one entry or a list) as the
                               JSON body or multipart `files`; then the same re-match
GET  /api/v1/findings          ?state&kind&severity&artifact&team&limit&offset
POST /api/v1/findings/{id}/acknowledge   admin or uploader, {"reason": "..."}
GET  /api/v1/issues            ?state&team&limit&offset
GET  /api/v1/gate?artifact=KEY {"passed", "reason", "blocking", ...} (always 200 when judged)
GET  /api/v1/freshness         ?environment
GET  /metrics                  Prometheus text (metrics.py), any role; team tokens: their team
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from starlette.datastructures import UploadFile

from garrison.errors import FetchError, GarrisonError
from garrison.server import audit, metrics, sync, views
from garrison.server.api.deps import (
    MAX_ID,
    Admin,
    ApiError,
    Line,
    ObjectId,
    Reader,
    ReadSession,
    ServerDep,
    ShortLine,
    Writer,
    ensure_visible,
    not_found,
)
from garrison.server.api.evaluation_models import (
    AcknowledgeIn,
    FindingList,
    FindingOut,
    FreshnessList,
    FreshnessOut,
    GateOut,
    IssueList,
    IssueOut,
    SyncOut,
)
from garrison.server.db.models import Artifact
from garrison.server.evaluate import Evaluation, open_advisories
from garrison.server.findings import TransitionError, acknowledge
from garrison.server.gate import judge
from garrison.server.issues import refresh_issues

router = APIRouter(tags=["evaluation"])  # full paths: /api/v1/... and /metrics
Limit = Query(100, ge=1, le=1000)
Offset = Query(0, ge=0, le=MAX_ID)
StateName = Literal["new", "open", "acknowledged", "resolved", "suppressed"]
SeverityName = Literal["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
MAX_FILES = 1000


@router.post("/api/v1/advisories/sync", response_model=SyncOut)
def sync_now(server: ServerDep, principal: Writer) -> SyncOut:
    """Update the advisory database from OSV and re-match the advisories that changed."""
    try:
        report = sync.sync_advisories(server, actor=principal.name)
    except FetchError as exc:
        raise ApiError(502, f"the advisory download failed: {exc}") from None
    except GarrisonError as exc:
        raise ApiError(503, str(exc)) from None
    return SyncOut(**report.as_dict())  # type: ignore[arg-type]


def _upload_schema() -> dict[str, Any]:
    files = {"type": "array", "items": {"type": "string", "format": "binary"}}
    multipart = {"type": "object", "required": ["files"], "properties": {"files": files}}
    osv = {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": osv},
            "multipart/form-data": {"schema": multipart},
        },
    }


@router.post(
    "/api/v1/advisories", response_model=SyncOut, openapi_extra={"requestBody": _upload_schema()}
)
async def upload_advisories(request: Request, server: ServerDep, principal: Admin) -> SyncOut:
    """Import OSV files into the advisory database, then re-match what changed (422 when no
    entry could be imported, naming the problems)."""
    files = await _read_files(request)
    report = await run_in_threadpool(sync.upload_advisories, server, files, actor=principal.name)
    if report.changed_advisories == 0 and report.problems:
        raise ApiError(422, "no advisory imported: " + "; ".join(report.problems[:5]))
    return SyncOut(**report.as_dict())  # type: ignore[arg-type]


async def _read_files(request: Request) -> list[tuple[str, bytes]]:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/json":
        return [("upload.json", await request.body())]
    if kind != "multipart/form-data":
        raise ApiError(415, "send application/json or multipart/form-data")
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES)
    files = []
    for index, part in enumerate(form.getlist("files")):
        if not isinstance(part, UploadFile):
            raise ApiError(422, "multipart: 'files' must be files")
        name = (part.filename or f"file-{index}.json").rsplit("/", 1)[-1]
        files.append((f"upload/{name}", await part.read()))
    if not files:
        raise ApiError(422, "multipart: no 'files' part")
    return files


@router.get("/api/v1/findings", response_model=FindingList)
def list_findings(
    principal: Reader,
    session: ReadSession,
    state: StateName | None = None,
    kind: Literal["vulnerability", "freshness"] | None = None,
    severity: SeverityName | None = None,
    artifact: Line | None = None,
    team: ShortLine | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> FindingList:
    wanted = views.FindingFilter(principal.team_id, team, state, kind, severity, artifact)
    rows, total = views.list_findings(session, wanted, limit, offset)
    return FindingList(items=[FindingOut.of(r) for r in rows], total=total)


@router.post("/api/v1/findings/{finding_id}/acknowledge", response_model=FindingOut)
def acknowledge_finding(
    finding_id: ObjectId, body: AcknowledgeIn, server: ServerDep, principal: Writer
) -> FindingOut:
    """new/open -> acknowledged (409 for a resolved or suppressed finding)."""
    with server.database.session_scope() as session:
        found = views.get_finding(session, finding_id)
        if found is None:
            raise not_found("finding")
        ensure_visible(principal, found.artifact.team_id, "finding")
        # the audit lock before the evaluation lock, as in an upload (no lock-order deadlock)
        audit.append(session, actor=principal.name, action="finding.acknowledged",
                     object_type="finding", object_id=str(finding_id),
                     details={"reason": body.reason.strip()})  # fmt: skip
        try:
            acknowledge(session, finding_id, body.reason, principal.name)
        except TransitionError as exc:
            raise ApiError(409, str(exc)) from None
        ev = Evaluation(server, None, server.clock())
        refresh_issues(session, ev.sinks_of(), [finding_id], ev.now)
        row = views.get_finding(session, finding_id)
        assert row is not None
        return FindingOut.of(row)


@router.get("/api/v1/issues", response_model=IssueList)
def list_issues(
    principal: Reader,
    session: ReadSession,
    state: Literal["open", "closed"] | None = None,
    team: ShortLine | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> IssueList:
    rows, total = views.list_issues(session, principal.team_id, team, state, limit, offset)
    return IssueList(items=[IssueOut.of(r) for r in rows], total=total)


@router.get("/api/v1/gate", response_model=GateOut)
def gate(server: ServerDep, principal: Reader, session: ReadSession, artifact: Line) -> GateOut:
    """Judge the artifact (by key) and its base image with the team's policy, now."""
    row = session.scalar(select(Artifact).where(Artifact.key == artifact))
    if row is None:
        raise not_found("artifact")
    ensure_visible(principal, row.team_id, "artifact")
    with open_advisories(server) as advisories:
        answer = judge(session, server.settings, advisories, row, server.clock())
    return GateOut(**answer.as_dict())


@router.get("/api/v1/freshness", response_model=FreshnessList)
def freshness(
    server: ServerDep, principal: Reader, session: ReadSession, environment: Line | None = None
) -> FreshnessList:
    """Deployments (image age, base age, behind golden, reverse uptime), then live artifacts
    no deployment runs."""
    items = views.freshness_items(
        session, server.settings, principal.team_id, environment, server.clock()
    )
    return FreshnessList(items=[FreshnessOut.of(item) for item in items])


@router.get(
    "/metrics", tags=["metrics"], response_class=Response,
    responses={200: {"content": {metrics.CONTENT_TYPE: {}}}},
)  # fmt: skip
def metrics_text(server: ServerDep, principal: Reader) -> Response:
    """Prometheus text format."""
    return Response(metrics.render(server, principal.team_id), media_type=metrics.CONTENT_TYPE)
