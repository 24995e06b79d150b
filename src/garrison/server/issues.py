"""Issues for teams: one per (owning team, artifact name, package), with its deliveries.

An issue is open while one of its findings is new, open or acknowledged (on any build of the
artifact name). It is opened by the first such finding, updated — never re-opened — when the
list of its findings changes (the body is rendered deterministically, so "changed" is "the
body differs"), and closed when none is left (fixed, withdrawn, superseded by a fixed build, or
accepted by a policy exception). A closed issue whose problem comes back is opened again under
the same dedupe key. Each event enqueues one `deliveries` row per sink of the team, with the
idempotency key f"{dedupe_key}:{event}:{n}:{sink}" (n counts that event of that issue for
that sink), in the same transaction as the change; the outbox worker (delivery.py) sends them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, tuple_
from sqlalchemy.orm import Session

from garrison.model import Severity
from garrison.server.db.models import (
    Artifact,
    Component,
    Finding,
    Issue,
    IssueFinding,
    Team,
)
from garrison.server.findings import ACTIVE
from garrison.server.freshness import PACKAGE_ECOSYSTEM, RULES_BY_ID
from garrison.server.index import chunks
from garrison.server.issue_writes import NO_TEAM, IssuePlan, IssueReport, write_plans

GroupKey = tuple[str, str, str]  # (team name or "-", artifact name, package)
__all__ = ["IssueReport", "close_orphans", "decide", "dedupe_key", "refresh_issues", "render"]


@dataclass(frozen=True, slots=True)
class ListedFinding:
    """A finding as an issue lists it."""

    id: int
    state: str
    state_reason: str | None
    severity: str
    rule_id: str
    summary: str
    fixed_versions: tuple[str, ...]
    artifact_key: str
    artifact_version: str | None
    version: str | None


@dataclass(frozen=True, slots=True)
class IssueText:
    title: str
    body: str
    severity: str


def dedupe_key(team: str | None, artifact_name: str, package: str) -> str:
    return f"{team or NO_TEAM}|{artifact_name}|{package}"


def package_of(kind: str, rule_id: str, ecosystem: str | None, name_key: str | None) -> str:
    """'PyPI:pyyaml' for a vulnerability, 'freshness:image-age' for a freshness finding."""
    if kind == "freshness" or ecosystem is None:
        rule = RULES_BY_ID.get(rule_id)
        return f"{PACKAGE_ECOSYSTEM}:{rule.slug if rule else rule_id}"
    return f"{ecosystem}:{name_key}"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render(artifact_name: str, package: str, findings: Sequence[ListedFinding]) -> IssueText:
    """The issue's title, markdown body and severity from its active findings (pure)."""
    active = sorted(
        (f for f in findings if f.state in ACTIVE),
        key=lambda f: (-_rank(f.severity), f.rule_id, f.artifact_key, f.id),
    )
    worst = max((_rank(f.severity) for f in active), default=0)
    severity = Severity(worst).name
    count = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    title = f"{package} in {artifact_name}: {count} ({severity})"
    lines = [
        f"**{_cell(package)}** in **{_cell(artifact_name)}**: {count}, worst {severity}.",
        "",
        "| Finding | Severity | Build | Version | Fixed in | Summary | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in active:
        build = f"{item.artifact_version or '?'} (`{item.artifact_key[:19]}`)"
        note = (item.state_reason or "acknowledged") if item.state == "acknowledged" else ""
        fixed = ", ".join(item.fixed_versions)
        cells = (item.rule_id, item.severity, build, item.version or "", fixed, item.summary, note)
        lines.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")
    if not active:
        lines = [f"**{_cell(package)}** in **{_cell(artifact_name)}**: no open findings left."]
    return IssueText(title, "\n".join(lines) + "\n", severity)


def _rank(severity: str) -> int:
    return int(Severity.__members__.get(severity, Severity.UNKNOWN))


def decide(state: str | None, body_before: str | None, active: bool, body_now: str) -> str | None:
    """The event for an issue (pure): opened, updated, closed or None (nothing to tell)."""
    if not active:
        return "closed" if state == "open" else None
    if state != "open":
        return "opened"
    return "updated" if body_now != body_before else None


# --- the database side -------------------------------------------------------------------

_LISTED = (
    Finding.id, Finding.state, Finding.state_reason, Finding.severity, Finding.rule_id,
    Finding.summary, Finding.fixed_versions, Finding.kind, Artifact.key, Artifact.version,
    Artifact.name, Team.name.label("team"), Component.ecosystem, Component.name_key,
    Component.version.label("component_version"),
)  # fmt: skip


def _listed_query() -> Any:
    return (
        select(*_LISTED)
        .join(Artifact, Artifact.id == Finding.artifact_id)
        .outerjoin(Team, Team.id == Artifact.team_id)
        .outerjoin(Component, Component.id == Finding.component_id)
    )


def _group_of(row: Any) -> GroupKey:
    package = package_of(row.kind, row.rule_id, row.ecosystem, row.name_key)
    return (row.team or NO_TEAM, row.name, package)


def _listed(row: Any) -> ListedFinding:
    return ListedFinding(
        row.id, row.state, row.state_reason, row.severity, row.rule_id, row.summary,
        tuple(row.fixed_versions or ()), row.key, row.version, row.component_version,
    )  # fmt: skip


def refresh_issues(
    session: Session,
    sinks_of: Mapping[str, Sequence[str]],
    finding_ids: Collection[int],
    now: datetime,
) -> IssueReport:
    """Bring the issues of every group one of `finding_ids` belongs to up to date, and
    enqueue their deliveries (500 groups at a time, a few statements each). `sinks_of` maps
    a team name to its sink names."""
    groups: set[GroupKey] = set()
    for batch in chunks(sorted(set(finding_ids))):
        rows = session.execute(_listed_query().where(Finding.id.in_(batch)))
        groups.update(_group_of(r) for r in rows)
    report = IssueReport()
    for part in chunks(sorted(groups), 500):
        members = _members(session, part)
        keys = [dedupe_key(*g) for g in part]
        query = select(Issue.dedupe_key, Issue.id, Issue.state, Issue.body)
        existing = {
            r.dedupe_key: r for r in session.execute(query.where(Issue.dedupe_key.in_(keys)))
        }
        plans = [_plan(g, members.get(g, []), existing.get(dedupe_key(*g))) for g in part]
        ready = [plan for plan in plans if plan is not None]
        if ready:
            write_plans(session, ready, sinks_of, now, report)
    return report


def _plan(group: GroupKey, rows: Sequence[Any], issue: Any) -> IssuePlan | None:
    team, artifact_name, package = group
    text = render(artifact_name, package, [_listed(r) for r in rows])
    active = tuple(r.id for r in rows if r.state in ACTIVE)
    state, body = (issue.state, issue.body) if issue is not None else (None, None)
    event = decide(state, body, bool(active), text.body)
    if event is None:
        return None
    key = dedupe_key(team, artifact_name, package)
    return IssuePlan(key, team, artifact_name, package, event, text.title, text.body,
                     text.severity, active, issue.id if issue is not None else None)  # fmt: skip


def close_orphans(
    session: Session, sinks_of: Mapping[str, Sequence[str]], now: datetime
) -> list[int]:
    """Close (and tell) open issues with no active finding left at all, e.g. after their
    artifact was re-uploaded with other components."""
    active = select(IssueFinding.issue_id).join(Finding, Finding.id == IssueFinding.finding_id)
    active = active.where(Finding.state.in_([s.value for s in ACTIVE]))
    query = (
        select(Issue.id, Issue.dedupe_key, Issue.artifact_name, Issue.package, Team.name)
        .outerjoin(Team, Team.id == Issue.team_id)
        .where(Issue.state == "open", Issue.id.not_in(active))
    )
    plans = []
    for ident, key, artifact_name, package, team in session.execute(query):
        text = render(artifact_name, package, [])
        plans.append(IssuePlan(key, team or NO_TEAM, artifact_name, package, "closed",
                               text.title, text.body, text.severity, (), ident))  # fmt: skip
    report = IssueReport()
    for part in chunks(plans, 500):
        write_plans(session, part, sinks_of, now, report)
    return report.closed


def _members(session: Session, groups: Sequence[GroupKey]) -> dict[GroupKey, list[Any]]:
    """Every finding of the groups, on any build of their artifact names."""
    names = sorted({name for _, name, _ in groups})
    packages = {package for _, _, package in groups}
    pairs = [tuple(p.split(":", 1)) for p in packages if not p.startswith(f"{PACKAGE_ECOSYSTEM}:")]
    conditions: list[ColumnElement[bool]] = []
    if pairs:
        conditions.append(tuple_(Component.ecosystem, Component.name_key).in_(pairs))
    if len(pairs) != len(packages):
        conditions.append(Finding.component_id.is_(None))
    query = _listed_query().where(Artifact.name.in_(names), or_(*conditions))
    found: dict[GroupKey, list[Any]] = defaultdict(list)
    wanted = set(groups)
    for row in session.execute(query):
        group = _group_of(row)
        if group in wanted:
            found[group].append(row)
    return found
