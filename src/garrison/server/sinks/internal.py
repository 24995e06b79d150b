"""The server's own issue list: the `issues` table already is the delivery, so this sink does
nothing and always succeeds (every team has it, whatever else it configures)."""

from __future__ import annotations

import httpx

from garrison.server.sinks.base import DeliveryResult, IssueEvent
from garrison.server.sinks.options import Options

KIND = "internal"


class InternalSink:
    """A no-op: the API and the UI read issues straight from the database."""

    kind = KIND

    def deliver(self, event: IssueEvent) -> DeliveryResult:
        return DeliveryResult(external_ref=None)


def build(options: Options, client: httpx.Client) -> InternalSink:
    """No settings."""
    options.only()
    return InternalSink()
