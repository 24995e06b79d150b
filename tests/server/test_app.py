"""The app's own rules: errors as JSON (never a traceback), 503 when the database is down,
the OpenAPI document behind a token, the read-only cookie, background jobs' lifecycle."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from fastapi import APIRouter
from fastapi.testclient import TestClient

from garrison.server.api import ROUTERS
from garrison.server.api.deps import ServerContext
from garrison.server.app import Job, create_app
from garrison.server.auth import TOKEN_COOKIE
from garrison.server.config import ServerSettings
from garrison.server.db.session import Database
from tests.server.conftest import auth


def _boom_router() -> APIRouter:
    router = APIRouter()

    @router.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    return router


def test_unexpected_errors_are_a_json_500_without_details(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    app = create_app(settings, database=database, routers=(*ROUTERS, _boom_router()))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom", headers=auth(make_token("viewer", "alpha")))
    assert (response.status_code, response.json()) == (500, {"detail": "internal server error"})
    assert "passwd" not in response.text and "Traceback" not in response.text


def test_database_down_is_503(tmp_path: object) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = Database(f"postgresql://nobody@127.0.0.1:{port}/none")
    settings = ServerSettings(database_url=down.url.render_as_string(), background=False)
    with TestClient(create_app(settings, database=down), raise_server_exceptions=False) as client:
        health = client.get("/healthz")
        api = client.get("/api/v1/artifacts", headers=auth("gar_" + "x" * 43))
    expected = {"detail": "the database is unavailable; try again"}
    assert (health.status_code, health.json()) == (503, expected)
    assert (api.status_code, api.json()) == (503, expected)
    down.dispose()


def test_openapi_document_needs_a_token_and_documents_uploads(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert client.get("/docs").status_code == 401
    document = client.get("/api/v1/openapi.json", headers=auth(make_token("viewer", "alpha")))
    body = document.json()["paths"]["/api/v1/artifacts"]["post"]["requestBody"]["content"]
    assert sorted(body) == ["application/json", "multipart/form-data"]
    assert body["application/json"]["schema"]["required"] == ["key", "name", "sbom"]


def test_token_cookie_works_for_ui_reads_only(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    client.cookies.set(TOKEN_COOKIE, make_token("uploader", "alpha"))
    assert client.get("/ui/artifacts").status_code == 200  # the UI's pages
    assert client.get("/api/v1/artifacts").status_code == 401  # never the API
    assert client.post("/api/v1/deployments", json={}).status_code == 401  # no CSRF by cookie


def test_jobs_run_in_the_lifespan_and_stop_with_it(
    settings: ServerSettings, database: Database
) -> None:
    ran = threading.Event()
    seen: list[ServerContext] = []

    def run_once(context: ServerContext) -> None:
        seen.append(context)
        ran.set()

    def failing(_context: ServerContext) -> None:
        raise RuntimeError("a failing job is logged, never fatal")

    jobs = (
        Job("probe", lambda _s: timedelta(hours=1), run_once),
        Job("failing", lambda _s: timedelta(hours=1), failing),
        Job("unscheduled", lambda _s: None, failing),
    )
    busy = settings.model_copy(update={"background": True})  # the fixture's is quiet
    app = create_app(busy, database=database, jobs=jobs)
    with TestClient(app) as client:
        assert ran.wait(60)
        assert client.get("/healthz").status_code == 200
    running = [t.name for t in threading.enumerate() if t.name.startswith("garrison-")]
    assert running == []
    assert len(seen) == 1 and seen[0].database is database
    quiet = create_app(
        settings.model_copy(update={"background": False}), database=database, jobs=jobs[:1]
    )
    ran.clear()
    with TestClient(quiet):
        pass
    assert not ran.is_set()


def test_the_default_app_has_every_router_job_and_upload_hook(
    settings: ServerSettings, database: Database
) -> None:
    from garrison.server import evaluate, jobs

    app = create_app(settings, database=database)
    paths = set(app.openapi()["paths"])
    assert {"/api/v1/artifacts", "/api/v1/gate", "/api/v1/advisories/sync", "/metrics"} <= paths
    with TestClient(app) as client:  # the web UI is left out of the OpenAPI document
        assert client.get("/ui/login").status_code == 200
    assert [job.name for job in jobs.JOBS] == [
        "advisory-sync", "registry-watch", "golden-image-watch", "issue-delivery",
    ]  # fmt: skip
    assert app.state.server.after_upload == (evaluate.after_upload,)
