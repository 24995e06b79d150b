"""Teams' policies (garrison.yaml files named in the server settings) and the exceptions in
them applied to stored findings.

A policy file is read again when it changes on disk. A team without a policy file gets the
default policy. A broken policy file suppresses nothing new and un-suppresses nothing (the
gate refuses to pass with it, see gate.py): the error is logged once per change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from garrison.errors import GarrisonError, PolicyError
from garrison.model import Component as GComponent
from garrison.model import Finding as GFinding
from garrison.model import Severity
from garrison.policy import Policy, load_policy
from garrison.policy import exceptions as exc_rules
from garrison.server.config import ServerSettings
from garrison.server.db.models import Artifact, Component, Finding, Team
from garrison.server.findings import ACTIVE, Event, Recorded, State, transition

log = logging.getLogger("garrison.server.policies")
AliasLookup = Callable[[Collection[str]], Mapping[str, tuple[str, ...]]]
UNKNOWN_MARK = " [version unknown]"


_CACHE: dict[Path, tuple[int, Policy | PolicyError]] = {}  # policy file -> (mtime, policy)
_CACHE_LOCK = threading.Lock()


def team_policy(settings: ServerSettings, team: str | None) -> Policy:
    """The team's policy, re-read when its file changes; PolicyError when the file is
    missing or invalid (logged once per change)."""
    config = settings.teams.get(team) if team else None
    if config is None or config.policy is None:
        return Policy()
    return _load(config.policy)


def _load(path: Path) -> Policy:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the team's policy: {exc.strerror}") from None
    with _CACHE_LOCK:
        cached = _CACHE.get(path)
        if cached is None or cached[0] != stamp:
            try:
                loaded: Policy | PolicyError = load_policy(path)
            except GarrisonError as exc:
                loaded = PolicyError(str(exc))
                log.error("team policy %s is invalid: %s", path, exc)
            cached = _CACHE[path] = (stamp, loaded)
    if isinstance(cached[1], PolicyError):
        raise cached[1]
    return cached[1]


def as_garrison_finding(row: Any, aliases: tuple[str, ...] = ()) -> GFinding:
    """A stored finding (joined with its component) as garrison's Finding, for the policy."""
    component = None
    if row.ecosystem is not None:
        ecosystem = f"{row.ecosystem}:{row.release}" if row.release else row.ecosystem
        component = GComponent(ecosystem, row.name, row.version, row.purl)
    return GFinding(
        kind=row.kind,
        id=row.rule_id,
        summary=row.summary,
        severity=Severity.__members__.get(row.severity, Severity.UNKNOWN),
        component=component,
        aliases=aliases,
        fixed_versions=tuple(row.fixed_versions or ()),
        version_unknown=row.summary.endswith(UNKNOWN_MARK),
    )


_ROW = (
    Finding.id, Finding.artifact_id, Finding.state, Finding.state_reason, Finding.kind,
    Finding.rule_id, Finding.severity, Finding.summary, Finding.fixed_versions,
    Team.name.label("team"), Component.ecosystem, Component.release, Component.name,
    Component.version, Component.purl,
)  # fmt: skip
_CHECKED = tuple(s.value for s in (*ACTIVE, State.SUPPRESSED))


def apply_exceptions(
    session: Session,
    settings: ServerSettings,
    aliases_of: AliasLookup,
    scope: ColumnElement[bool],
    today: date,
) -> Recorded:
    """Suppress the findings in `scope` an unexpired exception of their team's policy covers;
    un-suppress those no exception covers any more."""
    query = (
        select(*_ROW)
        .join(Artifact, Artifact.id == Finding.artifact_id)
        .outerjoin(Team, Team.id == Artifact.team_id)
        .outerjoin(Component, Component.id == Finding.component_id)
        .where(scope, Finding.state.in_(_CHECKED))
    )
    rows = list(session.execute(query))
    aliases = aliases_of({r.rule_id for r in rows if r.kind == "vulnerability"}) if rows else {}
    done = Recorded()
    indexes: dict[str | None, exc_rules.ExceptionIndex | None] = {}
    for row in rows:
        index = indexes[row.team] if row.team in indexes else _index(settings, row.team, today)
        indexes[row.team] = index
        if index is None:
            continue
        finding = as_garrison_finding(row, aliases.get(row.rule_id, ()))
        covering = index.covering(finding, None)
        if covering:
            ref = f"exception {covering[0].ident} (owner {covering[0].owner}): {covering[0].reason}"
            change = transition(State(row.state), Event.SUPPRESSED, ref)
        else:
            change = transition(State(row.state), Event.UNSUPPRESSED)
        if change.changed or (change.reason is not None and change.reason != row.state_reason):
            values = {"state": change.state.value, "state_reason": change.reason}
            session.execute(update(Finding).where(Finding.id == row.id).values(**values))
            done.changed.append(row.id)
            done.artifacts.add(row.artifact_id)
    return done


def _index(
    settings: ServerSettings, team: str | None, today: date
) -> exc_rules.ExceptionIndex | None:
    try:
        policy = team_policy(settings, team)
    except PolicyError:
        return None
    active = [e for e in policy.exceptions if not exc_rules.is_expired(e, today)]
    return exc_rules.ExceptionIndex(active)
