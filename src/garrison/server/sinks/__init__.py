"""Where issues go: one sink kind per module, listed explicitly in `SINKS` by kind.

A team's settings name its sinks (`teams.<team>.sinks.<name>: {kind: github, ...}`);
`build_team_sinks()` turns them into `Sink` objects keyed by (team, sink name), the key the
outbox (`garrison.server.delivery`) uses for a delivery row's `sink`. Every team also has the
sink `internal` (the server's own issue list) unless it names another sink so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from garrison.errors import ConfigError
from garrison.server.sinks import github, gitlab, internal, slack, webhook
from garrison.server.sinks.base import DeliveryResult, IssueEvent, Sink
from garrison.server.sinks.options import Options

SinkBuilder = Callable[[Options, httpx.Client], Sink]
SinkKey = tuple[str, str]  # (team name, sink name)

SINKS: Mapping[str, SinkBuilder] = {
    internal.KIND: internal.build,
    webhook.KIND: webhook.build,
    github.KIND: github.build,
    gitlab.KIND: gitlab.build,
    slack.KIND: slack.build,
}

__all__ = ["SINKS", "DeliveryResult", "IssueEvent", "Sink", "SinkKey", "build_sink"]


def build_sink(
    settings: Mapping[str, Any], env: Mapping[str, str], client: httpx.Client, where: str
) -> Sink:
    """One sink from its settings (`kind` chooses the module); `ConfigError` naming `where`."""
    kind = settings.get("kind")
    if not isinstance(kind, str) or kind not in SINKS:
        known = ", ".join(SINKS)
        raise ConfigError(f"{where}: kind must be one of {known}, not {kind!r}")
    return SINKS[kind](Options(settings, env, where), client)


def build_team_sinks(
    teams: Mapping[str, Mapping[str, Mapping[str, Any]]],
    env: Mapping[str, str],
    client: httpx.Client,
) -> dict[SinkKey, Sink]:
    """Every team's sinks by (team, sink name); `teams` maps team → sink name → settings."""
    table: dict[SinkKey, Sink] = {}
    for team, sinks in teams.items():
        table[(team, internal.KIND)] = internal.InternalSink()
        for name, settings in sinks.items():
            where = f"team {team}, sink {name}"
            if not isinstance(settings, Mapping):
                raise ConfigError(f"{where}: settings must be a mapping")
            table[(team, name)] = build_sink(settings, env, client, where)
    return table
