"""The life of a finding: pure state transitions, and their application to the database.

    (none) --detected--> new --notified (next sync)--> open --acknowledged--> acknowledged
    new/open/acknowledged --suppressed (policy exception)--> suppressed --unsuppressed--> open
    new/open/acknowledged/suppressed --gone--> resolved --detected--> new (it came back)

`gone` means no current deployment or artifact is affected any more: the advisory no longer
matches (fixed range, withdrawn), or the artifact is superseded (no deployment runs it and a
newer build of its name exists). Acknowledging needs a reason and names who did it; it is
refused for resolved and suppressed findings. Only a policy exception suppresses.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, text, update
from sqlalchemy.orm import Session

from garrison.errors import GarrisonError
from garrison.server.db.bulk import bulk_insert
from garrison.server.db.models import Finding
from garrison.server.index import chunks


class State(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    SUPPRESSED = "suppressed"


ACTIVE = frozenset({State.NEW, State.OPEN, State.ACKNOWLEDGED})  # keep an issue open


class Event(enum.StrEnum):
    DETECTED = "detected"  # the match (or freshness limit) says it is there
    NOTIFIED = "notified"  # a later sync: the team has been told
    ACKNOWLEDGED = "acknowledged"
    GONE = "gone"
    SUPPRESSED = "suppressed"
    UNSUPPRESSED = "unsuppressed"


class TransitionError(GarrisonError):
    """An event that makes no sense in the finding's state (e.g. acknowledging a resolved one)."""


@dataclass(frozen=True, slots=True)
class Change:
    state: State
    reason: str | None
    changed: bool  # False: the state stays (the reason may still be new)


SUPERSEDED = "superseded"  # the reason prefix of findings resolved by liveness, not by a fix


def transition(state: State | None, event: Event, reason: str | None = None) -> Change:
    """The finding's next state after `event`. `Change.reason` is the new state_reason, or
    None to keep the stored one."""
    if event is Event.DETECTED:
        if state is None:
            return Change(State.NEW, reason, True)
        if state is State.RESOLVED:
            return Change(State.NEW, reason or "detected again", True)
        return Change(state, None, False)
    if event is Event.NOTIFIED:
        if state is State.NEW:
            return Change(State.OPEN, None, True)
        return _same(state)
    if event is Event.ACKNOWLEDGED:
        return _acknowledge(state, reason)
    if event is Event.GONE:
        if state is None or state is State.RESOLVED:
            return _same(state)
        return Change(State.RESOLVED, reason, True)
    if event is Event.SUPPRESSED:
        if state in ACTIVE or state is State.SUPPRESSED:
            return Change(State.SUPPRESSED, reason, state is not State.SUPPRESSED)
        return _same(state)
    if state is State.SUPPRESSED:  # UNSUPPRESSED
        return Change(State.OPEN, reason or "no policy exception covers it any more", True)
    return _same(state)


def _same(state: State | None) -> Change:
    if state is None:
        raise TransitionError("no finding to change")
    return Change(state, None, False)


def _acknowledge(state: State | None, reason: str | None) -> Change:
    if state is None:
        raise TransitionError("no finding to acknowledge")
    if state not in ACTIVE:
        raise TransitionError(f"a {state} finding cannot be acknowledged")
    if not reason or not reason.strip():
        raise TransitionError("acknowledging a finding needs a reason")
    return Change(State.ACKNOWLEDGED, reason.strip(), state is not State.ACKNOWLEDGED)


# --- the database side -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Observation:
    """What an evaluation saw: one finding that is there now."""

    artifact_id: int
    component_id: int | None
    kind: str  # "vulnerability" | "freshness"
    rule_id: str
    severity: str  # Severity name
    summary: str
    fixed_versions: tuple[str, ...] = ()


FindingKey = tuple[int, int | None, str]


@dataclass(slots=True)
class Recorded:
    """What `record` changed: findings created or whose state changed, and their artifacts."""

    created: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    artifacts: set[int] = field(default_factory=set)

    def merge(self, other: Recorded) -> None:
        self.created += other.created
        self.changed += other.changed
        self.artifacts |= other.artifacts


def lock_evaluation(session: Session) -> None:
    """Serialise evaluations (syncs, uploads' matching): PostgreSQL takes a transaction-level
    advisory lock; SQLite write transactions already hold the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


_LOCK_KEY = 0x6761727269736F6E & 0x7FFFFFFFFFFFFFFF  # "garrison"


def record(
    session: Session,
    observations: Iterable[Observation],
    scope: ColumnElement[bool],
    *,
    live: Collection[int],
    gone_reason: Callable[[str], str],
    now: datetime,
) -> Recorded:
    """Upsert what was observed; findings in `scope` that were not observed are gone (with
    `gone_reason(rule_id)`). Observations on artifacts outside `live` are recorded resolved
    as superseded. `Recorded.changed` lists findings whose state or content changed."""
    existing = {
        (row.artifact_id, row.component_id, row.rule_id): row
        for row in session.execute(select(*_COLUMNS).where(scope))
    }
    done = Recorded()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    observed: set[FindingKey] = set()
    for seen in observations:
        key = (seen.artifact_id, seen.component_id, seen.rule_id)
        if key in observed:
            continue
        observed.add(key)
        row = existing.pop(key, None)
        if row is None:
            inserts.append(_new_row(seen, seen.artifact_id not in live, now))
            continue
        values = _seen_again(row, seen, seen.artifact_id not in live, now)
        updates.append(values)
        if values.get("state", row.state) != row.state or "severity" in values:
            done.changed.append(row.id)
            done.artifacts.add(row.artifact_id)
    updates += _gone(existing.values(), gone_reason, now, done)
    _write(session, inserts, updates, done, now)
    return done


def _gone(
    rows: Iterable[Any], gone_reason: Callable[[str], str], now: datetime, done: Recorded
) -> list[dict[str, Any]]:
    """The updates resolving findings in scope that were not observed."""
    updates = []
    for row in rows:
        change = transition(State(row.state), Event.GONE, gone_reason(row.rule_id))
        if change.changed:
            updates.append(_state_values(row.id, change, now))
            done.changed.append(row.id)
            done.artifacts.add(row.artifact_id)
    return updates


def _write(
    session: Session,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    done: Recorded,
    now: datetime,
) -> None:
    """One executemany each for the inserts and the updates (by primary key). New ids are read
    back by key afterwards: RETURNING over a large executemany is slow in SQLAlchemy 2.1."""
    if inserts:
        bulk_insert(session, Finding, inserts)
        wanted = {(v["artifact_id"], v["component_id"], v["rule_id"]) for v in inserts}
        for batch in chunks(sorted({key[0] for key in wanted})):
            query = select(Finding.id, Finding.artifact_id, Finding.component_id, Finding.rule_id)
            query = query.where(Finding.artifact_id.in_(batch), Finding.first_seen_at == now)
            done.created.extend(r.id for r in session.execute(query) if tuple(r[1:]) in wanted)
        done.artifacts.update(key[0] for key in wanted)
    if updates:
        session.execute(update(Finding), updates)


_COLUMNS = (
    Finding.id, Finding.artifact_id, Finding.component_id, Finding.rule_id, Finding.state,
    Finding.state_reason, Finding.severity, Finding.summary, Finding.fixed_versions,
)  # fmt: skip


def superseded_reason(artifact_key: str | None = None) -> str:
    what = f" {artifact_key}" if artifact_key else ""
    return f"{SUPERSEDED}: no deployment runs{what} and a newer build of its name exists"


def _new_row(seen: Observation, superseded: bool, now: datetime) -> dict[str, Any]:
    state, reason = State.NEW, None
    if superseded:
        state, reason = State.RESOLVED, superseded_reason()
    return {
        "artifact_id": seen.artifact_id, "component_id": seen.component_id, "kind": seen.kind,
        "rule_id": seen.rule_id, "severity": seen.severity, "summary": seen.summary,
        "fixed_versions": list(seen.fixed_versions), "state": state.value,
        "state_reason": reason, "first_seen_at": now, "last_seen_at": now,
        "resolved_at": now if superseded else None,
    }  # fmt: skip


def _seen_again(row: Any, seen: Observation, superseded: bool, now: datetime) -> dict[str, Any]:
    """The column values to write for an observed existing finding."""
    state = State(row.state)
    if superseded and state is State.RESOLVED:
        change = Change(state, None, False)
    elif superseded:
        change = transition(state, Event.GONE, superseded_reason())
    else:
        change = transition(state, Event.DETECTED)
    values: dict[str, Any] = {"id": row.id, "last_seen_at": now}
    if change.changed:
        values.update(_state_values(row.id, change, now))
    fixed = list(seen.fixed_versions)
    if (row.severity, row.summary, list(row.fixed_versions or ())) != (
        seen.severity,
        seen.summary,
        fixed,
    ):
        values.update(severity=seen.severity, summary=seen.summary, fixed_versions=fixed)
    return values


def _state_values(finding_id: int, change: Change, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"id": finding_id, "state": change.state.value}
    if change.reason is not None or change.state is State.NEW:
        values["state_reason"] = change.reason
    values["resolved_at"] = now if change.state is State.RESOLVED else None
    return values


def promote_new(session: Session) -> int:
    """new -> open for every finding recorded before this sync (the team has been told)."""
    result = session.execute(
        update(Finding).where(Finding.state == State.NEW.value).values(state=State.OPEN.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def acknowledge(session: Session, finding_id: int, reason: str, actor: str) -> Finding:
    """new/open -> acknowledged, with the reason and who said it (TransitionError otherwise;
    LookupError when there is no such finding)."""
    lock_evaluation(session)
    row = session.get(Finding, finding_id)
    if row is None:
        raise LookupError(finding_id)
    change = transition(State(row.state), Event.ACKNOWLEDGED, reason)
    row.state = change.state.value
    row.state_reason = f"{change.reason} (acknowledged by {actor})"
    session.flush()
    return row
