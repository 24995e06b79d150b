"""What every API module shares: the server context, the caller, role and team checks,
sessions, and the one error type endpoints raise.

Authentication happens before any route runs (`garrison.server.app`'s middleware answers 401
for a missing, malformed, unknown or revoked token on every path but /healthz); routes ask
for a role with `require(...)`. Another team's object answers 404, as if it did not exist —
a token learns nothing about other teams, not even what exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, AwareDatetime, BaseModel, StringConstraints
from sqlalchemy.orm import Session

from garrison.server.auth import Principal
from garrison.server.config import ServerSettings
from garrison.server.db.session import Database
from garrison.server.db.types import utcnow

MAX_ID = 2**31 - 1  # ids are 32-bit integers on both databases
T = TypeVar("T")

ArtifactHook = Callable[["ServerContext", Session, int], None]


@dataclass(frozen=True)
class ServerContext:
    """One server's settings, database and clock; `after_upload` hooks run inside the
    upload's transaction with the stored artifact's id (e.g. matching it against advisories)."""

    settings: ServerSettings
    database: Database
    clock: Callable[[], datetime] = utcnow
    after_upload: tuple[ArtifactHook, ...] = ()
    after_deployment: tuple[ArtifactHook, ...] = ()  # a workload now runs this artifact
    extras: dict[str, Any] = field(default_factory=dict)  # per-app objects (metrics registry...)


class ApiError(Exception):
    """An answer other than 2xx: the status and the `detail` of the JSON body."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def get_server(request: Request) -> ServerContext:
    server: ServerContext = request.app.state.server
    return server


def get_principal(request: Request) -> Principal:
    """The caller the middleware authenticated (never absent on a protected path)."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise ApiError(401, "missing or invalid bearer token")
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency: the caller, if its role is one of `roles` (else 403)."""
    allowed = frozenset(roles)

    def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in allowed:
            raise ApiError(403, f"this needs a token with role {' or '.join(sorted(allowed))}")
        return principal

    return dependency


def require_global_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not principal.is_global_admin:
        raise ApiError(403, "this needs an admin token that is not limited to a team")
    return principal


ServerDep = Annotated[ServerContext, Depends(get_server)]
Caller = Annotated[Principal, Depends(get_principal)]
Reader = Annotated[Principal, Depends(require("admin", "uploader", "viewer"))]
Writer = Annotated[Principal, Depends(require("admin", "uploader"))]
Admin = Annotated[Principal, Depends(require_global_admin)]
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Query(100, ge=1, le=1000)  # page size of list endpoints
Offset = Query(0, ge=0, le=MAX_ID)


class Page(BaseModel, Generic[T]):
    """One page of a list endpoint and how many items match in all."""

    items: list[T]
    total: int


def read_session(server: ServerDep) -> Iterator[Session]:
    """A read-only session for a GET (nothing it does is committed on purpose)."""
    with server.database.session_scope(write=False) as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]


def ensure_visible(principal: Principal, team_id: int | None, what: str) -> None:
    """404 when the object belongs to a team the caller cannot see."""
    if not principal.can_see(team_id):
        raise not_found(what)


def team_scope(principal: Principal) -> int | None:
    """The team id lists are limited to, or None for all teams."""
    return principal.team_id


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode (a lone surrogate)") from None
    return value


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once converted to UTC") from None


_ONE_LINE = r"^[^\x00-\x1f\x7f]+$"  # no control characters (no NUL, no newline)


def _line(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length, pattern=_ONE_LINE)


# One-line text fields: 1..N characters, no control characters, valid Unicode.
ShortLine = Annotated[str, _line(100), AfterValidator(_encodable)]  # team names, roles
Line = Annotated[str, _line(300), AfterValidator(_encodable)]  # names, keys, versions
LongLine = Annotated[str, _line(1000), AfterValidator(_encodable)]  # URLs, references

# An aware timestamp (naive ones are refused: "2026-01-02T03:04:05Z" or with an offset).
Timestamp = Annotated[AwareDatetime, AfterValidator(_utc)]
