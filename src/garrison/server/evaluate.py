"""The re-evaluation pipeline every path shares (a sync, an upload, the scheduled reconcile):
record what was observed (findings.record), apply the teams' policy exceptions, then bring
the touched issues up to date and enqueue their deliveries — all in the caller's transaction,
serialised by `findings.lock_evaluation`.

Without an advisory database nothing is resolved for lack of advisories: vulnerability
findings are only recorded or resolved against an advisory database that exists.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from garrison.errors import PolicyError
from garrison.server.advisories import AdvisoryFile
from garrison.server.db.models import Artifact, Finding, Team
from garrison.server.findings import (
    ACTIVE,
    SUPERSEDED,
    Event,
    Observation,
    Recorded,
    State,
    lock_evaluation,
    record,
    superseded_reason,
    transition,
)
from garrison.server.index import (
    all_live,
    chunks,
    components_of_artifacts,
    live_among,
)
from garrison.server.issues import IssueReport, refresh_issues
from garrison.server.matching import (
    Flaw,
    Match,
    advisories_for_keys,
    component_keys,
    flaws_of,
    folded_ids,
    match_index,
)
from garrison.server.policies import UNKNOWN_MARK, apply_exceptions, team_policy
from garrison.server.staleness import freshness_observations

if TYPE_CHECKING:  # the API package imports this module: no cycle at run time
    from garrison.server.api.deps import ServerContext

_HOLDING = tuple(s.value for s in (*ACTIVE, State.SUPPRESSED))  # superseded resolves these


@contextlib.contextmanager
def open_advisories(context: ServerContext) -> Iterator[AdvisoryFile | None]:
    """The advisory database, or None when there is none yet."""
    if not context.settings.advisory_db.is_file():
        yield None
        return
    advisories = AdvisoryFile(context.settings.advisory_db)
    try:
        yield advisories
    finally:
        advisories.close()


def observations_of(matches: Iterable[Match]) -> tuple[list[Observation], dict[str, str]]:
    """One observation per component and flaw (aliases merged), and which advisory ids were
    merged into which finding id."""
    flaws = flaws_of(matches)
    return [observation_of(flaw) for flaw in flaws], folded_ids(flaws)


def observation_of(flaw: Flaw) -> Observation:
    finding = flaw.finding
    unknown = UNKNOWN_MARK if finding.version_unknown else ""
    return Observation(
        flaw.component.artifact_id, flaw.component.id, "vulnerability", finding.id,
        finding.severity.name, finding.summary + unknown, finding.fixed_versions,
    )  # fmt: skip


def unless_folded(
    folded: Mapping[str, str], otherwise: Callable[[str], str]
) -> Callable[[str], str]:
    """The reason a finding is gone: merged into another id's finding, or `otherwise`."""

    def reason(rule_id: str) -> str:
        if rule_id in folded:
            return f"{rule_id} is the same flaw as {folded[rule_id]}, reported under that id"
        return otherwise(rule_id)

    return reason


class Evaluation:
    """One evaluation: the server, its advisory database (or None) and the time."""

    def __init__(
        self, context: ServerContext, advisories: AdvisoryFile | None, now: datetime
    ) -> None:
        self.context = context
        self.advisories = advisories
        self.now = now
        self._exception_teams: list[int] | None = None

    def aliases_of(self, ids: Collection[str]) -> Mapping[str, tuple[str, ...]]:
        return self.advisories.aliases_of(ids) if self.advisories is not None else {}

    def sinks_of(self) -> dict[str, list[str]]:
        return {name: sorted(team.sinks) for name, team in self.context.settings.teams.items()}

    def finish(
        self, session: Session, recorded: Recorded, *, all_exceptions: bool = False
    ) -> IssueReport:
        """Policy exceptions for what changed (`all_exceptions`: for every finding of teams
        with exceptions, and every suppressed one), then the issues of what changed."""
        touched = set(recorded.created) | set(recorded.changed)
        teams = self._teams_with_exceptions(session)
        if all_exceptions:
            scope = or_(Finding.state == State.SUPPRESSED.value, Artifact.team_id.in_(teams))
            touched.update(self._exceptions(session, scope))
        elif teams:  # no team accepts anything: nothing can become suppressed
            for batch in chunks(sorted(touched)):
                touched.update(self._exceptions(session, Finding.id.in_(batch)))
        return refresh_issues(session, self.sinks_of(), touched, self.now)

    def _exceptions(self, session: Session, scope: ColumnElement[bool]) -> list[int]:
        today = self.now.date()
        settings = self.context.settings
        return apply_exceptions(session, settings, self.aliases_of, scope, today).changed

    def _teams_with_exceptions(self, session: Session) -> list[int]:
        if self._exception_teams is not None:
            return self._exception_teams
        names = []
        for name in self.context.settings.teams:
            with contextlib.suppress(PolicyError):  # a broken policy suppresses nothing
                if team_policy(self.context.settings, name).exceptions:
                    names.append(name)
        found = list(session.scalars(select(Team.id).where(Team.name.in_(names)))) if names else []
        self._exception_teams = found
        return found


def evaluate_artifacts(ev: Evaluation, session: Session, artifact_ids: Collection[int]) -> Recorded:
    """Match the artifacts' components against every advisory, and their freshness."""
    ids = sorted(set(artifact_ids))
    done = Recorded()
    live = live_among(session, ids)
    if ev.advisories is not None:
        for batch in chunks(ids, 200):
            components = components_of_artifacts(session, batch)
            advisories = advisories_for_keys(ev.advisories, component_keys(components))
            observations, folded = observations_of(match_index(advisories, components))
            scope = and_(Finding.kind == "vulnerability", Finding.artifact_id.in_(batch))
            gone = unless_folded(folded, _not_affected)
            done.merge(
                record(session, observations, scope, live=live, gone_reason=gone, now=ev.now)
            )
    done.merge(refresh_freshness(ev, session, ids, live))
    return done


def _not_affected(rule_id: str) -> str:
    return f"{rule_id} no longer affects this build's components"


def refresh_freshness(
    ev: Evaluation, session: Session, artifact_ids: Collection[int], live: Collection[int]
) -> Recorded:
    settings = ev.context.settings
    done = Recorded()
    for batch in chunks(sorted(set(artifact_ids))):
        observations = freshness_observations(session, settings, batch, ev.now)
        scope = and_(Finding.kind == "freshness", Finding.artifact_id.in_(batch))
        done.merge(
            record(session, observations, scope, live=live, gone_reason=_fresh_again, now=ev.now)
        )
    return done


def _fresh_again(rule_id: str) -> str:
    return f"{rule_id}: within the freshness limits again"


def refresh_liveness(ev: Evaluation, session: Session, among: Collection[int] | None) -> Recorded:
    """Resolve the findings of artifacts no longer live (superseded); re-evaluate artifacts
    that are live again (a rollback) so their superseded findings come back."""
    holding = select(Finding.artifact_id).where(Finding.state.in_(_HOLDING)).distinct()
    resolved = (
        select(Finding.artifact_id)
        .where(Finding.state == State.RESOLVED.value, Finding.state_reason.like(f"{SUPERSEDED}%"))
        .distinct()
    )
    if among is not None:
        holding = holding.where(Finding.artifact_id.in_(list(among)))
        resolved = resolved.where(Finding.artifact_id.in_(list(among)))
    held, back = set(session.scalars(holding)), set(session.scalars(resolved))
    live = all_live(session) if among is None else live_among(session, held | back)
    done = Recorded()
    for batch in chunks(sorted(held - live)):
        query = select(Finding.id, Finding.state, Finding.artifact_id).where(
            Finding.artifact_id.in_(batch), Finding.state.in_(_HOLDING)
        )
        _supersede(session, list(session.execute(query)), ev.now, done)
    if back & live:
        done.merge(evaluate_artifacts(ev, session, back & live))
    return done


def _supersede(session: Session, rows: list[Any], now: datetime, done: Recorded) -> None:
    values = []
    for row in rows:
        change = transition(State(row.state), Event.GONE, superseded_reason())
        values.append(
            {"id": row.id, "state": change.state.value, "state_reason": change.reason,
             "resolved_at": now}
        )  # fmt: skip
        done.changed.append(row.id)
        done.artifacts.add(row.artifact_id)
    if values:
        session.execute(update(Finding), values)


def after_upload(context: ServerContext, session: Session, artifact_id: int) -> None:
    """The upload hook (ServerContext.after_upload): inside the upload's transaction, match
    the new artifact against every advisory, evaluate its freshness, supersede older builds
    of its name that no deployment runs, and update the issues."""
    lock_evaluation(session)
    with open_advisories(context) as advisories:
        ev = Evaluation(context, advisories, context.clock())
        recorded = evaluate_artifacts(ev, session, [artifact_id])
        recorded.merge(refresh_liveness(ev, session, _builds_of_same_name(session, artifact_id)))
        ev.finish(session, recorded)


def after_deployment(context: ServerContext, session: Session, artifact_id: int) -> None:
    """The deployment hook: a workload now runs `artifact_id`; what it ran before may be
    superseded, and `artifact_id` may be live again (a rollback)."""
    after_upload(context, session, artifact_id)


def _builds_of_same_name(session: Session, artifact_id: int) -> list[int]:
    artifact = session.get(Artifact, artifact_id)
    if artifact is None:
        return []
    same = select(Artifact.id).where(Artifact.name == artifact.name)
    return [i for i in session.scalars(same) if i != artifact_id]
