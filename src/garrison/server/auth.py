"""Bearer tokens: made here, stored as their SHA-256 only, scoped by role and team.

A token is `gar_` + 43 URL-safe characters (256 random bits). The secret is shown once, when
it is created; the database keeps `sha256(token)` hex. Roles: `admin` (everything, and a
token without a team sees all teams), `uploader` (CI: push artifacts and deployments of its
team, read its team), `viewer` (read its team). Non-admin tokens always belong to a team.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field

import anyio
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from garrison.errors import InputError
from garrison.server import audit
from garrison.server.db.models import ROLES, Team, Token
from garrison.server.db.session import Database
from garrison.server.db.types import utcnow

PREFIX = "gar_"
MAX_TOKEN_LENGTH = 200
WRITE_ROLES = frozenset({"admin", "uploader"})


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just created: `secret` is shown once and never stored."""

    id: int
    name: str
    role: str
    team: str | None
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's id, name, role and team (None: all teams, admin only)."""

    token_id: int
    name: str
    role: str
    team_id: int | None
    team: str | None

    @property
    def is_global_admin(self) -> bool:
        return self.role == "admin" and self.team_id is None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    def can_see(self, team_id: int | None) -> bool:
        """A global token sees every team (and unowned objects); a team token its own."""
        return self.team_id is None or self.team_id == team_id


def generate_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_token(secret: str) -> bool:
    return secret.startswith(PREFIX) and len(secret) <= MAX_TOKEN_LENGTH and secret.isascii()


def team_id_of(session: Session, team: str) -> int:
    found = session.execute(select(Team.id).where(Team.name == team)).scalar_one_or_none()
    if found is None:
        raise InputError(f"unknown team {team!r}")
    return found


def create_token(
    session: Session, *, name: str, role: str, team: str | None, actor: str = "cli"
) -> NewToken:
    """Store a new token's hash (audited) and return the secret once."""
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if team is None and role != "admin":
        raise InputError(f"a {role} token needs a team (only admin tokens span all teams)")
    if not name.strip():
        raise InputError("a token needs a name (it is the actor in the audit log)")
    team_id = team_id_of(session, team) if team is not None else None
    secret = generate_secret()
    row = Token(
        name=name, token_hash=hash_token(secret), role=role, team_id=team_id, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="token.created",
        object_type="token",
        object_id=str(row.id),
        details={"name": name, "role": role, "team": team},
    )
    return NewToken(row.id, name, role, team, secret)


def revoke_token(session: Session, token_id: int, *, actor: str) -> bool:
    """Revoke (audited); False when there is no such active token."""
    row = session.get(Token, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    audit.append(
        session,
        actor=actor,
        action="token.revoked",
        object_type="token",
        object_id=str(token_id),
        details={"name": row.name},
    )
    return True


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal of an active token, or None (unknown, malformed or revoked)."""
    if not looks_like_token(secret):
        return None
    wanted = hash_token(secret)
    found = session.execute(
        select(Token, Team.name)
        .outerjoin(Team, Team.id == Token.team_id)
        .where(Token.token_hash == wanted)
    ).first()
    if found is None:
        return None
    token, team = found
    if not hmac.compare_digest(token.token_hash, wanted) or token.revoked_at is not None:
        return None
    return Principal(token.id, token.name, token.role, token.team_id, team)


def bearer_secret(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


# --- the ASGI middleware that authenticates every request ------------------------------

PUBLIC_PATHS = frozenset({"/healthz", "/ui/login", "/ui/logout"})  # sign-in needs no token
TOKEN_COOKIE = "garrison_token"  # for GET/HEAD of /ui pages only (read-only, no CSRF risk)


class Authenticate:
    """401 for every path but PUBLIC_PATHS unless a valid bearer token (or, for GET/HEAD, the
    `garrison_token` cookie) comes with it; the Principal goes to `request.state.principal`."""

    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        secret = _secret_of(scope)
        try:
            principal = await anyio.to_thread.run_sync(self._lookup, secret) if secret else None
        except SQLAlchemyError:
            await send_error(send, 503, "the database is unavailable; try again")
            return
        if principal is None:
            await send_error(
                send, 401, "missing or invalid bearer token", {"www-authenticate": "Bearer"}
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    def _lookup(self, secret: str) -> Principal | None:
        with self.database.session_scope(write=False) as session:
            return authenticate(session, secret)


def _secret_of(scope: Scope) -> str | None:
    headers: dict[str, str] = {
        k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
    }
    secret = bearer_secret(headers.get("authorization"))
    path = scope["path"]
    ui_page = path == "/ui" or path.startswith("/ui/")
    if secret is None and scope["method"] in ("GET", "HEAD") and ui_page:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == TOKEN_COOKIE and value:
                return value
    return secret


async def send_error(
    send: Send, status: int, detail: str, extra: dict[str, str] | None = None
) -> None:
    """Answer a request directly with JSON {"detail": ...} (from ASGI middleware)."""
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
