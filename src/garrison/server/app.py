"""The FastAPI application: `create_app(settings)`.

Rules every route gets without asking: `/healthz` is the only path answered without a token
(401 + `WWW-Authenticate: Bearer` otherwise, before the body is read); request bodies over
`max_upload_bytes` get 413; every error is JSON `{"detail": ...}` — an unexpected one is a
500 with no traceback, a database that cannot be reached a 503. The OpenAPI document is at
/api/v1/openapi.json (a token is needed for it too).

Background work (advisory sync, registry polling, delivery) are `Job`s run by threads in the
app's lifespan; each job's `run_once(context)` can also be called directly (tests do).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from garrison import __version__
from garrison.server.api import ROUTERS
from garrison.server.api.deps import ApiError, ArtifactHook, ServerContext
from garrison.server.api.errors import document_errors
from garrison.server.auth import Authenticate, send_error
from garrison.server.config import ServerSettings
from garrison.server.db.ingest import IngestError, Refusal
from garrison.server.db.migrate import upgrade
from garrison.server.db.seed import seed_from_settings
from garrison.server.db.session import Database

log = logging.getLogger("garrison.server")


@dataclass(frozen=True, slots=True)
class Job:
    """Scheduled work: `interval(settings)` (None: not scheduled) and `run_once(context)`."""

    name: str
    interval: Callable[[ServerSettings], timedelta | None]
    run_once: Callable[[ServerContext], object]


def prepare_database(settings: ServerSettings) -> Database:
    """Open the database, migrate it to head and create the configured teams, golden
    images and registries that are missing (audited as actor `config`)."""
    database = Database(settings.database_url)
    try:
        upgrade(database)
        with database.session_scope() as session:
            seed_from_settings(session, settings)
    except BaseException:
        database.dispose()
        raise
    return database


def _defaults(
    routers: Sequence[APIRouter] | None,
    jobs: Sequence[Job] | None,
    after_upload: Sequence[ArtifactHook] | None,
) -> tuple[Sequence[APIRouter], Sequence[Job], Sequence[ArtifactHook]]:
    """The server's routers (API, evaluation with /metrics, registries, web UI), scheduled
    jobs and upload hooks, unless a caller (a test) names its own. Imported here: they import
    this module."""
    from garrison.server import evaluate, ui
    from garrison.server import jobs as scheduled
    from garrison.server.api import evaluation, watch

    return (
        routers if routers is not None else (*ROUTERS, evaluation.router, watch.router, ui.router),
        jobs if jobs is not None else scheduled.JOBS,
        after_upload if after_upload is not None else (evaluate.after_upload,),
    )


def create_app(
    settings: ServerSettings,
    *,
    database: Database | None = None,
    jobs: Sequence[Job] | None = None,
    after_upload: Sequence[ArtifactHook] | None = None,
    routers: Sequence[APIRouter] | None = None,
) -> FastAPI:
    """The app; with no `database` it prepares one from the settings (and disposes of it
    at shutdown). `routers` default to the API's and the web UI's."""
    routers, jobs, after_upload = _defaults(routers, jobs, after_upload)
    owned = database is None
    db = database if database is not None else prepare_database(settings)
    from garrison.server import evaluate  # imported here: it imports this module

    context = ServerContext(
        settings, db, after_upload=tuple(after_upload),
        after_deployment=(evaluate.after_deployment,),
    )  # fmt: skip
    app = FastAPI(
        title="Garrison server",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(context, tuple(jobs), owned),
    )
    app.state.server = context
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(Authenticate, database=db)  # outermost: 401 before a body is read
    _add_error_handlers(app)
    app.openapi = _documented_openapi(app)  # type: ignore[method-assign]
    app.add_api_route("/healthz", _healthz, methods=["GET"], tags=["health"])
    for router in routers:
        app.include_router(router)
    return app


def _documented_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document with the real error model (`api.errors`), built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(FastAPI.openapi(app))
        return app.openapi_schema

    return openapi


def _healthz(request: Request) -> JSONResponse:
    """Liveness and database reachability; open (no token)."""
    server: ServerContext = request.app.state.server
    with server.database.session_scope(write=False) as session:
        session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(IngestError, _refused)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _database_down)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)


_REFUSAL_STATUS = {Refusal.INVALID: 422, Refusal.FORBIDDEN: 403, Refusal.NOT_FOUND: 404,
                   Refusal.CONFLICT: 409}  # fmt: skip


async def _refused(_request: Request, exc: IngestError) -> JSONResponse:
    return JSONResponse({"detail": exc.message}, status_code=_REFUSAL_STATUS[exc.refusal])


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each problem (location, message) without echoing the input back."""
    errors = [
        {
            "loc": list(error.get("loc", ())),
            "msg": str(error.get("msg", "")),
            "type": error.get("type"),
        }
        for error in exc.errors()[:50]
    ]
    return JSONResponse({"detail": errors}, status_code=422)


async def _database_down(_request: Request, exc: OperationalError) -> JSONResponse:
    log.error("database error: %s", type(exc.orig or exc).__name__)
    return JSONResponse({"detail": "the database is unavailable; try again"}, status_code=503)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return JSONResponse({"detail": "internal server error"}, status_code=500)


def _lifespan(
    context: ServerContext, jobs: tuple[Job, ...], owned: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        threads = _start_jobs(context, jobs, stop) if context.settings.background else []
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            if owned:
                context.database.dispose()

    return lifespan


def _start_jobs(
    context: ServerContext, jobs: tuple[Job, ...], stop: threading.Event
) -> list[threading.Thread]:
    threads = []
    for job in jobs:
        interval = job.interval(context.settings)
        if interval is None or interval.total_seconds() <= 0:
            continue
        thread = threading.Thread(
            target=_loop,
            args=(context, job, interval, stop),
            name=f"garrison-{job.name}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads


def _loop(context: ServerContext, job: Job, interval: timedelta, stop: threading.Event) -> None:
    """Run the job now and every `interval` until stopped; a failure is logged, not fatal."""
    while not stop.is_set():
        try:
            job.run_once(context)
        except Exception:
            log.exception("background job %s failed; it runs again in %s", job.name, interval)
        stop.wait(interval.total_seconds())


# --- middleware: the body size limit (authentication is garrison.server.auth's) ----------


class BodyLimit:
    """413 for a body over `limit` bytes (by Content-Length, or counted as it arrives); the
    body is read whole before the route runs, so a route never sees half a request."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            status = 413 if declared.isdigit() else 400
            await send_error(
                send, status, self._too_large() if status == 413 else "bad Content-Length"
            )
            return
        body = await self._read(receive)
        if body is None:
            await send_error(send, 413, self._too_large())
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> str:
        return f"the request body is larger than the limit of {self.limit} bytes"

    async def _read(self, receive: Receive) -> bytes | None:
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
