"""The outbox: `deliveries` rows (written in the same transaction as the issue change) are sent
to the teams' sinks by `run_once()`, in id order, retried with backoff until they go through.

One attempt: claim the row (attempts + 1 and a lease on next_attempt_at, only if nobody else
claimed it since — compare-and-set on attempts) and commit; send with NO transaction open;
then record the outcome (sent with its external_ref, failed, or the next attempt's time). A
crash after the claim leaves the row to be retried when the lease ends; a crash after the sink
acted but before the outcome was recorded is caught by the sinks themselves: forge issues and
comments carry markers searched before acting, webhooks carry the delivery key
(X-Garrison-Delivery) for the receiver to drop repeats. Deliveries of one (issue, sink) go out
in order: a pending one holds back the later ones of the same pair.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from garrison.server.db.models import Delivery, Finding, Issue, IssueFinding, Team
from garrison.server.db.types import utcnow
from garrison.server.sinks.base import DeliveryResult, EventKind, IssueEvent, Sink

log = logging.getLogger("garrison.server.delivery")
SinkTable = Mapping[tuple[str, str], Sink]  # (team name, sink name) → sink
MAX_FINDINGS = 50
MAX_ERROR = 500


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try again: base·2^(n-1) seconds, capped, minus up to `jitter` of it."""

    base: float = 5.0
    cap: float = 3600.0
    jitter: float = 0.5
    max_age: timedelta = timedelta(days=7)
    lease: timedelta = timedelta(minutes=5)  # longer than any one delivery can take
    batch: int = 500  # deliveries attempted per run at most


@dataclass(slots=True)
class RunReport:
    """What one run did, by delivery id."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Due:
    id: int
    issue_id: int
    team_id: int | None
    sink: str
    event: str
    idempotency_key: str
    attempts: int
    next_attempt_at: datetime


def backoff(attempts: int, policy: RetryPolicy, rand: float, retry_after: float | None) -> float:
    """Seconds to wait after the `attempts`-th failed attempt (`rand` in [0, 1) for jitter);
    a Retry-After the far end sent is honoured up to the cap."""
    delay = min(policy.cap, policy.base * 2.0 ** min(max(attempts - 1, 0), 40))
    delay *= 1.0 - policy.jitter * rand
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.cap))
    return delay


def run_once(
    session: Session,
    sinks: SinkTable,
    now: datetime,
    policy: RetryPolicy = RetryPolicy(),
    rand: Callable[[], float] = random.random,
    base_url: str = "",
) -> RunReport:
    """Attempt every due pending delivery once (oldest first); commits as it goes."""
    run, report = _Run(session, sinks, now, policy, rand, base_url), RunReport()
    pending = [_Due(*row) for row in session.execute(_PENDING)]
    session.commit()
    held: set[tuple[int, str]] = set()  # (issue, sink) pairs with an earlier delivery pending
    failing: set[tuple[int | None, str]] = set()  # (team, sink) that failed in this run
    for due in pending:
        pair = (due.issue_id, due.sink)
        tried = len(report.sent) + len(report.retrying) + len(report.failed)
        skip = due.next_attempt_at > now or tried >= policy.batch
        if pair in held or skip or (due.team_id, due.sink) in failing:
            held.add(pair)
            continue
        outcome = run.attempt(due)
        if outcome in ("sent", "failed"):
            getattr(report, outcome).append(due.id)
            continue
        held.add(pair)  # retrying, or another worker has it: the later ones of the pair wait
        if outcome == "retrying":
            report.retrying.append(due.id)
            failing.add((due.team_id, due.sink))
    return report


_PENDING = (
    select(
        Delivery.id,
        Delivery.issue_id,
        Issue.team_id,
        Delivery.sink,
        Delivery.event,
        Delivery.idempotency_key,
        Delivery.attempts,
        Delivery.next_attempt_at,
    )
    .join(Issue, Issue.id == Delivery.issue_id)
    .where(Delivery.status == "pending")
    .order_by(Delivery.id)
)


@dataclass(frozen=True, slots=True)
class _Run:
    session: Session
    sinks: SinkTable
    now: datetime
    policy: RetryPolicy
    rand: Callable[[], float]
    base_url: str

    def attempt(self, due: _Due) -> str:
        """One attempt: "sent", "retrying", "failed" or "" (another worker has it)."""
        lease = self.now + self.policy.lease
        if not self._update(due, due.attempts, attempts=due.attempts + 1, next_attempt_at=lease):
            self.session.commit()
            return ""
        event, changed_at = self.event_of(due)
        self.session.commit()  # no transaction stays open while the sink works
        sink = self.sinks.get((event.team, due.sink))
        if sink is None:
            result = DeliveryResult(error=f"team {event.team!r} has no sink named {due.sink!r}")
        else:
            result = _deliver(sink, event)
        outcome = self.record(due, result, changed_at)
        self.session.commit()
        return outcome

    def event_of(self, due: _Due) -> tuple[IssueEvent, datetime]:
        """The event as the sinks see it, and when the change it reports was made."""
        issue = self.session.get_one(Issue, due.issue_id)
        team = self.session.get(Team, issue.team_id) if issue.team_id is not None else None
        kind = cast(EventKind, due.event)
        url = f"{self.base_url.rstrip('/')}/issues/{issue.id}" if self.base_url else ""
        event = IssueEvent(
            idempotency_key=due.idempotency_key,
            dedupe_key=issue.dedupe_key,
            event=kind,
            team=team.name if team else "",
            title=issue.title,
            body=issue.body,
            severity=issue.severity,
            findings=tuple(_finding_lines(self.session, issue.id)),
            url=url,
            external_ref=_known_ref(self.session, due),
        )
        return event, _changed_at(issue, kind)

    def record(self, due: _Due, result: DeliveryResult, changed_at: datetime) -> str:
        """Store the outcome of the attempt (unless another worker took the row over)."""
        attempts, error = due.attempts + 1, (result.error or "")[:MAX_ERROR]
        if result.ok:
            outcome, values = "sent", {"status": "sent", "sent_at": self.now, "last_error": None}
            values["external_ref"] = result.external_ref
        elif result.retryable and self.now - changed_at < self.policy.max_age:
            wait = backoff(attempts, self.policy, self.rand(), result.retry_after)
            outcome = "retrying"
            values = {"next_attempt_at": self.now + timedelta(seconds=wait), "last_error": error}
        else:
            outcome, values = "failed", {"status": "failed", "last_error": error}
        if not self._update(due, attempts, **values):
            log.warning("delivery %s was taken over by another worker", due.id)
            return ""
        _log(due, outcome, attempts, result)
        return outcome

    def _update(self, due: _Due, seen: int, **values: Any) -> bool:
        """Set `values` if the row is still pending with `seen` attempts (compare-and-set)."""
        statement = (
            update(Delivery)
            .where(Delivery.id == due.id, Delivery.status == "pending", Delivery.attempts == seen)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], self.session.execute(statement)).rowcount == 1


def _log(due: _Due, outcome: str, attempts: int, result: DeliveryResult) -> None:
    what = f"delivery {due.id} ({due.event}) to sink {due.sink}"
    if outcome == "sent":
        log.info("%s sent (attempt %d)", what, attempts)
    elif outcome == "retrying":
        log.warning("%s: attempt %d failed, will retry: %s", what, attempts, result.error)
    else:
        verdict = "gave up" if result.retryable else "refused"
        log.error("%s failed for good (%s, %d attempts): %s", what, verdict, attempts, result.error)


def _finding_lines(session: Session, issue_id: int) -> Iterator[str]:
    rows = session.execute(
        select(Finding.rule_id, Finding.severity, Finding.summary)
        .join(IssueFinding, IssueFinding.finding_id == Finding.id)
        .where(IssueFinding.issue_id == issue_id)
        .order_by(Finding.rule_id, Finding.id)
        .limit(MAX_FINDINGS)
    )
    for rule_id, severity, summary in rows:
        yield f"{rule_id} ({severity}): {summary}"


def _known_ref(session: Session, due: _Due) -> str | None:
    """What the sink answered for the latest earlier event of this issue."""
    return session.scalar(
        select(Delivery.external_ref)
        .where(
            Delivery.issue_id == due.issue_id,
            Delivery.sink == due.sink,
            Delivery.status == "sent",
            Delivery.external_ref.is_not(None),
            Delivery.id < due.id,
        )
        .order_by(Delivery.id.desc())
        .limit(1)
    )


def _changed_at(issue: Issue, kind: EventKind) -> datetime:
    """When the change a delivery reports was made: the start of its age (never too late)."""
    if kind == "opened":
        return issue.opened_at
    if kind == "closed" and issue.closed_at is not None:
        return issue.closed_at
    return issue.updated_at


def _deliver(sink: Sink, event: IssueEvent) -> DeliveryResult:
    """The sink's answer; a bug in a sink is a retryable failure, not a dead worker."""
    try:
        return sink.deliver(event)
    except Exception as exc:  # a sink's own bug must not stop every other delivery
        log.exception("sink %s crashed on delivery %s", sink.kind, event.idempotency_key)
        return DeliveryResult(
            error=f"{sink.kind} sink failed: {type(exc).__name__}", retryable=True
        )


@dataclass
class DeliveryWorker:
    """Runs `run_once` every `interval` seconds in a thread (the server's lifespan starts it)."""

    sessions: Callable[[], AbstractContextManager[Session]]  # e.g. Database.session_scope
    sinks: SinkTable
    interval: float
    policy: RetryPolicy = RetryPolicy()
    base_url: str = ""
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def run_once(self, now: datetime | None = None) -> RunReport:
        with self.sessions() as session:
            when = now or utcnow()
            return run_once(session, self.sinks, when, self.policy, base_url=self.base_url)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="garrison-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to end and wait for the attempt in progress (bounded by `timeout`)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database may be briefly away: try again next round
                log.exception("delivery run failed")
            self._stop.wait(self.interval)
