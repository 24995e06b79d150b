"""A signed webhook: the event as JSON, POSTed with an HMAC-SHA256 signature and a timestamp.

Headers: `X-Garrison-Timestamp: <unix seconds>`, `X-Garrison-Signature: sha256=<hex of
HMAC-SHA256(secret, f"{timestamp}.{body}")>`, `X-Garrison-Delivery: <idempotency key>`.
A receiver checks them with `verify_signature()` (which refuses timestamps outside the
tolerance, so a captured request cannot be replayed later) and drops a delivery key it has
already handled (a retry after a lost answer sends the same key again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping

import httpx

from garrison.errors import GarrisonError
from garrison.server.sinks.base import DeliveryResult, IssueEvent
from garrison.server.sinks.http import call, deliver_safely, host_of
from garrison.server.sinks.options import Options

KIND = "webhook"
TIMESTAMP_HEADER = "X-Garrison-Timestamp"
SIGNATURE_HEADER = "X-Garrison-Signature"
DELIVERY_HEADER = "X-Garrison-Delivery"
DEFAULT_TOLERANCE = 300


class SignatureError(GarrisonError):
    """A webhook request's signature or timestamp does not hold."""


def payload(event: IssueEvent) -> bytes:
    """The request body: compact JSON with sorted keys (what is signed is what is sent)."""
    document = {
        "delivery": event.idempotency_key,
        "event": event.event,
        "dedupe_key": event.dedupe_key,
        "team": event.team,
        "title": event.title,
        "body": event.body,
        "severity": event.severity,
        "findings": list(event.findings),
        "url": event.url,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sign(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: str | bytes,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE,
) -> None:
    """Check a received request; `SignatureError` saying why when it must be refused."""
    lowered = {name.lower(): value for name, value in headers.items()}
    stamp = lowered.get(TIMESTAMP_HEADER.lower(), "").strip()
    given = lowered.get(SIGNATURE_HEADER.lower(), "").strip()
    if not stamp or not given:
        raise SignatureError("the timestamp or signature header is missing")
    if not stamp.isdigit():
        raise SignatureError("the timestamp is not a whole number of seconds")
    if abs(now - int(stamp)) > tolerance:
        raise SignatureError(f"the timestamp is more than {tolerance} s away from now")
    if not hmac.compare_digest(sign(secret, int(stamp), body), given):
        raise SignatureError("the signature does not match the body")


class WebhookSink:
    """POSTs every event to one URL, signed with the team's shared secret."""

    kind = KIND

    def __init__(
        self,
        url: str,
        secret: str,
        client: httpx.Client,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url
        self._secret = secret
        self._client = client
        self._clock = clock
        self._what = f"webhook {host_of(url)}"

    def __repr__(self) -> str:
        return f"WebhookSink({self._what!r})"

    def deliver(self, event: IssueEvent) -> DeliveryResult:
        return deliver_safely(lambda: self._post(event))

    def _post(self, event: IssueEvent) -> None:
        body = payload(event)
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
            DELIVERY_HEADER: event.idempotency_key,
        }
        call(self._client, "POST", self.url, self._what, content=body, headers=headers)


def build(options: Options, client: httpx.Client) -> WebhookSink:
    """Settings: url (or url_env), secret_env (the variable holding the shared secret)."""
    options.only("url", "url_env", "secret_env")
    return WebhookSink(options.url_or_secret(), options.secret("secret_env"), client)
