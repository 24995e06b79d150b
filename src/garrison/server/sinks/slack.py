"""Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat...): `{"text", "blocks"}`.

Settings: url_env (the variable holding the webhook URL, which is itself the credential) or
url. An incoming webhook has no memory, so a retry after a lost answer can post twice; every
other failure is retried or reported like the other sinks.
"""

from __future__ import annotations

from typing import Any

import httpx

from garrison.server.sinks.base import DeliveryResult, IssueEvent
from garrison.server.sinks.http import call, clip, deliver_safely, host_of
from garrison.server.sinks.options import Options

KIND = "slack"
MAX_HEADER = 150
MAX_SECTION = 3000
MAX_FINDINGS = 10
_VERBS = {"opened": "New issue", "updated": "Issue updated", "closed": "Issue closed"}


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: &, < and > would otherwise start entities and links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message(event: IssueEvent) -> dict[str, Any]:
    """The webhook body: a plain `text` fallback and the same in blocks."""
    verb = _VERBS[event.event]
    fallback = f"{verb} [{event.severity}] {event.title}"
    lines = [f"*{verb}* · severity *{escape(event.severity)}* · team {escape(event.team)}"]
    shown = event.findings[:MAX_FINDINGS]
    lines += [f"• {escape(line)}" for line in shown]
    if len(event.findings) > len(shown):
        lines.append(f"…and {len(event.findings) - len(shown)} more")
    if event.url:
        lines.append(f"<{event.url}|Open in garrison>")
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(event.title, MAX_HEADER)}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": clip("\n".join(lines), MAX_SECTION)},
        },
    ]
    return {"text": fallback, "blocks": blocks}


class SlackSink:
    """Posts a message per event to one incoming webhook."""

    kind = KIND

    def __init__(self, url: str, client: httpx.Client) -> None:
        self._url = url
        self._client = client
        self._what = f"slack webhook {host_of(url)}"

    def __repr__(self) -> str:
        return f"SlackSink({self._what!r})"

    def deliver(self, event: IssueEvent) -> DeliveryResult:
        return deliver_safely(lambda: self._post(event))

    def _post(self, event: IssueEvent) -> None:
        call(self._client, "POST", self._url, self._what, json=message(event))


def build(options: Options, client: httpx.Client) -> SlackSink:
    """Settings: url_env or url."""
    options.only("url", "url_env")
    return SlackSink(options.url_or_secret(), client)
