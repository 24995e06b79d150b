"""Fixtures for the server tests.

`database_url` is parametrized over SQLite (a file in tmp_path) and PostgreSQL (a real private
cluster from tests/support/postgres.py, one per test session, a fresh database per test; the
PostgreSQL cases skip with the reason when PostgreSQL is not installed). Every test that uses
it runs on both.

`settings` → ServerSettings on that database; `database` → the migrated `Database`;
`app` → `create_app(settings)`; `client` → a TestClient for it (no token set).
`make_token(role, team)` creates a token in the database and returns its secret;
`auth(secret)` is the Authorization header for it. `team` names "alpha", "beta" exist.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.postgres import PostgresCluster, run_postgres

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from garrison.server.config import ServerSettings
    from garrison.server.db.session import Database

TEAMS = ("alpha", "beta")
DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One private PostgreSQL server for the whole session (skips when not installed)."""
    with run_postgres() as cluster:
        yield cluster


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an EMPTY database: SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'garrison-server.db'}"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):  # a test that killed connections: still drop
            cluster.drop_database(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> ServerSettings:
    from garrison.server.config import ServerSettings, TeamSettings

    return ServerSettings(
        database_url=database_url,
        advisory_db=tmp_path / "vulndb.sqlite3",
        teams={name: TeamSettings() for name in TEAMS},
        background=False,  # tests drive the scheduled jobs themselves (run_once)
    )


@pytest.fixture
def database(settings: ServerSettings) -> Iterator[Database]:
    """The migrated database (teams from the settings created), disposed afterwards."""
    from garrison.server.app import prepare_database

    db = prepare_database(settings)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def app(settings: ServerSettings, database: Database) -> FastAPI:
    from garrison.server.app import create_app

    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_token(database: Database) -> Callable[..., str]:
    """make_token(role, team=None, name=None) -> the token secret (stored hashed)."""
    from garrison.server.auth import create_token

    counter = iter(range(1, 10_000))

    def make(role: str, team: str | None = None, name: str | None = None) -> str:
        label = name or f"{role}-{team or 'all'}-{next(counter)}"
        with database.session_scope() as session:
            return create_token(session, name=label, role=role, team=team).secret

    return make


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin_headers(make_token: Callable[..., str]) -> dict[str, str]:
    return auth(make_token("admin"))


def json_of(response: Any) -> Any:
    """The JSON body, with the status in the assertion message when it is not JSON."""
    assert response.headers.get("content-type", "").startswith("application/json"), (
        response.status_code,
        response.text[:500],
    )
    return response.json()


@contextlib.contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Run `app` under a real uvicorn on 127.0.0.1 (a free port) in a thread; its base URL."""
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn on 127.0.0.1; its base URL."""
    with serve_in_thread(app) as url:
        yield url
