"""Writing issue changes (issues.py decides them): the issue rows, their links to findings and
the outbox rows of the teams' sinks — a handful of set-based statements per batch of issues,
in the caller's transaction.

Idempotency keys are f"{dedupe_key}:{event}:{n}:{sink}", n counting that event of that issue
for that sink (1 for the first opening, 2 for a re-opening...), so a retried transaction or a
second server can never enqueue the same delivery twice (the key is unique).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from garrison.server.db.bulk import bulk_insert
from garrison.server.db.models import Delivery, Issue, IssueFinding, Team

NO_TEAM = "-"


@dataclass(slots=True)
class IssueReport:
    """Issue ids by event, and how many deliveries were enqueued."""

    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    deliveries: int = 0


@dataclass(frozen=True, slots=True)
class IssuePlan:
    """One issue change: `issue_id` is None for an issue that does not exist yet."""

    key: str
    team: str
    artifact_name: str
    package: str
    event: str  # opened | updated | closed
    title: str
    body: str
    severity: str
    active_ids: tuple[int, ...]
    issue_id: int | None


def write_plans(
    session: Session,
    plans: Sequence[IssuePlan],
    sinks_of: Mapping[str, Sequence[str]],
    now: datetime,
    report: IssueReport,
) -> None:
    teams = {name: ident for ident, name in session.execute(select(Team.id, Team.name))}
    new = [_new_row(p, teams.get(p.team), now) for p in plans if p.issue_id is None]
    if new:
        bulk_insert(session, Issue, new)
    query = select(Issue.dedupe_key, Issue.id).where(Issue.dedupe_key.in_([p.key for p in plans]))
    ids = {key: ident for key, ident in session.execute(query)}
    changed = [_changed_row(p, now) for p in plans if p.issue_id is not None]
    if changed:
        session.execute(update(Issue), changed)
    _link(session, {ids[p.key]: p.active_ids for p in plans})
    report.deliveries += _enqueue(session, plans, ids, sinks_of, now)
    for plan in plans:
        getattr(report, plan.event).append(ids[plan.key])


def _new_row(plan: IssuePlan, team_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "team_id": team_id, "artifact_name": plan.artifact_name, "package": plan.package,
        "state": "open", "title": plan.title, "body": plan.body, "severity": plan.severity,
        "opened_at": now, "updated_at": now, "closed_at": None, "dedupe_key": plan.key,
    }  # fmt: skip


def _changed_row(plan: IssuePlan, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": plan.issue_id, "title": plan.title, "body": plan.body, "severity": plan.severity,
        "updated_at": now, "state": "closed" if plan.event == "closed" else "open",
        "closed_at": now if plan.event == "closed" else None,
    }  # fmt: skip
    if plan.event == "opened":
        values["opened_at"] = now
    return values


def _link(session: Session, active: Mapping[int, Sequence[int]]) -> None:
    """Link each issue to its active findings (links are kept: the issue's history)."""
    query = select(IssueFinding.issue_id, IssueFinding.finding_id)
    linked = set(session.execute(query.where(IssueFinding.issue_id.in_(list(active)))))
    rows = [
        {"issue_id": issue_id, "finding_id": finding_id}
        for issue_id, finding_ids in active.items()
        for finding_id in dict.fromkeys(finding_ids)
        if (issue_id, finding_id) not in linked
    ]
    if rows:
        bulk_insert(session, IssueFinding, rows)


def _enqueue(
    session: Session,
    plans: Sequence[IssuePlan],
    ids: Mapping[str, int],
    sinks_of: Mapping[str, Sequence[str]],
    now: datetime,
) -> int:
    query = (
        select(Delivery.issue_id, Delivery.event, Delivery.sink, func.count())
        .where(Delivery.issue_id.in_(list(ids.values())))
        .group_by(Delivery.issue_id, Delivery.event, Delivery.sink)
    )
    done = {(i, e, s): int(n) for i, e, s, n in session.execute(query)}
    rows = []
    for plan in plans:
        issue_id = ids[plan.key]
        for sink in sorted(sinks_of.get(plan.team, ())):
            number = done.get((issue_id, plan.event, sink), 0) + 1
            rows.append({
                "issue_id": issue_id, "sink": sink, "event": plan.event, "status": "pending",
                "attempts": 0, "idempotency_key": f"{plan.key}:{plan.event}:{number}:{sink}",
                "next_attempt_at": now, "last_error": None, "external_ref": None,
                "sent_at": None, "created_at": now,
            })  # fmt: skip
    if rows:
        bulk_insert(session, Delivery, rows)
    return len(rows)
