"""The flow GitHub and GitLab issues share: find by marker, create, comment once, close.

Idempotency without trusting our own bookkeeping: every created issue carries the invisible
marker of its garrison issue and every comment the marker of its delivery. Before creating, the
open issues are listed and searched for the marker (a crash after the forge created the issue
but before the outbox recorded it, or a timeout whose request did go through, finds the issue
instead of making a second one); before commenting, the issue's comments are searched for the
delivery's marker. Listing, not the forges' search endpoints: search indexes lag behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import httpx

from garrison.server.sinks.base import (
    DeliveryResult,
    IssueEvent,
    delivery_marker,
    issue_marker,
    summary_markdown,
)
from garrison.server.sinks.http import (
    SinkFailure,
    call,
    clip,
    deliver_safely,
    host_of,
    json_of,
    next_link,
)

MAX_TITLE = 250
MAX_BODY = 60_000
DEFAULT_MAX_PAGES = 20
PER_PAGE = 100


class ForgeApi(Protocol):
    """One forge's issue endpoints, in the forge's own words."""

    def open_issues(self) -> Iterator[tuple[str, str]]: ...  # (reference, body) of open issues

    def create(self, title: str, body: str) -> str: ...  # → the new issue's reference

    def comments(self, ref: str) -> Iterator[str]: ...  # the bodies of an issue's comments

    def comment(self, ref: str, body: str) -> None: ...

    def set_open(self, ref: str, is_open: bool) -> None: ...


def apply_event(api: ForgeApi, event: IssueEvent) -> str | None:
    """Bring the forge in line with one event; the forge's issue reference (None: nothing)."""
    ref = event.external_ref or find_issue(api, event.dedupe_key)
    if event.event == "closed":
        if ref is not None:
            comment_once(api, ref, event, "Closed by garrison: the findings are resolved.")
            api.set_open(ref, False)
        return ref
    if ref is None:
        body = clip(summary_markdown(event), MAX_BODY) + "\n\n" + issue_marker(event.dedupe_key)
        return api.create(clip(event.title, MAX_TITLE), body)
    if event.event == "opened" and event.external_ref:
        api.set_open(ref, True)  # garrison opened this issue again: so does the forge
        comment_once(api, ref, event, "Opened again by garrison.")
    elif event.event == "updated":
        comment_once(api, ref, event, "Updated by garrison.")
    return ref


def find_issue(api: ForgeApi, dedupe_key: str) -> str | None:
    """The open issue that carries the marker of `dedupe_key`, if any."""
    marker = issue_marker(dedupe_key)
    for ref, body in api.open_issues():
        if marker in body:
            return ref
    return None


def comment_once(api: ForgeApi, ref: str, event: IssueEvent, heading: str) -> None:
    """Comment the event on issue `ref` unless a comment with its delivery marker exists."""
    marker = delivery_marker(event.idempotency_key)
    if any(marker in body for body in api.comments(ref)):
        return
    text = f"**{heading}**\n\n{summary_markdown(event)}"
    api.comment(ref, clip(text, MAX_BODY) + "\n\n" + marker)


def pages(
    client: httpx.Client,
    url: str,
    what: str,
    base_url: str,
    max_pages: int,
    **kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """The objects of a paginated list (Link rel="next"), at most `max_pages` pages."""
    for _ in range(max_pages):
        response = call(client, "GET", url, what, **kwargs)
        items = json_of(response, what)
        if not isinstance(items, list):
            raise SinkFailure(f"{what}: the answer is not a list", retryable=False)
        yield from (item for item in items if isinstance(item, dict))
        following = next_link(response, base_url)
        if following is None:
            return
        url, kwargs = following, {k: v for k, v in kwargs.items() if k != "params"}


def reference(document: Any, key: str, what: str) -> str:
    """The issue number (GitHub `number`, GitLab `iid`) of an answer, as text."""
    value = document.get(key) if isinstance(document, dict) else None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SinkFailure(f"{what}: the answer has no issue {key}", retryable=False)
    return str(value)


class ForgeTransport:
    """The HTTP calls GitHub's and GitLab's sinks share: one request, and the pages of a
    listing, with the sink's auth headers and its description (never the token) in errors."""

    def __init__(
        self, client: httpx.Client, api_url: str, labels: tuple[str, ...], max_pages: int,
        headers: dict[str, str], kind: str, place: str,
    ) -> None:  # fmt: skip
        self.api_url = api_url.rstrip("/")
        self.labels = labels
        self.max_pages = max_pages
        self._client = client
        self._headers = headers
        self._what = f"{kind} {host_of(self.api_url)} {place}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._what!r})"

    def deliver(self: ForgeApi, event: IssueEvent) -> DeliveryResult:
        """The sink's delivery: the shared flow, with failures as a DeliveryResult."""
        return deliver_safely(lambda: apply_event(self, event))

    def _send(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        return call(self._client, method, url, what, headers=self._headers, **kwargs)

    def _pages(self, url: str, doing: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        what = f"{self._what}: {doing}"
        return pages(
            self._client, url, what, self.api_url, self.max_pages,
            params=params, headers=self._headers,
        )  # fmt: skip
