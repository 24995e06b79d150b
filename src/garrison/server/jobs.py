"""The server's scheduled work, listed explicitly: the advisory sync (then re-matching what
changed), polling the watched registries for new images, following golden images' tags, and
the delivery of issue events to the teams' sinks. The app's lifespan runs each on its
interval when `background` is set; tests call `run_once` functions directly."""

from __future__ import annotations

import os

from garrison.server import delivery, sync
from garrison.server.api.deps import ServerContext
from garrison.server.app import Job
from garrison.server.golden import follow_golden_images
from garrison.server.registries import poll_registries
from garrison.server.sinks import build_team_sinks
from garrison.server.sinks.http import new_client

SINKS_KEY = "sinks"


def team_sinks(context: ServerContext) -> delivery.SinkTable:
    """The teams' sinks, built once per app (a bad sink setting is a ConfigError then)."""
    table = context.extras.get(SINKS_KEY)
    if table is None:
        teams = {name: team.sinks for name, team in context.settings.teams.items()}
        table = build_team_sinks(teams, os.environ, new_client())
        context.extras[SINKS_KEY] = table
    return table


def deliver_issues(context: ServerContext) -> delivery.RunReport:
    with context.database.session_scope() as session:
        return delivery.run_once(
            session,
            team_sinks(context),
            context.clock(),
            base_url=(context.settings.public_url or "").rstrip("/"),
        )


JOBS: tuple[Job, ...] = (
    Job("advisory-sync", lambda settings: settings.sync_interval, sync.run_once),
    Job("registry-watch", lambda settings: settings.registry_poll_interval, poll_registries),
    Job(
        "golden-image-watch", lambda settings: settings.registry_poll_interval, follow_golden_images
    ),
    Job("issue-delivery", lambda settings: settings.delivery_interval, deliver_issues),
)
