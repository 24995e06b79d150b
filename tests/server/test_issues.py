"""Issues: one per (team, artifact name, package), updated not re-opened, closed when nothing
is left; deliveries enqueued once per event and sink (pure rendering, then both DBs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from garrison.server import sync
from garrison.server.config import FreshnessLimits, ServerSettings, TeamSettings
from garrison.server.db.models import Delivery, Finding, Issue, IssueFinding
from garrison.server.db.session import Database
from garrison.server.issues import ListedFinding, decide, dedupe_key, package_of, render
from tests.server.conftest import auth
from tests.server.evaluation_helpers import (
    DAY,
    NOW,
    add_artifact,
    context,
    deploy,
    evaluation_client,
    issues_table,
    osv,
)


def _listed(
    ident: int, state: str, severity: str, key: str = "sha256:" + "a" * 64
) -> ListedFinding:
    note = "fine for now (acknowledged by bob)"
    return ListedFinding(ident, state, note, severity, f"GHSA-{ident}",
                         "a | pipe\nand a newline", ("5.4",), key, "1.2", "5.3")  # fmt: skip


def test_render_lists_active_findings_worst_first_deterministically() -> None:
    findings = [
        _listed(2, "open", "LOW"),
        _listed(1, "acknowledged", "HIGH"),
        _listed(3, "resolved", "CRITICAL"),
    ]
    text = render("shop", "PyPI:pyyaml", findings)
    assert text.title == "PyPI:pyyaml in shop: 2 findings (HIGH)"
    assert text.severity == "HIGH"
    assert text.body == (
        "**PyPI:pyyaml** in **shop**: 2 findings, worst HIGH.\n"
        "\n"
        "| Finding | Severity | Build | Version | Fixed in | Summary | Note |\n"
        "|---|---|---|---|---|---|---|\n"
        "| GHSA-1 | HIGH | 1.2 (`sha256:aaaaaaaaaaaa`) | 5.3 | 5.4 | a \\| pipe and a newline "
        "| fine for now (acknowledged by bob) |\n"
        "| GHSA-2 | LOW | 1.2 (`sha256:aaaaaaaaaaaa`) | 5.3 | 5.4 | a \\| pipe and a newline |  |\n"
    )
    assert render("shop", "PyPI:pyyaml", list(reversed(findings))) == text
    empty = render("shop", "PyPI:pyyaml", [_listed(3, "resolved", "HIGH")])
    assert (empty.title, empty.body) == (
        "PyPI:pyyaml in shop: 0 findings (UNKNOWN)",
        "**PyPI:pyyaml** in **shop**: no open findings left.\n",
    )


@pytest.mark.parametrize(
    ("state", "before", "active", "now", "event"),
    [
        (None, None, True, "b", "opened"),
        (None, None, False, "b", None),
        ("open", "b", True, "b", None),
        ("open", "a", True, "b", "updated"),
        ("open", "a", False, "b", "closed"),
        ("closed", "a", True, "a", "opened"),
        ("closed", "a", False, "b", None),
    ],
)
def test_decide(
    state: str | None, before: str | None, active: bool, now: str, event: str | None
) -> None:
    assert decide(state, before, active, now) == event


def test_keys_and_packages() -> None:
    assert dedupe_key("alpha", "shop", "PyPI:pyyaml") == "alpha|shop|PyPI:pyyaml"
    assert dedupe_key(None, "shop", "npm:x") == "-|shop|npm:x"
    assert package_of("vulnerability", "GHSA-1", "Debian", "openssl") == "Debian:openssl"
    assert package_of("freshness", "GAR-FRESH-004", None, None) == "freshness:uptime"


# --- in the database ---------------------------------------------------------------------

SINKS = {
    "chat": {"type": "slack", "url_env": "SLACK_URL"},
    "hook": {"type": "webhook", "url": "http://127.0.0.1:9/", "secret_env": "X"},
}


def _settings(settings: ServerSettings, **alpha: Any) -> ServerSettings:
    teams = {"alpha": TeamSettings(sinks=SINKS, **alpha), "beta": TeamSettings()}
    return settings.model_copy(update={"teams": teams})


def _deliveries(database: Database) -> list[tuple[str, str, str, str]]:
    with database.session_scope(write=False) as session:
        query = select(Delivery.sink, Delivery.event, Delivery.status, Delivery.idempotency_key)
        return [tuple(row) for row in session.execute(query.order_by(Delivery.id))]  # type: ignore[misc]


def test_builds_of_one_name_share_one_issue_updated_not_reopened(
    settings: ServerSettings, database: Database
) -> None:
    server = context(_settings(settings), database)
    with database.session_scope() as session:
        one = add_artifact(
            session, "sha256:s1", "shop", [("PyPI", "PyYAML", "5.3"), ("PyPI", "jinja2", "2.0")]
        )
        two = add_artifact(session, "sha256:s2", "shop", [("PyPI", "pyyaml", "5.1")], version="2.0")
        deploy(session, one, "api")
        deploy(session, two, "worker")
        add_artifact(session, "sha256:b1", "shop", [("PyPI", "pyyaml", "5.1")], team="beta")
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="t")
    sync.upload_advisories(
        server, [osv("GHSA-y2", "pyyaml", "6.0"), osv("GHSA-j1", "Jinja2", "3")], actor="t"
    )
    sync.rematch_changed(server)  # nothing changed: no event
    with database.session_scope(write=False) as session:
        assert issues_table(session) == [
            ("alpha|shop|PyPI:jinja2", "open", "PyPI:jinja2 in shop: 1 finding (UNKNOWN)"),
            ("alpha|shop|PyPI:pyyaml", "open", "PyPI:pyyaml in shop: 4 findings (UNKNOWN)"),
            ("beta|shop|PyPI:pyyaml", "open", "PyPI:pyyaml in shop: 2 findings (UNKNOWN)"),
        ]
        issue = session.scalars(
            select(Issue).where(Issue.dedupe_key == "alpha|shop|PyPI:pyyaml")
        ).one()
        linked = session.scalars(
            select(IssueFinding.finding_id).where(IssueFinding.issue_id == issue.id)
        )
        assert len(set(linked)) == 4
        assert (issue.opened_at, issue.updated_at) == (NOW, NOW)
    assert _deliveries(database) == [
        ("chat", "opened", "pending", "alpha|shop|PyPI:pyyaml:opened:1:chat"),
        ("hook", "opened", "pending", "alpha|shop|PyPI:pyyaml:opened:1:hook"),
        ("chat", "opened", "pending", "alpha|shop|PyPI:jinja2:opened:1:chat"),
        ("hook", "opened", "pending", "alpha|shop|PyPI:jinja2:opened:1:hook"),
        ("chat", "updated", "pending", "alpha|shop|PyPI:pyyaml:updated:1:chat"),
        ("hook", "updated", "pending", "alpha|shop|PyPI:pyyaml:updated:1:hook"),
    ]


def test_freshness_limits_open_issues_like_any_other(
    settings: ServerSettings, database: Database
) -> None:
    limits = FreshnessLimits(max_image_age=30 * DAY, max_uptime=14 * DAY)
    server = context(_settings(settings, freshness=limits), database)
    with database.session_scope() as session:
        old = add_artifact(session, "sha256:old", "shop", [], created_at=NOW - 40 * DAY)
        deploy(session, old, "api", at=NOW - 20 * DAY)
    sync.reconcile(server)
    with database.session_scope(write=False) as session:
        assert issues_table(session) == [
            (
                "alpha|shop|freshness:image-age",
                "open",
                "freshness:image-age in shop: 1 finding (MEDIUM)",
            ),
            ("alpha|shop|freshness:uptime", "open", "freshness:uptime in shop: 1 finding (LOW)"),
        ]
        summaries = sorted(session.scalars(select(Finding.summary)))
    assert summaries == [
        "running without a restart for more than 14d 0h: prod/eu-1/api since 2024-06-11",
        "the image was created 2024-05-22, more than 30d 0h ago (the limit)",
    ]
    sync.reconcile(
        context(_settings(settings, freshness=limits), database, NOW + DAY)
    )  # still stale
    assert [event for _, event, _, _ in _deliveries(database)] == ["opened"] * 4
    with database.session_scope() as session:  # restarted: uptime is fine again
        deploy(session, old, "api", at=NOW - 20 * DAY, restarted=NOW)
    sync.reconcile(context(_settings(settings, freshness=limits), database, NOW + 2 * DAY))
    with database.session_scope(write=False) as session:
        assert [i[:2] for i in issues_table(session)] == [
            ("alpha|shop|freshness:image-age", "open"), ("alpha|shop|freshness:uptime", "closed"),
        ]  # fmt: skip


def test_the_issue_list_is_team_scoped_and_acknowledging_updates_the_issue(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    server_settings = _settings(settings)
    with database.session_scope() as session:
        add_artifact(session, "sha256:s1", "shop", [("PyPI", "PyYAML", "5.3")])
        add_artifact(session, "sha256:b1", "cart", [("PyPI", "PyYAML", "5.3")], team="beta")
    sync.upload_advisories(
        context(server_settings, database), [osv("GHSA-y1", "PyYAML", "5.4")], actor="t"
    )
    alpha, beta = auth(make_token("uploader", "alpha")), auth(make_token("viewer", "beta"))
    with evaluation_client(server_settings, database) as client:
        listed = client.get("/api/v1/issues", headers=alpha).json()
        assert [(i["dedupe_key"], i["state"], i["team"]) for i in listed["items"]] == [
            ("alpha|shop|PyPI:pyyaml", "open", "alpha")
        ]
        assert listed["total"] == 1
        finding_id = listed["items"][0]["findings"][0]
        assert (
            client.post(
                f"/api/v1/findings/{finding_id}/acknowledge", json={"reason": "ok"}, headers=beta
            ).status_code
            == 403
        )
        answer = client.post(
            f"/api/v1/findings/{finding_id}/acknowledge", json={"reason": "known"}, headers=alpha
        )
        assert answer.status_code == 200
        assert (answer.json()["state"], answer.json()["state_reason"]) == (
            "acknowledged", f"known (acknowledged by {_token_name(database, 'alpha')})",
        )  # fmt: skip
        again = client.post(
            f"/api/v1/findings/{finding_id}/acknowledge", json={"reason": "known"}, headers=alpha
        )
        assert again.status_code == 200
        body = client.get("/api/v1/issues", headers=alpha).json()["items"][0]["body"]
        assert "| known (acknowledged by" in body
    assert [key for *_, key in _deliveries(database)] == [
        "alpha|shop|PyPI:pyyaml:opened:1:chat", "alpha|shop|PyPI:pyyaml:opened:1:hook",
        "alpha|shop|PyPI:pyyaml:updated:1:chat", "alpha|shop|PyPI:pyyaml:updated:1:hook",
    ]  # fmt: skip


def _token_name(database: Database, team: str) -> str:
    from garrison.server.db.models import Token

    with database.session_scope(write=False) as session:
        return session.scalars(select(Token.name).where(Token.role == "uploader")).one()


def test_a_changed_severity_updates_the_issue(settings: ServerSettings, database: Database) -> None:
    server = context(_settings(settings), database)
    with database.session_scope() as session:
        add_artifact(session, "sha256:s1", "shop", [("PyPI", "PyYAML", "5.3")])
    sync.upload_advisories(server, [osv("GHSA-y1", "PyYAML", "5.4")], actor="t")
    high = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]
    later = osv("GHSA-y1", "PyYAML", "5.4", modified="2024-02-01T00:00:00Z", severity=high)
    report = sync.upload_advisories(server, [later], actor="t")
    assert (report.findings_created, report.findings_changed, len(report.issues.updated)) == (
        0,
        1,
        1,
    )
    with database.session_scope(write=False) as session:
        assert issues_table(session) == [
            ("alpha|shop|PyPI:pyyaml", "open", "PyPI:pyyaml in shop: 1 finding (HIGH)")
        ]
