"""Advisory syncs: update the advisory database, then re-match only what changed.

A sync (scheduled, `POST /api/v1/advisories/sync`, or an upload of OSV files) first writes the
advisory database through garrison's importer, then diffs every advisory's `modified` against
`advisory_state` (what the last sync saw). Only the changed advisories (new, modified,
withdrawn or gone) are matched, and only against the components of the packages they name
(the (ecosystem, name_key) index) — never a rescan of every SBOM. Their findings are upserted,
those no longer matched are resolved, then exceptions and issues follow (evaluate.py). Work
is committed in batches of advisories, each with its `advisory_state` rows, so a sync killed
half-way resumes where it stopped. `full_rematch()` matches the whole index instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.orm import Session

from garrison.errors import DatabaseError, GarrisonError
from garrison.server import audit
from garrison.server.advisories import AdvisoryFile, import_documents, update_from_osv
from garrison.server.db.models import AdvisoryState, Component, Finding, Meta
from garrison.server.evaluate import (
    Evaluation,
    observations_of,
    open_advisories,
    refresh_freshness,
    refresh_liveness,
    unless_folded,
)
from garrison.server.findings import Recorded, lock_evaluation, promote_new, record
from garrison.server.index import all_live, chunks, components_of_packages, live_among
from garrison.server.issues import IssueReport, close_orphans
from garrison.server.matching import advisories_for_keys, match_index

if TYPE_CHECKING:  # the API package imports this module: no cycle at run time
    from garrison.server.api.deps import ServerContext

log = logging.getLogger("garrison.server.sync")
BATCH = 2000  # advisories per transaction
KEY_BATCH = 500  # package keys per transaction in a full re-match
LAST_SYNC, LAST_DURATION, LAST_CHANGED = "sync.last_at", "sync.last_seconds", "sync.last_changed"


@dataclass(slots=True)
class SyncReport:
    changed_advisories: int = 0
    findings_created: int = 0
    findings_changed: int = 0
    issues: IssueReport = field(default_factory=IssueReport)
    seconds: float = 0.0
    problems: tuple[str, ...] = ()

    def add(self, recorded: Recorded, issues: IssueReport) -> None:
        self.findings_created += len(recorded.created)
        self.findings_changed += len(recorded.changed)
        self.issues.opened += issues.opened
        self.issues.updated += issues.updated
        self.issues.closed += issues.closed
        self.issues.deliveries += issues.deliveries

    def as_dict(self) -> dict[str, object]:
        return {
            "changed_advisories": self.changed_advisories,
            "findings_created": self.findings_created,
            "findings_changed": self.findings_changed,
            "issues_opened": len(self.issues.opened),
            "issues_updated": len(self.issues.updated),
            "issues_closed": len(self.issues.closed),
            "deliveries": self.issues.deliveries,
            "seconds": round(self.seconds, 3),
            "problems": list(self.problems),
        }


def sync_advisories(context: ServerContext, *, actor: str = "scheduler") -> SyncReport:
    """Download what changed upstream (OSV exports), then re-match the changed advisories."""
    started = time.monotonic()
    settings = context.settings
    outcome = update_from_osv(settings.advisory_db, settings.osv_base_url, settings.osv_ecosystems)
    return rematch_changed(context, actor=actor, started=started, problems=outcome.problems)


def upload_advisories(
    context: ServerContext, files: Sequence[tuple[str, bytes]], *, actor: str
) -> SyncReport:
    """Import uploaded OSV files, then re-match the changed advisories (the same path)."""
    started = time.monotonic()
    outcome = import_documents(context.settings.advisory_db, files)
    return rematch_changed(context, actor=actor, started=started, problems=outcome.problems)


def rematch_changed(
    context: ServerContext,
    *,
    actor: str = "scheduler",
    started: float | None = None,
    problems: tuple[str, ...] = (),
) -> SyncReport:
    """Re-match the advisories whose `modified` differs from what the last sync saw."""
    started = time.monotonic() if started is None else started
    report = SyncReport(problems=problems)
    now = context.clock()
    with open_advisories(context) as advisories:
        if advisories is None:
            raise DatabaseError(f"{context.settings.advisory_db}: no advisory database yet")
        current = advisories.modified_by_id()
        with context.database.session_scope() as session:
            lock_evaluation(session)
            promote_new(session)
            query = select(AdvisoryState.advisory_id, AdvisoryState.modified)
            seen = {ident: modified for ident, modified in session.execute(query)}
        changed = sorted(i for i, m in current.items() if seen.get(i) != m)
        changed += sorted(set(seen) - set(current))
        report.changed_advisories = len(changed)
        for batch in chunks(changed, BATCH):
            with context.database.session_scope() as session:
                lock_evaluation(session)
                ev = Evaluation(context, advisories, now)
                recorded = _rematch_batch(session, ev, advisories, batch)
                report.add(recorded, ev.finish(session, recorded))
                _mark_seen(session, batch, current, now)
    report.seconds = time.monotonic() - started
    _record_sync(context, report, actor, now)
    return report


def _rematch_batch(
    session: Session, ev: Evaluation, advisories: AdvisoryFile, ids: list[str]
) -> Recorded:
    linked = sorted(advisories.linked_ids(ids))  # ids and theirs: merged findings rebuilt whole
    found = advisories.advisories_by_id(linked)
    packages: dict[str, set[str]] = {}
    for advisory in found:
        for package in advisory.affected:
            packages.setdefault(package.ecosystem, set()).add(package.key)
    components = components_of_packages(session, packages)
    observations, folded = observations_of(match_index(found, components))
    live = live_among(session, {c.artifact_id for c in components})
    listed = {a.id for a in found}

    def gone(rule_id: str) -> str:
        if rule_id in listed:
            return f"{rule_id} was updated and no longer affects this version"
        return f"{rule_id} was withdrawn or removed from the advisory database"

    scope = and_(Finding.kind == "vulnerability", Finding.rule_id.in_(linked))
    reason = unless_folded(folded, gone)
    return record(session, observations, scope, live=live, gone_reason=reason, now=ev.now)


def _mark_seen(session: Session, ids: list[str], current: dict[str, str], now: datetime) -> None:
    session.execute(delete(AdvisoryState).where(AdvisoryState.advisory_id.in_(ids)))
    rows = [{"advisory_id": i, "modified": current[i], "seen_at": now} for i in ids if i in current]
    if rows:
        session.execute(insert(AdvisoryState), rows)


def full_rematch(context: ServerContext, *, actor: str = "scheduler") -> SyncReport:
    """Match every indexed package against the whole advisory database (after a schema or
    matching change, or to check the incremental path)."""
    started, now, report = time.monotonic(), context.clock(), SyncReport()
    with open_advisories(context) as advisories:
        if advisories is None:
            raise DatabaseError(f"{context.settings.advisory_db}: no advisory database yet")
        with context.database.session_scope(write=False) as session:
            query = select(Component.ecosystem, Component.name_key).distinct()
            pairs = [(ecosystem, key) for ecosystem, key in session.execute(query)]
        by_ecosystem: dict[str, list[str]] = {}
        for ecosystem, key in sorted(pairs):
            by_ecosystem.setdefault(ecosystem, []).append(key)
        for ecosystem, keys in sorted(by_ecosystem.items()):
            for batch in chunks(keys, KEY_BATCH):
                with context.database.session_scope() as session:
                    lock_evaluation(session)
                    ev = Evaluation(context, advisories, now)
                    recorded = _rematch_packages(session, ev, advisories, ecosystem, batch)
                    report.add(recorded, ev.finish(session, recorded))
        with context.database.session_scope() as session:
            current = advisories.modified_by_id()
            session.execute(delete(AdvisoryState))
            for batch in chunks(sorted(current), 5000):
                _mark_seen(session, batch, current, now)
    report.seconds = time.monotonic() - started
    _record_sync(context, report, actor, now, action="advisories.full_rematch")
    return report


def _rematch_packages(
    session: Session, ev: Evaluation, advisories: AdvisoryFile, ecosystem: str, keys: list[str]
) -> Recorded:
    """Match the packages' components (only those some advisory names are loaded); the
    findings of every component of the packages are in scope (resolved when not matched)."""
    found = advisories_for_keys(advisories, {ecosystem: keys})
    named = sorted({p.key for a in found for p in a.affected})
    components = components_of_packages(session, {ecosystem: named})
    observations, folded = observations_of(match_index(found, components))
    live = live_among(session, {c.artifact_id for c in components})
    in_packages = select(Component.id).where(
        Component.ecosystem == ecosystem, Component.name_key.in_(keys)
    )
    scope = and_(Finding.kind == "vulnerability", Finding.component_id.in_(in_packages))
    gone = unless_folded(folded, _gone_full)
    return record(session, observations, scope, live=live, gone_reason=gone, now=ev.now)


def _gone_full(rule_id: str) -> str:
    return f"{rule_id} no longer affects this version"


def reconcile(context: ServerContext, *, actor: str = "scheduler") -> SyncReport:
    """What time alone changes: liveness (deployments moved), freshness (ages, uptimes),
    expired or changed policy exceptions, issues left without findings."""
    started, now, report = time.monotonic(), context.clock(), SyncReport()
    with open_advisories(context) as advisories, context.database.session_scope() as session:
        lock_evaluation(session)
        ev = Evaluation(context, advisories, now)
        recorded = refresh_liveness(ev, session, None)
        live = all_live(session)
        recorded.merge(refresh_freshness(ev, session, live, live))
        report.add(recorded, ev.finish(session, recorded, all_exceptions=True))
        report.issues.closed += close_orphans(session, ev.sinks_of(), now)
    report.seconds = time.monotonic() - started
    return report


def run_once(context: ServerContext) -> SyncReport:
    """The scheduled job: sync advisories, then reconcile. A failed download is logged and
    matching goes on with the database as it is: what a sync killed half-way left unmatched
    in it is matched now (it also runs when the server starts)."""
    try:
        report = sync_advisories(context)
    except GarrisonError as exc:
        log.error("advisory sync failed: %s", exc)
        report = _rematch_without_download(context, str(exc))
    reconcile(context)
    return report


def _rematch_without_download(context: ServerContext, problem: str) -> SyncReport:
    try:
        return rematch_changed(context, problems=(problem,))
    except DatabaseError:  # no advisory database yet: nothing to match
        return SyncReport(problems=(problem,))


def _record_sync(
    context: ServerContext,
    report: SyncReport,
    actor: str,
    now: datetime,
    action: str = "advisories.sync",
) -> None:
    with context.database.session_scope() as session:
        for key, value in (
            (LAST_SYNC, now.isoformat()),
            (LAST_DURATION, f"{report.seconds:.6f}"),
            (LAST_CHANGED, str(report.changed_advisories)),
        ):
            session.merge(Meta(key=key, value=value))
        audit.append(
            session,
            actor=actor,
            action=action,
            object_type="advisories",
            object_id="*",
            details=report.as_dict(),
        )
