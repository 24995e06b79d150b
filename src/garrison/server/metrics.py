"""The gauges of `GET /metrics` (the route is in api/evaluation.py): Prometheus text format
(prometheus_client, a registry per app), read from the database at scrape time. Like every
path but /healthz it needs a token (any role); a team token sees only its team's series.

    garrison_deployments{environment,team}                    deployments
    garrison_image_age_seconds{environment,team}              oldest image deployed
    garrison_base_age_seconds{environment,team}               oldest base image deployed
    garrison_behind_golden_deployments{environment,team}      deployments behind the golden image
    garrison_uptime_seconds{environment,team}                 longest reverse uptime
    garrison_open_findings{team,severity}                     new + open + acknowledged
    garrison_open_findings_deployed{environment,team,severity}  the same, on deployed artifacts
    garrison_open_issues{team}
    garrison_advisory_db_age_seconds                          now - the advisory database's update
    garrison_last_sync_duration_seconds, garrison_last_sync_timestamp_seconds
    garrison_golden_image_age_seconds{golden_image}           now - the golden image's build
    garrison_registry_last_poll_timestamp_seconds{registry,repository}  a stalled watch shows
The last two are server-wide: only a token not limited to a team gets them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from garrison.server import views
from garrison.server.db.models import (
    Artifact,
    Deployment,
    Finding,
    GoldenImageRow,
    Issue,
    Meta,
    Registry,
    Team,
)
from garrison.server.findings import ACTIVE
from garrison.server.sync import LAST_DURATION, LAST_SYNC
from garrison.vulndb.store import VulnDB

if TYPE_CHECKING:
    from garrison.server.api.deps import ServerContext

NO_TEAM = ""
_ACTIVE = [s.value for s in ACTIVE]
CONTENT_TYPE = CONTENT_TYPE_LATEST


_FRESHNESS = (
    ("garrison_deployments", "Deployments"),
    ("garrison_image_age_seconds", "Age of the oldest deployed image"),
    ("garrison_base_age_seconds", "Age of the oldest deployed base image"),
    ("garrison_behind_golden_deployments", "Deployments built on an outdated golden image"),
    ("garrison_uptime_seconds", "Longest reverse uptime (since the deployment or last restart)"),
)
Key = tuple[str, str]


def _gauge(name: str, text: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, text, labels=labels)


def _aggregate(
    items: list[views.FreshnessItem],
) -> tuple[dict[Key, list[int]], dict[Key, dict[str, float]]]:
    """Per (environment, team): [deployments, behind golden] and the worst ages (pure)."""
    counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    worst: dict[Key, dict[str, float]] = defaultdict(dict)
    for item in items:
        if item.deployment is None:
            continue
        key = (item.deployment.environment, item.view.team or NO_TEAM)
        counts[key][0] += 1
        counts[key][1] += bool(item.view.freshness.behind_golden)
        values = {
            "garrison_image_age_seconds": views.seconds(item.view.freshness.image_age),
            "garrison_base_age_seconds": views.seconds(item.view.freshness.base_age),
            "garrison_uptime_seconds": views.deployment_uptime(item),
        }
        for name, value in values.items():
            if value is not None:
                worst[key][name] = max(value, worst[key].get(name, value))
    return counts, worst


class ServerCollector(Collector):
    """Collects the gauges from the server's database (limited to one team when given)."""

    def __init__(self, context: ServerContext, team_id: int | None = None) -> None:
        self.context = context
        self.team_id = team_id

    def collect(self) -> Iterator[Metric]:
        now = self.context.clock()
        with self.context.database.session_scope(write=False) as session:
            yield from self._freshness(session, now)
            yield from self._findings(session)
            yield from self._sync(session, now)
            if self.team_id is None:
                yield from _watched(session, now)

    def _freshness(self, session: Session, now: datetime) -> Iterator[Metric]:
        items = views.freshness_items(session, self.context.settings, self.team_id, None, now)
        counts, worst = _aggregate(items)
        gauges = {name: _gauge(name, text, ["environment", "team"]) for name, text in _FRESHNESS}
        for key, (deployed, behind) in sorted(counts.items()):
            gauges["garrison_deployments"].add_metric(list(key), deployed)
            gauges["garrison_behind_golden_deployments"].add_metric(list(key), behind)
            for name, value in sorted(worst[key].items()):
                gauges[name].add_metric(list(key), value)
        yield from gauges.values()

    def _findings(self, session: Session) -> Iterator[Metric]:
        scope = [Artifact.team_id == self.team_id] if self.team_id is not None else []
        by_team = (
            select(Team.name, Finding.severity, func.count())
            .join(Artifact, Artifact.id == Finding.artifact_id)
            .outerjoin(Team, Team.id == Artifact.team_id)
            .where(Finding.state.in_(_ACTIVE), *scope)
            .group_by(Team.name, Finding.severity)
        )
        yield _counted(session, by_team, "garrison_open_findings",
                       "New, open and acknowledged findings", ["team", "severity"])  # fmt: skip
        by_environment = (
            select(Deployment.environment, Team.name, Finding.severity, func.count())
            .join(Artifact, Artifact.id == Finding.artifact_id)
            .join(Deployment, Deployment.artifact_id == Artifact.id)
            .outerjoin(Team, Team.id == Artifact.team_id)
            .where(Finding.state.in_(_ACTIVE), *scope)
            .group_by(Deployment.environment, Team.name, Finding.severity)
        )
        labels = ["environment", "team", "severity"]
        yield _counted(session, by_environment, "garrison_open_findings_deployed",
                       "Open findings of deployed artifacts", labels)  # fmt: skip
        issue_scope = [Issue.team_id == self.team_id] if self.team_id is not None else []
        issues = (
            select(Team.name, func.count())
            .select_from(Issue)
            .outerjoin(Team, Team.id == Issue.team_id)
            .where(Issue.state == "open", *issue_scope)
            .group_by(Team.name)
        )
        yield _counted(session, issues, "garrison_open_issues", "Open issues", ["team"])

    def _sync(self, session: Session, now: datetime) -> Iterator[Metric]:
        path = self.context.settings.advisory_db
        if path.is_file():
            with VulnDB(path) as db:
                updated = db.updated_at()
            if updated is not None:
                age = (now - updated).total_seconds()
                yield GaugeMetricFamily(
                    "garrison_advisory_db_age_seconds", "Age of the advisory database", value=age
                )
        meta = {
            m.key: m.value
            for m in session.scalars(select(Meta).where(Meta.key.in_([LAST_SYNC, LAST_DURATION])))
        }
        if LAST_DURATION in meta:
            yield GaugeMetricFamily(
                "garrison_last_sync_duration_seconds",
                "Duration of the last sync",
                value=float(meta[LAST_DURATION]),
            )
        if LAST_SYNC in meta:
            when = datetime.fromisoformat(meta[LAST_SYNC]).timestamp()
            yield GaugeMetricFamily(
                "garrison_last_sync_timestamp_seconds", "When the last sync ran", value=when
            )


def _watched(session: Session, now: datetime) -> Iterator[Metric]:
    golden = _gauge("garrison_golden_image_age_seconds", "Age of the golden image's current build",
                    ["golden_image"])  # fmt: skip
    for name, created in session.execute(
        select(GoldenImageRow.name, GoldenImageRow.created_at).order_by(GoldenImageRow.name)
    ):
        if created is not None:
            golden.add_metric([name], (now - created).total_seconds())
    yield golden
    polled = _gauge("garrison_registry_last_poll_timestamp_seconds",
                    "When the registry was last polled", ["registry", "repository"])  # fmt: skip
    query = select(Registry.url, Registry.repository, Registry.last_polled_at)
    for url, repository, when in session.execute(query.order_by(Registry.url)):
        if when is not None:
            polled.add_metric([url, repository], when.timestamp())
    yield polled


def _counted(
    session: Session, query: Any, name: str, text: str, labels: list[str]
) -> GaugeMetricFamily:
    """A gauge from rows of (label values..., count); a missing team is labelled ""."""
    gauge = _gauge(name, text, labels)
    rows = [
        [str(v) if v is not None else NO_TEAM for v in row[:-1]] + [row[-1]]
        for row in session.execute(query)
    ]
    for row in sorted(rows):
        gauge.add_metric(row[:-1], row[-1])
    return gauge


def registry_for(context: ServerContext) -> CollectorRegistry:
    """The app's own registry (never prometheus_client's global one)."""
    found = context.extras.get("metrics_registry")
    if not isinstance(found, CollectorRegistry):
        found = CollectorRegistry(auto_describe=False)
        found.register(ServerCollector(context))
        context.extras["metrics_registry"] = found
    return found


def render(context: ServerContext, team_id: int | None) -> bytes:
    if team_id is None:
        return generate_latest(registry_for(context))
    scoped = CollectorRegistry(auto_describe=False)
    scoped.register(ServerCollector(context, team_id))
    return generate_latest(scoped)
