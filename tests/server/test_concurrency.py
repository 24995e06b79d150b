"""Concurrent uploads against a real uvicorn on 127.0.0.1, on SQLite and PostgreSQL: no lost
and no duplicated rows, and each artifact's components match its stored SBOM."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select, text

from garrison.sbom import read_sbom
from garrison.server import audit
from garrison.server.db.artifacts import (
    ArtifactInput,
    ComponentRow,
    StoreResult,
    component_rows,
    decompress_sbom,
    store_artifact,
)
from garrison.server.db.models import Artifact, AuditEntry, Component, Team
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.helpers import DIGEST_A, PURLS_V1, PURLS_V2, artifact_body, sbom_bytes

THREADS = 8


def _run_threads(work: Callable[[int], list[int]]) -> list[int]:
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(worker: int) -> None:
        try:
            got = work(worker)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)
            return
        with lock:
            statuses.extend(got)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


def _stored(database: Database) -> dict[str, tuple[list[ComponentRow], list[ComponentRow]]]:
    """key -> (component rows in the table, rows the stored SBOM gives)."""
    found = {}
    with database.session_scope(write=False) as session:
        for artifact in session.execute(select(Artifact)).scalars():
            rows = session.execute(select(Component).where(Component.artifact_id == artifact.id))
            table = sorted(
                (ComponentRow(c.ecosystem, c.release, c.name_key, c.name, c.version, c.purl,
                              c.source_package) for c in rows.scalars()),
                key=repr,
            )  # fmt: skip
            sbom = read_sbom(decompress_sbom(artifact.sbom, 10**7), "stored")
            found[artifact.key] = (table, sorted(component_rows(sbom.components), key=repr))
    return found


def test_concurrent_uploads_of_one_key_make_one_row(
    live_server: str, database: Database, make_token: Callable[..., str]
) -> None:
    headers = auth(make_token("uploader", "alpha"))

    def work(worker: int) -> list[int]:
        with httpx.Client(base_url=live_server, headers=headers, timeout=120) as client:
            return [
                client.post("/api/v1/artifacts", json=artifact_body(
                    DIGEST_A, PURLS_V1 if (worker + step) % 2 else PURLS_V2, version=str(worker),
                )).status_code
                for step in range(3)
            ]  # fmt: skip

    statuses = _run_threads(work)
    assert Counter(statuses) == {201: 1, 200: THREADS * 3 - 1}
    stored = _stored(database)
    assert list(stored) == [DIGEST_A]
    table, from_sbom = stored[DIGEST_A]
    assert table == from_sbom and len(table) == 3
    with database.session_scope(write=False) as session:
        assert audit.verify(session).ok
        actions = Counter(session.execute(select(AuditEntry.action)).scalars())
    assert (actions["artifact.created"], actions["artifact.updated"]) == (1, THREADS * 3 - 1)


def test_concurrent_uploads_of_different_keys_lose_nothing(
    live_server: str, database: Database, make_token: Callable[..., str]
) -> None:
    headers = auth(make_token("uploader", "alpha"))

    def work(worker: int) -> list[int]:
        with httpx.Client(base_url=live_server, headers=headers, timeout=120) as client:
            return [
                client.post("/api/v1/artifacts", json=artifact_body(
                    f"build-{worker}-{step}",
                    [*PURLS_V1, f"pkg:npm/only-{worker}-{step}@1.0.0"],
                )).status_code
                for step in range(5)
            ]  # fmt: skip

    statuses = _run_threads(work)
    assert Counter(statuses) == {201: THREADS * 5}
    stored = _stored(database)
    assert sorted(stored) == sorted(f"build-{w}-{s}" for w in range(THREADS) for s in range(5))
    assert all(table == from_sbom and len(table) == 4 for table, from_sbom in stored.values())
    with database.session_scope(write=False) as session:
        total = session.execute(select(func.count()).select_from(Component)).scalar_one()
        assert audit.verify(session).ok
    assert total == THREADS * 5 * 4


def _item(key: str, purls: tuple[str, ...], team_id: int) -> ArtifactInput:
    rows = component_rows(read_sbom(sbom_bytes(purls), "t").components)
    return ArtifactInput(key, "shop", None, None, None, None, None, None, team_id,
                         sbom_bytes(purls), rows, "test")  # fmt: skip


def test_racing_first_uploads_of_one_key_on_postgresql(database: Database) -> None:
    """The second insert waits on the first's uncommitted row, does nothing, and then finds
    and updates that row: one artifact, the second upload's components."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite writers are serialised up front (test_session: BEGIN IMMEDIATE)")
    with database.session_scope(write=False) as session:
        team_id = session.execute(select(Team.id).where(Team.name == "alpha")).scalar_one()
    now = datetime.now(UTC)
    with ExitStack() as stack:
        first = stack.enter_context(database.session_scope())
        assert store_artifact(first, _item(DIGEST_A, PURLS_V1, team_id), now).created
        results: list[StoreResult] = []

        def second() -> None:
            with database.session_scope() as session:
                results.append(store_artifact(session, _item(DIGEST_A, PURLS_V2, team_id), now))

        thread = threading.Thread(target=second)
        thread.start()
        _wait_until_a_backend_waits_on_a_lock(database)
    thread.join()
    assert [(r.created, r.added, r.removed) for r in results] == [(False, 2, 2)]
    stored = _stored(database)
    assert list(stored) == [DIGEST_A]
    assert sorted(r.name for r in stored[DIGEST_A][0]) == ["Flask_Login", "openssl", "requests"]


def _wait_until_a_backend_waits_on_a_lock(database: Database) -> None:
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    deadline = time.monotonic() + 60  # a wait for the other thread, not a speed assertion
    while time.monotonic() < deadline:
        with database.engine.connect() as connection:
            if connection.execute(query).scalar_one() > 0:
                return
        time.sleep(0.02)
    raise AssertionError("the second upload never waited for the first one's row")
