"""Administration: tokens, teams, golden images and the audit log.

Creating and revoking tokens and teams, setting golden images and reading the audit log need
an admin token that is not limited to a team. Listing teams and golden images needs any token
(a team token sees its own team only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from garrison.errors import GarrisonError
from garrison.server import audit
from garrison.server.api.deps import (
    Admin,
    ApiError,
    Limit,
    Line,
    ObjectId,
    Offset,
    Page,
    Reader,
    ReadSession,
    ServerDep,
    ShortLine,
    Timestamp,
)
from garrison.server.auth import create_token, revoke_token
from garrison.server.config import GoldenImageSettings
from garrison.server.db.models import ROLES, AuditEntry, GoldenImageRow, Team, Token
from garrison.server.db.seed import ensure_teams, upsert_golden_image

router = APIRouter(prefix="/api/v1", tags=["admin"])


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line
    role: ShortLine
    team: ShortLine | None = None


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    team: str | None
    created_at: datetime | None = None
    revoked_at: datetime | None = None


class NewTokenOut(TokenOut):
    token: str  # shown once: only its hash is stored


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortLine


class TeamOut(BaseModel):
    id: int
    name: str


class GoldenImageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line
    digest: Line | None = None
    created: Timestamp | None = None


class GoldenImageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    digest: str | None
    created_at: datetime | None
    updated_at: datetime


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    broken_id: int | None
    reason: str | None


@router.post("/tokens", status_code=201, response_model=NewTokenOut)
def create_api_token(body: TokenIn, server: ServerDep, principal: Admin) -> NewTokenOut:
    if body.role not in ROLES:
        raise ApiError(422, f"role must be one of {', '.join(ROLES)}")
    with server.database.session_scope() as session:
        try:
            made = create_token(
                session, name=body.name, role=body.role, team=body.team, actor=principal.name
            )
        except GarrisonError as exc:
            raise ApiError(422, str(exc)) from None
    return NewTokenOut(
        id=made.id, name=made.name, role=made.role, team=made.team, token=made.secret
    )


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(principal: Admin, session: ReadSession) -> list[TokenOut]:
    rows = session.execute(
        select(Token, Team.name).outerjoin(Team, Team.id == Token.team_id).order_by(Token.id)
    )
    return [
        TokenOut(id=t.id, name=t.name, role=t.role, team=team, created_at=t.created_at,
                 revoked_at=t.revoked_at)
        for t, team in rows
    ]  # fmt: skip


@router.delete("/tokens/{token_id}", status_code=204, response_class=Response)
def revoke_api_token(token_id: ObjectId, server: ServerDep, principal: Admin) -> Response:
    with server.database.session_scope() as session:
        if not revoke_token(session, token_id, actor=principal.name):
            raise ApiError(404, "token not found (or already revoked)")
    return Response(status_code=204)


@router.get("/teams", response_model=list[TeamOut])
def list_teams(principal: Reader, session: ReadSession) -> list[TeamOut]:
    query = select(Team).order_by(Team.name)
    if principal.team_id is not None:
        query = query.where(Team.id == principal.team_id)
    return [TeamOut(id=t.id, name=t.name) for t in session.execute(query).scalars()]


@router.post("/teams", status_code=201, response_model=TeamOut)
def create_team(body: TeamIn, server: ServerDep, principal: Admin) -> TeamOut:
    with server.database.session_scope() as session:
        if session.execute(select(Team.id).where(Team.name == body.name)).first():
            raise ApiError(409, f"team {body.name!r} exists")
        ensure_teams(session, [body.name], actor=principal.name)
        team = session.execute(select(Team).where(Team.name == body.name)).scalar_one()
        return TeamOut(id=team.id, name=team.name)


@router.get("/golden-images", response_model=list[GoldenImageOut])
def list_golden_images(principal: Reader, session: ReadSession) -> list[GoldenImageOut]:
    rows = session.execute(select(GoldenImageRow).order_by(GoldenImageRow.name)).scalars()
    return [GoldenImageOut.model_validate(row) for row in rows]


@router.post("/golden-images", response_model=GoldenImageOut)
def set_golden_image(body: GoldenImageIn, server: ServerDep, principal: Admin) -> GoldenImageOut:
    """Create or update a golden image (its current digest and build time) by name."""
    created = body.created.isoformat() if body.created else None
    golden = GoldenImageSettings(name=body.name, digest=body.digest, created=created)
    with server.database.session_scope() as session:
        row = upsert_golden_image(session, golden, actor=principal.name)
        return GoldenImageOut.model_validate(row)


@router.get("/audit", response_model=Page[AuditOut])
def list_audit(
    principal: Admin,
    session: ReadSession,
    limit: int = Limit,
    offset: int = Offset,
) -> Page[AuditOut]:
    """The audit log, newest first."""
    total = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    rows = session.execute(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return Page[AuditOut](items=[AuditOut.model_validate(r) for r in rows], total=total)


@router.get("/audit/verify", response_model=VerifyOut)
def verify_audit(principal: Admin, session: ReadSession) -> VerifyOut:
    result = audit.verify(session)
    return VerifyOut(
        ok=result.ok, checked=result.checked, broken_id=result.broken_id, reason=result.reason
    )
