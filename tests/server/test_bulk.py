"""Bulk inserts: COPY on PostgreSQL (in the session's transaction), executemany elsewhere;
the rows read back are the rows given, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from garrison.server import sync
from garrison.server.db import bulk
from garrison.server.db.bulk import bulk_insert
from garrison.server.db.models import Delivery, Finding, Issue
from garrison.server.db.session import Database
from tests.server.evaluation_helpers import NOW, add_artifact, context, findings_table, osv

ROWS = 120  # over COPY_FROM: PostgreSQL takes the COPY path


def _finding(artifact_id: int, index: int) -> dict[str, Any]:
    return {
        "artifact_id": artifact_id, "component_id": None, "kind": "freshness",
        "rule_id": f"GAR-TEST-{index:03d}", "severity": "LOW",
        "summary": f"tab\there, quote ' \" backslash \\ newline\n{index}",
        "fixed_versions": ["1.0", "2.0"] if index % 2 else [], "state": "new",
        "state_reason": None if index % 3 else "a reason", "first_seen_at": NOW,
        "last_seen_at": NOW, "resolved_at": None,
    }  # fmt: skip


def test_rows_read_back_as_given(database: Database) -> None:
    assert ROWS >= bulk.COPY_FROM
    with database.session_scope() as session:
        artifact_id = add_artifact(session, "sha256:a", "shop", [])
        rows = [_finding(artifact_id, index) for index in range(ROWS)]
        bulk_insert(session, Finding, rows)
    with database.session_scope(write=False) as session:
        stored = session.scalars(select(Finding).order_by(Finding.rule_id)).all()
        got = [
            {key: getattr(finding, key) for key in rows[0]} for finding in stored
        ]  # fmt: skip
    assert got == rows


def test_a_failing_copy_rolls_back_with_the_transaction(database: Database) -> None:
    with database.session_scope() as session:
        artifact_id = add_artifact(session, "sha256:a", "shop", [])
    rows = [_finding(artifact_id, 0)] * ROWS  # the same (artifact, rule) twice: unique index
    with pytest.raises(Exception), database.session_scope() as session:  # noqa: B017
        add_artifact(session, "sha256:b", "cart", [])
        bulk_insert(session, Finding, rows)
    with database.session_scope(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Finding)) == 0
        assert findings_table(session) == []


def test_rows_without_a_defaulted_column_still_get_its_default(database: Database) -> None:
    with database.session_scope() as session:
        add_artifact(session, "sha256:a", "shop", [])
        session.add(Issue(team_id=None, artifact_name="shop", package="p", state="open",
                          title="t", body="b", severity="LOW", opened_at=NOW, updated_at=NOW,
                          closed_at=None, dedupe_key="k"))  # fmt: skip
        session.flush()
        issue_id = session.scalar(select(Issue.id))
        rows = [
            {
                "issue_id": issue_id,
                "sink": "hook",
                "event": "opened",
                "status": "pending",
                "idempotency_key": f"k:{n}",
                "next_attempt_at": NOW,
                "last_error": None,
                "external_ref": None,
                "sent_at": None,
                "created_at": NOW,
            }
            for n in range(ROWS)
        ]  # fmt: skip  (no "attempts": the ORM's default 0 must apply)
        bulk_insert(session, Delivery, rows)
    with database.session_scope(write=False) as session:
        assert set(session.scalars(select(Delivery.attempts))) == {0}


def test_a_sync_through_copy_records_findings_issues_and_deliveries(
    database: Database, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "COPY_FROM", 1)  # every insert of the sync takes the COPY path
    from garrison.server.config import TeamSettings

    hook = {"hook": {"type": "webhook", "url": "http://127.0.0.1:9/h", "secret_env": "X"}}
    teams = {"alpha": TeamSettings(sinks=hook), "beta": TeamSettings()}
    server = context(settings.model_copy(update={"teams": teams}), database)
    with database.session_scope() as session:
        for n in range(3):
            add_artifact(session, f"sha256:{n}", f"app-{n}", [("PyPI", "PyYAML", "5.3")])
    report = sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="t")
    assert (report.findings_created, len(report.issues.opened), report.issues.deliveries) == (
        3, 3, 3,
    )  # fmt: skip
    with database.session_scope(write=False) as session:
        assert [row[2:4] for row in findings_table(session)] == [("GHSA-y1", "new")] * 3
        assert session.scalar(select(func.count()).select_from(Delivery)) == 3
