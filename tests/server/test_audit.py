"""The audit log's hash chain: appended with each change, tampering named by verify()."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from garrison.server import audit
from garrison.server.db.models import AuditEntry
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.helpers import DIGEST_A, DIGEST_B, PURLS_V2, upload

CHANGED = "its content does not match its hash"


def _append(database: Database, action: str, **details: object) -> int:
    with database.session_scope() as session:
        entry = audit.append(
            session, actor="tester", action=action, object_type="thing", object_id="7",
            details=details,
        )  # fmt: skip
        return entry.id


def _verify(database: Database) -> audit.Verification:
    with database.session_scope(write=False) as session:
        return audit.verify(session)


def _entries(database: Database) -> list[AuditEntry]:
    with database.session_scope(write=False) as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_chain_links_every_entry_and_verifies(database: Database) -> None:
    before = len(_entries(database))  # the configured teams' creation
    ids = [_append(database, f"thing.step{i}", n=i, text="é ü 漢") for i in range(3)]
    entries = _entries(database)
    assert [e.action for e in entries[before:]] == ["thing.step0", "thing.step1", "thing.step2"]
    assert entries[0].prev_hash == audit.GENESIS
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
        assert entry.hash == audit.hash_of(entry)
    assert _verify(database) == audit.Verification(True, before + 3)
    assert ids == sorted(ids)


def test_changes_are_audited_with_their_actor(
    client: TestClient, make_token: Callable[..., str], database: Database
) -> None:
    headers = auth(make_token("uploader", "alpha", name="ci-alpha"))
    upload(client, headers, DIGEST_A)
    upload(client, headers, DIGEST_A, PURLS_V2)
    push = {"environment": "prod", "cluster": "c1", "workload": "shop", "artifact": DIGEST_A}
    client.post("/api/v1/deployments", json=push, headers=headers)
    client.post("/api/v1/deployments", json=push, headers=headers)  # refresh: not a change
    upload(client, headers, DIGEST_B)
    client.post("/api/v1/deployments", json={**push, "artifact": DIGEST_B}, headers=headers)
    actions = [(e.actor, e.action) for e in _entries(database)]
    assert actions == [
        ("config", "team.created"), ("config", "team.created"), ("cli", "token.created"),
        ("ci-alpha", "artifact.created"), ("ci-alpha", "artifact.updated"),
        ("ci-alpha", "deployment.created"), ("ci-alpha", "artifact.created"),
        ("ci-alpha", "deployment.replaced"),
    ]  # fmt: skip
    updated = _entries(database)[4]
    assert updated.details == {
        "key": DIGEST_A, "name": "shop", "version": None, "components": 3, "added": 2,
        "removed": 2,
    }  # fmt: skip
    assert _verify(database).ok


def test_a_rejected_change_leaves_no_audit_entry(
    client: TestClient, make_token: Callable[..., str], database: Database
) -> None:
    headers = auth(make_token("uploader", "alpha"))
    before = len(_entries(database))
    bad = {"key": DIGEST_A, "name": "shop", "sbom": {"bomFormat": "CycloneDX", "components": 3}}
    assert client.post("/api/v1/artifacts", json=bad, headers=headers).status_code == 422
    assert len(_entries(database)) == before


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE id = {id}", CHANGED),
        ("UPDATE audit_log SET at = at - INTERVAL '1 day' WHERE id = {id}", CHANGED),
        ("UPDATE audit_log SET details = '{{\"n\": 99}}' WHERE id = {id}", CHANGED),
        ("DELETE FROM audit_log WHERE id = {id}", "prev_hash does not link to entry #{before}"),
    ],
)  # fmt: skip
def test_tampering_is_named_by_verify(database: Database, tamper: str, reason: str) -> None:
    ids = [_append(database, "thing.changed", n=i) for i in range(4)]
    target = ids[1]
    statement = tamper.format(id=target)
    if database.dialect == "sqlite":
        statement = statement.replace("at - INTERVAL '1 day'", "datetime(at, '-1 day')")
    with database.engine.begin() as connection:
        connection.execute(text(statement))
    result = _verify(database)
    broken = ids[2] if statement.startswith("DELETE") else target
    expected = reason.format(before=ids[0])
    assert (result.ok, result.broken_id, result.reason) == (False, broken, expected)


def test_cutting_off_the_newest_entries_is_detected(database: Database) -> None:
    ids = [_append(database, "thing.changed", n=i) for i in range(3)]
    with database.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM audit_log WHERE id = {ids[-1]}"))
    result = _verify(database)
    assert (result.ok, result.broken_id, result.reason) == (
        False, ids[1], f"the log ends at #{ids[1]} but the recorded head is #{ids[2]}",
    )  # fmt: skip


def test_concurrent_appends_never_fork_the_chain(database: Database) -> None:
    before = len(_entries(database))
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for step in range(10):
                _append(database, "thing.concurrent", worker=worker, step=step)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = _entries(database)
    assert len(entries) == before + 60
    assert len({e.prev_hash for e in entries}) == len(entries)  # no two share a parent
    assert _verify(database) == audit.Verification(True, before + 60)
