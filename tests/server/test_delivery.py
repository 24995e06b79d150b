"""The outbox worker on SQLite and a real PostgreSQL, sending to real recording HTTP servers on
127.0.0.1: order, backoff, Retry-After, permanent errors, giving up, a sink down for an hour,
timeouts, a crash and restart in the middle, and two workers at once — every issue delivered
exactly once. Time is simulated by passing `now`."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from garrison.server.db.migrate import upgrade
from garrison.server.db.models import Artifact, Delivery, Finding, Issue, IssueFinding, Team
from garrison.server.db.session import Database
from garrison.server.delivery import DeliveryWorker, RetryPolicy, SinkTable, backoff, run_once
from garrison.server.sinks.base import DeliveryResult, IssueEvent, Sink, issue_marker
from garrison.server.sinks.github import GitHubSink
from garrison.server.sinks.webhook import WebhookSink, verify_signature
from tests.support.recorder import Answer, FakeGitHub, Recorder, dead_url, recording

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
TOKEN = "test-" + "tok" * 6
SECRET = "shared-" + "s3cr" * 4
POLICY = RetryPolicy()
LEASE = POLICY.lease


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database)
    with database.session_scope() as session:
        session.add_all([Team(name="alpha"), Team(name="beta")])
    yield database
    database.dispose()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        yield client


def add_issue(db: Database, package: str, team: str = "alpha", findings: int = 1) -> int:
    """An open issue of artifact `shop` with `findings` findings; its id."""
    with db.session_scope() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == team))
        artifact = Artifact(key=f"sha256:{package}", name="shop", team_id=team_id, sbom=b"{}",
                            uploaded_at=T0, uploaded_by="ci")  # fmt: skip
        session.add(artifact)
        key = f"{team}|shop|{package}"
        issue = Issue(team_id=team_id, artifact_name="shop", package=package, state="open",
                      title=f"{package} in shop", body=f"**{package}** is affected.",
                      severity="high", opened_at=T0, updated_at=T0, dedupe_key=key)  # fmt: skip
        session.add(issue)
        session.flush()
        for n in range(findings):
            finding = Finding(artifact_id=artifact.id, kind="vulnerability", rule_id=f"CVE-{n}",
                              severity="high", summary=f"flaw {n}", fixed_versions=[],
                              state="open", first_seen_at=T0, last_seen_at=T0)  # fmt: skip
            session.add(finding)
            session.flush()
            session.add(IssueFinding(issue_id=issue.id, finding_id=finding.id))
        return issue.id


def enqueue(db: Database, issue_id: int, sink: str, event: str, at: datetime = T0) -> str:
    """A pending delivery (what issues.py writes); its idempotency key."""
    with db.session_scope() as session:
        dedupe = session.get_one(Issue, issue_id).dedupe_key
        key = f"{dedupe}:{event}:{sink}:{session.query(Delivery).count()}"
        session.add(Delivery(issue_id=issue_id, sink=sink, event=event, idempotency_key=key,
                             status="pending", attempts=0, next_attempt_at=at))  # fmt: skip
        return key


def rows(db: Database) -> list[tuple[str, str, int, str | None, str | None]]:
    """(key, status, attempts, external_ref, last_error) of every delivery, in id order."""
    with db.session_scope(write=False) as session:
        query = select(Delivery).order_by(Delivery.id)
        return [
            (d.idempotency_key, d.status, d.attempts, d.external_ref, d.last_error)
            for d in session.scalars(query)
        ]


def run(db: Database, sinks: SinkTable, now: datetime, rand: float = 0.0) -> tuple[int, int, int]:
    with db.session_scope() as session:
        report = run_once(session, sinks, now, POLICY, lambda: rand, "https://garrison.example")
    return len(report.sent), len(report.retrying), len(report.failed)


def hook(url: str, http: httpx.Client) -> WebhookSink:
    return WebhookSink(url + "/hook", SECRET, http)


def keys_of(recorder: Recorder) -> list[str]:
    return [r.headers["x-garrison-delivery"] for r in recorder.requests]


def host(url: str) -> str:
    return url.removeprefix("http://")


def test_backoff_doubles_from_5_s_to_an_hour_with_jitter_and_honours_retry_after() -> None:
    assert [backoff(n, POLICY, 0.0, None) for n in (1, 2, 3, 4, 10, 11, 12)] == [
        5.0, 10.0, 20.0, 40.0, 2560.0, 3600.0, 3600.0,
    ]  # fmt: skip
    assert backoff(1, POLICY, 0.5, None) == 3.75
    assert backoff(3, POLICY, 0.999, None) == pytest.approx(10.01)
    assert backoff(1, POLICY, 0.0, 120.0) == 120.0
    assert backoff(1, POLICY, 0.0, 99_999.0) == 3600.0
    assert backoff(12, POLICY, 0.0, 7.0) == 3600.0
    assert backoff(100_000, POLICY, 0.0, None) == 3600.0


def test_due_deliveries_go_out_in_id_order_with_the_issue_as_it_is(
    db: Database, http: httpx.Client
) -> None:
    issues = [add_issue(db, f"npm:p{n}", findings=2) for n in range(3)]
    keys = [enqueue(db, issue, "hook", "opened") for issue in reversed(issues)]
    later = enqueue(db, issues[0], "hook", "updated", at=T0 + timedelta(minutes=1))
    with recording() as server:
        assert run(db, {("alpha", "hook"): hook(server.url, http)}, T0) == (3, 0, 0)
        assert run(db, {("alpha", "hook"): hook(server.url, http)}, T0) == (0, 0, 0)
    assert keys_of(server) == keys
    first = server.requests[0]
    verify_signature(SECRET, first.headers, first.body, now=time.time())
    assert first.json()["findings"] == ["CVE-0 (high): flaw 0", "CVE-1 (high): flaw 1"]
    assert first.json()["url"] == f"https://garrison.example/issues/{issues[2]}"
    assert first.json()["title"] == "npm:p2 in shop"
    assert rows(db) == [(key, "sent", 1, None, None) for key in keys] + [
        (later, "pending", 0, None, None)
    ]
    with db.session_scope(write=False) as session:
        assert {d.sent_at for d in session.scalars(select(Delivery).where(Delivery.id <= 3))} == {
            T0
        }


def test_forge_reference_is_remembered_for_the_later_events(
    db: Database, http: httpx.Client
) -> None:
    issue = add_issue(db, "npm:lodash")
    keys = [enqueue(db, issue, "gh", event) for event in ("opened", "updated", "closed")]
    fake = FakeGitHub(TOKEN)
    with recording(fake) as server:
        sinks = {("alpha", "gh"): GitHubSink("owner/repo", TOKEN, http, api_url=server.url)}
        assert run(db, sinks, T0) == (3, 0, 0)
    assert rows(db) == [(key, "sent", 1, "1", None) for key in keys]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in server.requests] == [
        ("GET", "issues"),  # marker search before creating
        ("POST", "issues"),
        ("GET", "comments"),
        ("POST", "comments"),
        ("GET", "comments"),
        ("POST", "comments"),
        ("PATCH", "1"),
    ]
    assert [(i.state, len(i.comments)) for i in fake.issues.values()] == [("closed", 2)]


def test_failures_back_off_and_retry_after_is_honoured(db: Database, http: httpx.Client) -> None:
    issue = add_issue(db, "npm:a")
    key = enqueue(db, issue, "hook", "opened")
    with recording() as server:
        sinks = {("alpha", "hook"): hook(server.url, http)}
        server.fail_next(1, Answer(500))
        assert run(db, sinks, T0) == (0, 1, 0)
        assert next_attempt(db) == T0 + timedelta(seconds=5)
        assert run(db, sinks, T0 + timedelta(seconds=4)) == (0, 0, 0)
        server.fail_next(1, Answer(429, headers={"Retry-After": "600"}))
        assert run(db, sinks, T0 + timedelta(seconds=5)) == (0, 1, 0)
        assert next_attempt(db) == T0 + timedelta(seconds=605)
        assert rows(db) == [
            (key, "pending", 2, None, f"webhook {host(server.url)}: HTTP 429 Too Many Requests")
        ]
        assert run(db, sinks, T0 + timedelta(seconds=605)) == (1, 0, 0)
    assert keys_of(server) == [key, key, key]
    assert rows(db) == [(key, "sent", 3, None, None)]


def next_attempt(db: Database) -> datetime:
    with db.session_scope(write=False) as session:
        return session.scalars(select(Delivery.next_attempt_at)).one()


def test_permanent_errors_fail_at_once_and_the_next_event_goes_on(
    db: Database, http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    issue = add_issue(db, "npm:a")
    opened, updated = enqueue(db, issue, "hook", "opened"), enqueue(db, issue, "hook", "updated")
    unknown = enqueue(db, issue, "jira", "opened")
    with recording() as server, caplog.at_level(logging.INFO, "garrison.server.delivery"):
        server.fail_next(1, Answer(404))
        assert run(db, {("alpha", "hook"): hook(server.url + "/" + SECRET, http)}, T0) == (1, 0, 2)
    assert rows(db) == [
        (opened, "failed", 1, None, f"webhook {host(server.url)}: HTTP 404 Not Found"),
        (updated, "sent", 1, None, None),
        (unknown, "failed", 1, None, "team 'alpha' has no sink named 'jira'"),
    ]
    assert "delivery 1 (opened) to sink hook failed for good (refused, 1 attempts)" in caplog.text
    assert SECRET not in caplog.text


def test_gives_up_after_the_maximum_age_and_logs_it(
    db: Database, http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    key = enqueue(db, add_issue(db, "npm:a"), "hook", "opened")
    sinks = {("alpha", "hook"): hook(dead_url(), http)}
    with caplog.at_level(logging.WARNING, "garrison.server.delivery"):
        assert run(db, sinks, T0) == (0, 1, 0)
        assert run(db, sinks, T0 + timedelta(days=7) - timedelta(seconds=1)) == (0, 1, 0)
        assert run(db, sinks, T0 + timedelta(days=7, minutes=1)) == (0, 0, 1)
    [(stored, status, attempts, _, error)] = rows(db)
    assert (stored, status, attempts) == (key, "failed", 3)
    assert error is not None and error.endswith(": cannot connect (ConnectError)")
    assert "failed for good (gave up, 3 attempts)" in caplog.text


def test_an_issue_waits_for_its_earlier_event_and_a_failing_sink_waits_for_the_next_run(
    db: Database, http: httpx.Client
) -> None:
    first, second = add_issue(db, "npm:a"), add_issue(db, "npm:b")
    opened = enqueue(db, first, "hook", "opened")
    updated = enqueue(db, first, "hook", "updated")
    other = enqueue(db, second, "hook", "opened")
    beta = enqueue(db, add_issue(db, "npm:c", team="beta"), "hook", "opened")
    with recording() as server:
        sinks = {(team, "hook"): hook(server.url, http) for team in ("alpha", "beta")}
        server.fail_next(1, Answer(503))
        assert run(db, sinks, T0) == (1, 1, 0)  # alpha's hook failed: the rest of alpha waits
        assert run(db, sinks, T0 + timedelta(seconds=5)) == (3, 0, 0)
    assert keys_of(server) == [opened, beta, opened, updated, other]
    assert [status for _, status, *_ in rows(db)] == ["sent"] * 4


def test_a_sink_down_for_an_hour_gets_every_issue_exactly_once(
    db: Database, http: httpx.Client
) -> None:
    issues = [add_issue(db, f"npm:p{n}") for n in range(6)]
    hook_keys = [enqueue(db, issue, "hook", "opened") for issue in issues]
    gh_keys = [enqueue(db, issue, "gh", "opened") for issue in issues]
    fake = FakeGitHub(TOKEN)
    with recording(lambda _: Answer(500)) as down, recording() as up, recording(fake) as forge:
        broken: SinkTable = {
            ("alpha", "hook"): hook(down.url, http),
            ("alpha", "gh"): GitHubSink("owner/repo", TOKEN, http, api_url=dead_url()),
        }
        for minute in range(0, 61):  # an hour of 500s and refused connections
            assert run(db, broken, T0 + timedelta(minutes=minute), rand=0.3)[0] == 0
        working: SinkTable = {
            ("alpha", "hook"): hook(up.url, http),
            ("alpha", "gh"): GitHubSink("owner/repo", TOKEN, http, api_url=forge.url),
        }
        for step in range(0, 24):  # back: within the capped backoff everything goes out
            run(db, working, T0 + timedelta(hours=1, minutes=5 * step), rand=0.3)
        assert sorted(keys_of(up)) == sorted(hook_keys)
        assert len(down.requests) > len(hook_keys)  # each was tried, and more than once
    assert all(status == "sent" and attempts > 2 for _, status, attempts, *_ in rows(db))
    created = [issue.body for issue in fake.issues.values()]
    assert len(created) == len(issues)
    assert all(
        sum(issue_marker(f"alpha|shop|npm:p{n}") in b for b in created) == 1 for n in range(6)
    )
    refs = sorted(ref or "" for key, _, _, ref, _ in rows(db) if key in gh_keys)
    assert refs == ["1", "2", "3", "4", "5", "6"]


def test_a_timeout_whose_request_went_through_is_not_duplicated(
    db: Database, http: httpx.Client
) -> None:
    issue = add_issue(db, "npm:a")
    hook_key, gh_key = enqueue(db, issue, "hook", "opened"), enqueue(db, issue, "gh", "opened")
    fake = FakeGitHub(TOKEN)
    with (
        recording() as receiver,
        recording(fake) as forge,
        httpx.Client(timeout=0.3, trust_env=False) as impatient,
    ):
        receiver.slow_next(1, 5.0)
        forge.slow_next(1, 0.0)
        forge.slow_next(1, 5.0)  # the create is done, its answer is late
        sinks: SinkTable = {
            ("alpha", "hook"): hook(receiver.url, impatient),
            ("alpha", "gh"): GitHubSink("owner/repo", TOKEN, impatient, api_url=forge.url),
        }
        assert run(db, sinks, T0) == (0, 2, 0)
        assert run(db, sinks, T0 + timedelta(seconds=5)) == (2, 0, 0)
    assert len(fake.issues) == 1
    assert [r.method for r in forge.requests] == ["GET", "POST", "GET"]
    assert keys_of(receiver) == [hook_key, hook_key]  # the same key: the receiver drops the repeat
    assert rows(db) == [(hook_key, "sent", 2, None, None), (gh_key, "sent", 2, "1", None)]


class Crash(BaseException):
    """The process dies (nothing after this runs, not even except Exception)."""


class CrashingSink:
    """Dies before the inner sink acts, or after it acted but before the outbox records it."""

    def __init__(self, inner: Sink, after: bool) -> None:
        self.inner, self.after, self.kind = inner, after, inner.kind

    def deliver(self, event: IssueEvent) -> DeliveryResult:
        if self.after:
            self.inner.deliver(event)
        raise Crash


@pytest.mark.parametrize("after", [False, True], ids=["before-send", "after-send"])
def test_a_restart_in_the_middle_does_not_duplicate_a_forge_issue(
    db: Database, http: httpx.Client, after: bool
) -> None:
    key = enqueue(db, add_issue(db, "npm:a"), "gh", "opened")
    fake = FakeGitHub(TOKEN)
    with recording(fake) as forge:
        github = GitHubSink("owner/repo", TOKEN, http, api_url=forge.url)
        with pytest.raises(Crash):
            run(db, {("alpha", "gh"): CrashingSink(github, after)}, T0)
        assert rows(db) == [(key, "pending", 1, None, None)]  # claimed, outcome unknown
        restarted = Database(db.url)  # a new process: new engine, new worker, same database
        fresh = {("alpha", "gh"): GitHubSink("owner/repo", TOKEN, http, api_url=forge.url)}
        assert run(restarted, fresh, T0 + LEASE - timedelta(seconds=1)) == (0, 0, 0)
        assert run(restarted, fresh, T0 + LEASE) == (1, 0, 0)
        restarted.dispose()
    assert len(fake.issues) == 1
    assert rows(db) == [(key, "sent", 2, "1", None)]


def test_a_restart_before_sending_does_not_post_a_webhook_twice(
    db: Database, http: httpx.Client
) -> None:
    key = enqueue(db, add_issue(db, "npm:a"), "hook", "opened")
    with recording() as receiver:
        with pytest.raises(Crash):
            run(db, {("alpha", "hook"): CrashingSink(hook(receiver.url, http), False)}, T0)
        for _ in range(3):
            run(db, {("alpha", "hook"): hook(receiver.url, http)}, T0 + LEASE)
    assert keys_of(receiver) == [key]


def test_two_workers_never_send_the_same_delivery(db: Database, http: httpx.Client) -> None:
    first = enqueue(db, add_issue(db, "npm:a"), "hook", "opened")
    second = enqueue(db, add_issue(db, "npm:b"), "hook", "opened")

    class OtherWorkerClaims:
        """While worker A sends the first, worker B claims the second (A listed it already)."""

        kind = "webhook"

        def deliver(self, event: IssueEvent) -> DeliveryResult:
            if event.idempotency_key == first:
                with db.session_scope() as session:
                    session.execute(
                        update(Delivery)
                        .where(Delivery.idempotency_key == second)
                        .values(attempts=1, next_attempt_at=T0 + LEASE)
                    )
            return DeliveryResult()

    assert run(db, {("alpha", "hook"): OtherWorkerClaims()}, T0) == (1, 0, 0)
    assert rows(db) == [(first, "sent", 1, None, None), (second, "pending", 1, None, None)]


def test_the_worker_thread_delivers_until_stopped(db: Database, http: httpx.Client) -> None:
    key = enqueue(db, add_issue(db, "npm:a"), "hook", "opened", at=T0)
    with recording() as receiver:
        worker = DeliveryWorker(
            db.session_scope, {("alpha", "hook"): hook(receiver.url, http)}, 0.01
        )
        worker.start()
        deadline = time.monotonic() + 30
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.stop()
    assert keys_of(receiver) == [key]
    assert rows(db) == [(key, "sent", 1, None, None)]
