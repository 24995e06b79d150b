"""The HTTP side every remote sink shares: one call, its failure classified, nothing secret said.

`call()` raises `SinkFailure` for anything but a 2xx answer; `deliver_safely()` turns that into
the `DeliveryResult` the outbox stores. 408, 425, 429 and 5xx answers, timeouts and connection
failures are retryable (honouring Retry-After); other 4xx answers and unusable bodies are not.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from garrison.server.sinks.base import DeliveryResult

RETRYABLE_STATUS = frozenset({408, 425, 429})
DEFAULT_TIMEOUT = 10.0
USER_AGENT = "garrison-server"


class SinkFailure(Exception):
    """A delivery attempt failed; the message is safe to store and log."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


def new_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """The client sinks share: bounded time, no redirects (a redirect could leak a token)."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


def host_of(url: str) -> str:
    """Only the host (and port) of a URL: webhook paths and queries can hold secrets."""
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] or "?"


def call(client: httpx.Client, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
    """Send one request; a 2xx answer or `SinkFailure` naming `what` (never the URL)."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise SinkFailure(f"{what}: no answer in time", retryable=True) from None
    except httpx.TransportError as exc:
        raise SinkFailure(f"{what}: cannot connect ({type(exc).__name__})", True) from None
    code = response.status_code
    if 200 <= code < 300:
        return response
    after = retry_after(response.headers.get("Retry-After"))
    limited = code == 403 and _rate_limited(response)
    if limited and after is None:
        after = _reset_in(response.headers.get("X-RateLimit-Reset"))
    retryable = code in RETRYABLE_STATUS or code >= 500 or limited
    raise SinkFailure(f"{what}: HTTP {code} {response.reason_phrase}".rstrip(), retryable, after)


def json_of(response: httpx.Response, what: str) -> Any:
    """The JSON body of a 2xx answer; an unusable body is a permanent failure."""
    try:
        return response.json()
    except ValueError:
        raise SinkFailure(f"{what}: the answer is not JSON", retryable=False) from None


def retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def _rate_limited(response: httpx.Response) -> bool:
    """A 403 that is a (secondary) rate limit, not a refusal: GitHub says so in headers."""
    headers = response.headers
    return "Retry-After" in headers or headers.get("X-RateLimit-Remaining") == "0"


def _reset_in(value: str | None) -> float | None:
    if not value or not value.strip().isdigit():
        return None
    return max(0.0, float(value.strip()) - time.time())


def next_link(response: httpx.Response, base_url: str) -> str | None:
    """The `Link: rel="next"` page, only when it stays on the configured API (token safety)."""
    url = response.links.get("next", {}).get("url")
    if url and url.startswith(base_url + "/"):
        return url
    return None


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, saying so."""
    if len(text) <= limit:
        return text
    note = "\n\n(cut short)"
    return text[: limit - len(note)] + note


def deliver_safely(action: Callable[[], str | None]) -> DeliveryResult:
    """Run one delivery; its external reference, or the failure as a result."""
    try:
        return DeliveryResult(external_ref=action())
    except SinkFailure as failure:
        return DeliveryResult(
            error=str(failure), retryable=failure.retryable, retry_after=failure.retry_after
        )
