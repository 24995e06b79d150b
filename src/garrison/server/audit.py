"""The append-only audit log: who changed what, when, hash-chained so edits are detectable.

Each entry's `hash` is sha256(prev_hash + canonical JSON of {at, actor, action, object_type,
object_id, details}); the first entry's prev_hash is 64 zeros. Entries are appended inside
the transaction of the change they record, under a lock (PostgreSQL: a transaction advisory
lock; SQLite: the write transaction's own lock), so the chain never forks. The newest entry's
id and hash are also kept in `meta` (key `audit_head`), so cutting entries off the end is
detected too. `verify()` walks the chain and names the first broken entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from garrison.server.db.models import AuditEntry, Meta
from garrison.server.db.types import utcnow

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
_LOCK = 7_281_446_202  # pg_advisory_xact_lock key of the audit chain


def canonical(
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: Mapping[str, Any],
) -> str:
    document = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def hash_of(entry: AuditEntry) -> str:
    body = canonical(
        entry.at, entry.actor, entry.action, entry.object_type, entry.object_id, entry.details
    )
    return chain_hash(entry.prev_hash, body)


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry in the caller's transaction (committed or rolled back with the change)."""
    _lock(session)
    head = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=dict(details or {}),
        prev_hash=head or GENESIS,
    )
    entry.hash = hash_of(entry)
    session.add(entry)
    session.flush()
    session.merge(Meta(key=HEAD_KEY, value=f"{entry.id}:{entry.hash}"))
    return entry


def _lock(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
    elif not connection.get_execution_options().get("garrison_write"):
        raise RuntimeError("audit.append needs a writing session (Database.session_scope())")


@dataclass(frozen=True, slots=True)
class Verification:
    """`ok`, how many entries were checked, and the first broken entry with the reason."""

    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 1000) -> Verification:
    """Walk the chain in id order; stop at the first entry that does not hold."""
    previous, previous_id, checked = GENESIS, None, 0
    rows = session.execute(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    ).scalars()
    for entry in rows:
        if entry.prev_hash != previous:
            after = f"entry #{previous_id}" if previous_id is not None else "the chain's start"
            return Verification(False, checked, entry.id, f"prev_hash does not link to {after}")
        if hash_of(entry) != entry.hash:
            return Verification(False, checked, entry.id, "its content does not match its hash")
        previous, previous_id, checked = entry.hash, entry.id, checked + 1
    return _check_head(session, previous_id, previous, checked)


def _check_head(session: Session, last_id: int | None, last: str, checked: int) -> Verification:
    head = session.get(Meta, HEAD_KEY)
    expected = f"{last_id}:{last}" if last_id is not None else None
    if (head.value if head else None) != expected:
        recorded = head.value.split(":", 1)[0] if head else "none"
        return Verification(
            False,
            checked,
            last_id,
            f"the log ends at #{last_id} but the recorded head is #{recorded}",
        )
    return Verification(True, checked)
