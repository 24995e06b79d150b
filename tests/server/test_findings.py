"""Finding states: pure transitions, then their application in the database (both DBs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from garrison.server import sync
from garrison.server.config import ServerSettings, TeamSettings
from garrison.server.db.models import AuditEntry, Delivery, Finding
from garrison.server.db.session import Database
from garrison.server.evaluate import after_deployment, after_upload
from garrison.server.findings import (
    Change,
    Event,
    State,
    TransitionError,
    acknowledge,
    transition,
)
from tests.server.conftest import auth
from tests.server.evaluation_helpers import (
    DAY,
    NOW,
    add_artifact,
    context,
    deploy,
    evaluation_client,
    findings_table,
    issues_table,
    osv,
)


@pytest.mark.parametrize(
    ("state", "event", "reason", "expected"),
    [
        (None, Event.DETECTED, None, Change(State.NEW, None, True)),
        (State.NEW, Event.DETECTED, None, Change(State.NEW, None, False)),
        (State.OPEN, Event.DETECTED, None, Change(State.OPEN, None, False)),
        (State.ACKNOWLEDGED, Event.DETECTED, None, Change(State.ACKNOWLEDGED, None, False)),
        (State.SUPPRESSED, Event.DETECTED, None, Change(State.SUPPRESSED, None, False)),
        (State.RESOLVED, Event.DETECTED, None, Change(State.NEW, "detected again", True)),
        (State.NEW, Event.NOTIFIED, None, Change(State.OPEN, None, True)),
        (State.OPEN, Event.NOTIFIED, None, Change(State.OPEN, None, False)),
        (State.RESOLVED, Event.NOTIFIED, None, Change(State.RESOLVED, None, False)),
        (State.NEW, Event.ACKNOWLEDGED, " known ", Change(State.ACKNOWLEDGED, "known", True)),
        (State.OPEN, Event.ACKNOWLEDGED, "ok", Change(State.ACKNOWLEDGED, "ok", True)),
        (State.ACKNOWLEDGED, Event.ACKNOWLEDGED, "new", Change(State.ACKNOWLEDGED, "new", False)),
        (State.OPEN, Event.GONE, "fixed", Change(State.RESOLVED, "fixed", True)),
        (State.ACKNOWLEDGED, Event.GONE, "fixed", Change(State.RESOLVED, "fixed", True)),
        (State.SUPPRESSED, Event.GONE, "fixed", Change(State.RESOLVED, "fixed", True)),
        (State.RESOLVED, Event.GONE, "fixed", Change(State.RESOLVED, None, False)),
        (State.NEW, Event.SUPPRESSED, "exc", Change(State.SUPPRESSED, "exc", True)),
        (State.ACKNOWLEDGED, Event.SUPPRESSED, "exc", Change(State.SUPPRESSED, "exc", True)),
        (State.SUPPRESSED, Event.SUPPRESSED, "exc2", Change(State.SUPPRESSED, "exc2", False)),
        (State.RESOLVED, Event.SUPPRESSED, "exc", Change(State.RESOLVED, None, False)),
        (State.SUPPRESSED, Event.UNSUPPRESSED, None,
         Change(State.OPEN, "no policy exception covers it any more", True)),
        (State.OPEN, Event.UNSUPPRESSED, None, Change(State.OPEN, None, False)),
    ],
)  # fmt: skip
def test_transitions(
    state: State | None, event: Event, reason: str | None, expected: Change
) -> None:
    assert transition(state, event, reason) == expected


@pytest.mark.parametrize(
    ("state", "reason", "message"),
    [
        (State.RESOLVED, "why", "a resolved finding cannot be acknowledged"),
        (State.SUPPRESSED, "why", "a suppressed finding cannot be acknowledged"),
        (State.OPEN, "  ", "acknowledging a finding needs a reason"),
        (State.OPEN, None, "acknowledging a finding needs a reason"),
        (None, "why", "no finding to acknowledge"),
    ],
)
def test_acknowledging_is_refused_with_a_reason(
    state: State | None, reason: str | None, message: str
) -> None:
    with pytest.raises(TransitionError) as caught:
        transition(state, Event.ACKNOWLEDGED, reason)
    assert str(caught.value) == message


def test_events_other_than_detected_need_a_finding() -> None:
    with pytest.raises(TransitionError):
        transition(None, Event.GONE, "x")


# --- in the database ---------------------------------------------------------------------

SHOP_ISSUE = "alpha|shop|PyPI:pyyaml"


def _server(
    settings: ServerSettings, database: Database, policy: Path | None = None, now: Any = NOW
) -> Any:
    sinks = {"hook": {"type": "webhook", "url": "http://127.0.0.1:9/", "secret_env": "X"}}
    teams = {"alpha": TeamSettings(sinks=sinks, policy=policy), "beta": TeamSettings()}
    return context(settings.model_copy(update={"teams": teams}), database, now)


def _deliveries(database: Database) -> list[str]:
    with database.session_scope(write=False) as session:
        return list(session.scalars(select(Delivery.idempotency_key).order_by(Delivery.id)))


def test_deploying_a_fixed_build_resolves_and_closes_and_a_rollback_reopens(
    settings: ServerSettings, database: Database
) -> None:
    server = _server(settings, database)
    with database.session_scope() as session:
        v1 = add_artifact(
            session, "sha256:v1", "shop", [("PyPI", "PyYAML", "5.3")], uploaded_at=NOW - 3 * DAY
        )
        deploy(session, v1, "api")
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    with database.session_scope() as session:  # a fixed build is uploaded: v1 still runs
        v2 = add_artifact(session, "sha256:v2", "shop", [("PyPI", "PyYAML", "5.4")], version="2.0")
        after_upload(server, session, v2)
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [("sha256:v1", "PyYAML", "GHSA-y1", "new", None)]
    with database.session_scope() as session:  # the deployment moves to the fixed build
        deploy(session, v2, "api")
        after_deployment(server, session, v2)
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            ("sha256:v1", "PyYAML", "GHSA-y1", "resolved",
             "superseded: no deployment runs and a newer build of its name exists"),
        ]  # fmt: skip
        assert [i[:2] for i in issues_table(session)] == [(SHOP_ISSUE, "closed")]
    with database.session_scope() as session:  # rollback
        deploy(session, v1, "api")
        after_deployment(server, session, v1)
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            ("sha256:v1", "PyYAML", "GHSA-y1", "new", "detected again")
        ]
        assert [i[:2] for i in issues_table(session)] == [(SHOP_ISSUE, "open")]
    assert _deliveries(database) == [
        f"{SHOP_ISSUE}:opened:1:hook", f"{SHOP_ISSUE}:closed:1:hook", f"{SHOP_ISSUE}:opened:2:hook",
    ]  # fmt: skip


def test_an_upload_is_matched_at_once_and_an_older_undeployed_build_is_superseded(
    settings: ServerSettings, database: Database
) -> None:
    server = _server(settings, database)
    with database.session_scope() as session:
        add_artifact(
            session, "sha256:v1", "shop", [("PyPI", "PyYAML", "5.3")], uploaded_at=NOW - 3 * DAY
        )
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    with database.session_scope() as session:
        v2 = add_artifact(
            session, "sha256:v2", "shop", [("PyPI", "pyyaml", "5.3.1")], version="2.0"
        )
        after_upload(server, session, v2)
    with database.session_scope(write=False) as session:
        assert [row[:4] for row in findings_table(session)] == [
            ("sha256:v1", "PyYAML", "GHSA-y1", "resolved"),
            ("sha256:v2", "pyyaml", "GHSA-y1", "new"),
        ]
        assert [i[:2] for i in issues_table(session)] == [(SHOP_ISSUE, "open")]
    assert _deliveries(database) == [f"{SHOP_ISSUE}:opened:1:hook", f"{SHOP_ISSUE}:updated:1:hook"]


def _policy(tmp_path: Path, expires: date) -> Path:
    path = tmp_path / "alpha.yaml"
    path.write_text(
        "version: 1\nexceptions:\n  - id: CVE-2024-0001\n    reason: not reachable\n"
        f"    owner: team-alpha\n    expires: {expires.isoformat()}\n"
    )
    return path


def test_a_policy_exception_suppresses_by_alias_until_it_expires(
    settings: ServerSettings, database: Database, tmp_path: Path
) -> None:
    policy = _policy(tmp_path, date(2024, 7, 10))
    server = _server(settings, database, policy)
    with database.session_scope() as session:
        add_artifact(session, "sha256:v1", "shop", [("PyPI", "PyYAML", "5.3")])
        add_artifact(session, "sha256:b1", "cart", [("PyPI", "PyYAML", "5.3")], team="beta")
    sync.upload_advisories(
        server, [osv("GHSA-y1", "PyYAML", "5.4", aliases=["CVE-2024-0001"])], actor="ci"
    )
    reason = "exception CVE-2024-0001 (owner team-alpha): not reachable"
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            ("sha256:b1", "PyYAML", "GHSA-y1", "new", None),
            ("sha256:v1", "PyYAML", "GHSA-y1", "suppressed", reason),
        ]
        assert issues_table(session) == [
            ("beta|cart|PyPI:pyyaml", "open", "PyPI:pyyaml in cart: 1 finding (UNKNOWN)")
        ]
    sync.reconcile(_server(settings, database, policy, NOW + 9 * DAY))  # expires on the 10th
    sync.reconcile(_server(settings, database, policy, NOW + 10 * DAY))
    with database.session_scope(write=False) as session:
        assert findings_table(session)[1] == (
            "sha256:v1", "PyYAML", "GHSA-y1", "open", "no policy exception covers it any more",
        )  # fmt: skip
        assert [i[:2] for i in issues_table(session)] == [
            ("alpha|shop|PyPI:pyyaml", "open"), ("beta|cart|PyPI:pyyaml", "open"),
        ]  # fmt: skip


def test_acknowledging_records_the_reason_and_who(
    settings: ServerSettings, database: Database
) -> None:
    server = _server(settings, database)
    with database.session_scope() as session:
        add_artifact(session, "sha256:v1", "shop", [("PyPI", "PyYAML", "5.3")])
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    with database.session_scope() as session:
        finding_id = session.scalars(select(Finding.id)).one()
        acknowledge(session, finding_id, "fix ships Friday", "alice-token")
    with database.session_scope() as session, pytest.raises(LookupError):
        acknowledge(session, finding_id + 100, "x", "alice-token")
    with database.session_scope(write=False) as session:
        assert findings_table(session) == [
            (
                "sha256:v1",
                "PyYAML",
                "GHSA-y1",
                "acknowledged",
                "fix ships Friday (acknowledged by alice-token)",
            )
        ]


def test_the_acknowledge_api_refuses_what_cannot_be_acknowledged(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    server = _server(settings, database)
    with database.session_scope() as session:
        add_artifact(session, "sha256:v1", "shop", [("PyPI", "PyYAML", "5.3")])
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    sync.upload_advisories(
        server, [osv("GHSA-y1", "PyYAML", "5.0", modified="2024-02-01T00:00:00Z")], actor="ci"
    )
    headers = auth(make_token("uploader", "alpha"))
    with database.session_scope(write=False) as session:
        finding_id = session.scalars(select(Finding.id)).one()
    with evaluation_client(server.settings, database) as client:
        url = f"/api/v1/findings/{finding_id}/acknowledge"
        resolved = client.post(url, json={"reason": "x"}, headers=headers)
        assert (resolved.status_code, resolved.json()) == (
            409, {"detail": "a resolved finding cannot be acknowledged"},
        )  # fmt: skip
        assert client.post(url, json={"reason": "   "}, headers=headers).status_code == 422
        missing = client.post(
            f"/api/v1/findings/{finding_id + 1000}/acknowledge",
            json={"reason": "x"},
            headers=headers,
        )
        assert (missing.status_code, missing.json()) == (404, {"detail": "finding not found"})
    with database.session_scope(write=False) as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "finding.acknowledged" not in actions  # refused: nothing recorded


def test_a_deployment_push_resolves_what_the_replaced_build_had(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    """Through the API: the push itself re-evaluates (no scheduled reconcile needed)."""
    server = _server(settings, database)
    with database.session_scope() as session:
        v1 = add_artifact(
            session, "sha256:v1", "shop", [("PyPI", "PyYAML", "5.3")], uploaded_at=NOW - 3 * DAY
        )
        deploy(session, v1, "api")
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="ci")
    with database.session_scope() as session:
        v2 = add_artifact(session, "sha256:v2", "shop", [("PyPI", "PyYAML", "5.4")], version="2.0")
        after_upload(server, session, v2)
    push = {"environment": "prod", "cluster": "eu-1", "workload": "api", "artifact": "sha256:v2"}
    with evaluation_client(server.settings, database) as client:
        pushed = client.post(
            "/api/v1/deployments", json=push, headers=auth(make_token("uploader", "alpha"))
        )
        assert pushed.status_code in (200, 201)
    with database.session_scope(write=False) as session:
        assert [row[3] for row in findings_table(session)] == ["resolved"]
        assert [i[:2] for i in issues_table(session)] == [(SHOP_ISSUE, "closed")]
