"""What a sink is: an `IssueEvent` in, a `DeliveryResult` out.

A sink never raises for a failed delivery: it answers with the error and whether trying again
later can help (timeouts, 408, 429, 5xx) or not (other 4xx, bad answers). Error texts name the
sink's host and the HTTP status, never a token, a secret or a webhook URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

EventKind = Literal["opened", "updated", "closed"]
EVENTS: tuple[EventKind, ...] = ("opened", "updated", "closed")
ISSUE_MARKER = "garrison-issue:"
DELIVERY_MARKER = "garrison-delivery:"


@dataclass(frozen=True, slots=True)
class IssueEvent:
    """One change of one garrison issue, as every sink receives it."""

    idempotency_key: str  # the delivery's key: the same key is never acted on twice
    dedupe_key: str  # the issue's key: f"{team}|{artifact_name}|{package}"
    event: EventKind
    team: str
    title: str
    body: str  # markdown
    severity: str
    findings: tuple[str, ...]  # one line per finding, e.g. "GHSA-... (high): summary"
    url: str  # the issue in the server's UI ("" when the server has no public URL)
    external_ref: str | None = None  # what the sink answered for an earlier event of this issue


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of one delivery attempt."""

    external_ref: str | None = None
    error: str | None = None
    retryable: bool = False
    retry_after: float | None = None  # seconds the far end asked us to wait

    @property
    def ok(self) -> bool:
        return self.error is None


class Sink(Protocol):
    """Something that tells a team about an issue."""

    @property
    def kind(self) -> str: ...

    def deliver(self, event: IssueEvent) -> DeliveryResult: ...


def issue_marker(dedupe_key: str) -> str:
    """The invisible line that ties a forge issue to a garrison issue (searched before creating)."""
    return f"<!-- {ISSUE_MARKER}{_safe(dedupe_key)} -->"


def delivery_marker(idempotency_key: str) -> str:
    """The invisible line that ties a forge comment to one delivery (searched before commenting)."""
    return f"<!-- {DELIVERY_MARKER}{_safe(idempotency_key)} -->"


def _safe(key: str) -> str:
    """A key that cannot end the HTML comment it sits in."""
    return key.replace("--", "-\u2010").replace(">", "\u203a")


def summary_markdown(event: IssueEvent) -> str:
    """The text every forge sink posts: the issue's body, its findings and its link."""
    parts = [event.body.rstrip()]
    if event.findings:
        parts.append("**Findings**\n\n" + "\n".join(f"- {line}" for line in event.findings))
    if event.url:
        parts.append(f"[Open in garrison]({event.url})")
    return "\n\n".join(part for part in parts if part)
