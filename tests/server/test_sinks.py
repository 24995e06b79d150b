"""Every sink against a real recording HTTP server on 127.0.0.1: the exact requests, the
classification of failures, the markers that keep forges free of duplicates, no secret in any
error. (The outbox that drives them is tested in test_delivery.py.)"""

from __future__ import annotations

import hashlib
import hmac
import pkgutil
from collections.abc import Iterator

import httpx
import pytest

from garrison.errors import ConfigError
from garrison.server import sinks
from garrison.server.sinks import SINKS, build_sink, build_team_sinks
from garrison.server.sinks.base import IssueEvent
from garrison.server.sinks.http import retry_after
from garrison.server.sinks.internal import InternalSink
from garrison.server.sinks.slack import SlackSink, message
from garrison.server.sinks.webhook import SignatureError, WebhookSink, sign, verify_signature
from tests.support.recorder import Answer, dead_url, recording

TOKEN = "test-" + "tok" * 6  # not a real credential format
SECRET = "shared-" + "s3cr" * 4
KEY = "alpha|shop|npm:lodash"
NOW = 1_750_000_000


def event(kind: str = "opened", ref: str | None = None, n: int = 1) -> IssueEvent:
    return IssueEvent(
        idempotency_key=f"{KEY}:{kind}:{n}:sink",
        dedupe_key=KEY,
        event=kind,  # type: ignore[arg-type]
        team="alpha",
        title="lodash 4.17.20 in shop: 1 vulnerability",
        body="**lodash** 4.17.20 is affected.",
        severity="high",
        findings=("GHSA-35jh-r3h4-6jhm (high): Command injection in lodash",),
        url="https://garrison.example/issues/1",
        external_ref=ref,
    )


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(2.0), trust_env=False) as http:
        yield http


def host(url: str) -> str:
    return url.removeprefix("http://")


# --- registry and settings -------------------------------------------------------------------


def test_every_sink_module_is_listed_once_by_kind() -> None:
    helpers = {"base", "forge", "http", "options"}
    modules = {m.name for m in pkgutil.iter_modules(sinks.__path__)} - helpers
    assert modules == {"internal", "webhook", "github", "gitlab", "slack"}
    assert set(SINKS) == modules


def test_team_sinks_are_keyed_by_team_and_name(client: httpx.Client) -> None:
    teams = {
        "alpha": {"gh": {"kind": "github", "repository": "owner/repo", "token_env": "GH"}},
        "beta": {"hook": {"kind": "webhook", "url": "https://hooks.example/x", "secret_env": "S"}},
    }
    table = build_team_sinks(teams, {"GH": TOKEN, "S": SECRET}, client)
    assert {key: type(sink).__name__ for key, sink in table.items()} == {
        ("alpha", "internal"): "InternalSink",
        ("alpha", "gh"): "GitHubSink",
        ("beta", "internal"): "InternalSink",
        ("beta", "hook"): "WebhookSink",
    }
    assert TOKEN not in repr(table) and SECRET not in repr(table)


@pytest.mark.parametrize(
    ("settings", "env", "message"),
    [
        ({"kind": "jira"}, {}, "team a, sink s: kind must be one of internal, webhook, github, "
         "gitlab, slack, not 'jira'"),
        ({"kind": "github", "repository": "owner/repo", "token_env": "GH"}, {},
         "team a, sink s: environment variable GH is not set"),
        ({"kind": "github", "repository": "not a repo"}, {"GITHUB_TOKEN": TOKEN},
         "team a, sink s: repository must look like owner/name"),
        ({"kind": "webhook", "url": "https://h.example", "secret_env": "S", "secret": "x"},
         {"S": SECRET}, "team a, sink s: unknown setting 'secret'"),
        ({"kind": "webhook", "url": "ftp://h.example", "secret_env": "S"}, {"S": SECRET},
         "team a, sink s: url must be an http(s) URL"),
        ({"kind": "slack", "url": "https://h.example", "url_env": "U"}, {"U": "https://x"},
         "team a, sink s: give exactly one of url and url_env"),
        ({"kind": "gitlab", "project": "g/p", "max_pages": 0}, {"GITLAB_TOKEN": TOKEN},
         "team a, sink s: max_pages must be a positive whole number"),
    ],
)  # fmt: skip
def test_bad_sink_settings_say_which_key(
    settings: dict[str, object], env: dict[str, str], message: str, client: httpx.Client
) -> None:
    with pytest.raises(ConfigError) as caught:
        build_sink(settings, env, client, "team a, sink s")
    assert str(caught.value) == message


def test_internal_sink_does_nothing_and_succeeds() -> None:
    result = InternalSink().deliver(event())
    assert (result.ok, result.external_ref, result.error) == (True, None, None)


# --- signed webhook --------------------------------------------------------------------------


def test_webhook_request_is_exact_and_verifies(client: httpx.Client) -> None:
    with recording() as server:
        sink = WebhookSink(server.url + "/hooks/garrison", SECRET, client, clock=lambda: NOW)
        result = sink.deliver(event())
    assert (result.ok, result.external_ref) == (True, None)
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/hooks/garrison")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-garrison-timestamp"] == str(NOW)
    assert request.headers["x-garrison-delivery"] == f"{KEY}:opened:1:sink"
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + request.body, hashlib.sha256)
    assert request.headers["x-garrison-signature"] == "sha256=" + expected.hexdigest()
    assert request.json() == {
        "delivery": f"{KEY}:opened:1:sink",
        "event": "opened",
        "dedupe_key": KEY,
        "team": "alpha",
        "title": "lodash 4.17.20 in shop: 1 vulnerability",
        "body": "**lodash** 4.17.20 is affected.",
        "severity": "high",
        "findings": ["GHSA-35jh-r3h4-6jhm (high): Command injection in lodash"],
        "url": "https://garrison.example/issues/1",
    }
    verify_signature(SECRET, request.headers, request.body, now=NOW + 300)
    verify_signature(SECRET.encode(), request.headers, request.body, now=NOW - 300)


def signed(body: bytes, timestamp: int = NOW) -> dict[str, str]:
    return {
        "X-Garrison-Timestamp": str(timestamp),
        "X-Garrison-Signature": sign(SECRET, timestamp, body),
    }


@pytest.mark.parametrize(
    ("headers", "body", "now", "reason"),
    [
        (signed(b"{}"), b"{}", NOW + 301, "the timestamp is more than 300 s away from now"),
        (signed(b"{}"), b"{}", NOW - 301, "the timestamp is more than 300 s away from now"),
        (signed(b"{}"), b'{"x":1}', NOW, "the signature does not match the body"),
        (signed(b"{}", NOW - 1) | {"X-Garrison-Timestamp": str(NOW)}, b"{}", NOW,
         "the signature does not match the body"),
        ({"X-Garrison-Timestamp": str(NOW)}, b"{}", NOW,
         "the timestamp or signature header is missing"),
        (signed(b"{}") | {"X-Garrison-Timestamp": "soon"}, b"{}", NOW,
         "the timestamp is not a whole number of seconds"),
    ],
)  # fmt: skip
def test_webhook_verification_refuses(
    headers: dict[str, str], body: bytes, now: int, reason: str
) -> None:
    with pytest.raises(SignatureError) as caught:
        verify_signature(SECRET, headers, body, now=now)
    assert str(caught.value) == reason


def test_webhook_signed_with_another_secret_is_refused() -> None:
    headers = {"X-Garrison-Timestamp": str(NOW), "X-Garrison-Signature": sign("other", NOW, b"{}")}
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, headers, b"{}", now=NOW)


@pytest.mark.parametrize(
    ("answer", "retryable", "after", "error"),
    [
        (Answer(500), True, None, "HTTP 500 Internal Server Error"),
        (Answer(503, headers={"Retry-After": "120"}), True, 120.0, "HTTP 503 Service Unavailable"),
        (Answer(429, headers={"Retry-After": "7"}), True, 7.0, "HTTP 429 Too Many Requests"),
        (Answer(408), True, None, "HTTP 408 Request Timeout"),
        (Answer(404), False, None, "HTTP 404 Not Found"),
        (Answer(400), False, None, "HTTP 400 Bad Request"),
        (Answer(401), False, None, "HTTP 401 Unauthorized"),
        (Answer(403), False, None, "HTTP 403 Forbidden"),
        (Answer(403, headers={"X-RateLimit-Remaining": "0"}), True, None, "HTTP 403 Forbidden"),
        (
            Answer(301, headers={"Location": "/elsewhere"}),
            False,
            None,
            "HTTP 301 Moved Permanently",
        ),
    ],
)
def test_webhook_failures_are_classified(
    answer: Answer, retryable: bool, after: float | None, error: str, client: httpx.Client
) -> None:
    with recording() as server:
        server.fail_next(1, answer)
        url = server.url + "/hook?token=" + SECRET
        result = WebhookSink(url, SECRET, client).deliver(event())
    assert (result.ok, result.retryable, result.retry_after) == (False, retryable, after)
    assert result.error == f"webhook {host(server.url)}: {error}"
    assert len(server.requests) == 1


def test_webhook_down_or_slow_is_retryable_and_says_why(client: httpx.Client) -> None:
    refused = WebhookSink(dead_url() + "/hook", SECRET, client).deliver(event())
    assert (refused.ok, refused.retryable) == (False, True)
    assert refused.error is not None and refused.error.endswith(": cannot connect (ConnectError)")
    with recording() as server, httpx.Client(timeout=0.2, trust_env=False) as impatient:
        server.slow_next(1, 5.0)
        late = WebhookSink(server.url + "/hook", SECRET, impatient).deliver(event())
    assert (late.ok, late.retryable) == (False, True)
    assert late.error == f"webhook {host(server.url)}: no answer in time"
    assert len(server.requests) == 1


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("30") == 30.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412480 - 60) == 60.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412480 + 60) == 0.0
    assert (retry_after(None), retry_after(""), retry_after("later")) == (None, None, None)


# --- Slack-compatible incoming webhooks ------------------------------------------------------


def test_slack_message_is_exact(client: httpx.Client) -> None:
    with recording() as server:
        result = SlackSink(server.url + "/services/T0/B0/" + SECRET, client).deliver(event())
    assert result.ok
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/services/T0/B0/" + SECRET)
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "text": "New issue [high] lodash 4.17.20 in shop: 1 vulnerability",
        "blocks": [
            {"type": "header",
             "text": {"type": "plain_text", "text": "lodash 4.17.20 in shop: 1 vulnerability"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                "*New issue* · severity *high* · team alpha\n"
                "• GHSA-35jh-r3h4-6jhm (high): Command injection in lodash\n"
                "<https://garrison.example/issues/1|Open in garrison>")}},
        ],
    }  # fmt: skip


def test_slack_escapes_and_shortens() -> None:
    many = IssueEvent("k", KEY, "closed", "a&b", "t" * 200, "", "low", ("<x> & y",) * 12, "")
    body = message(many)
    assert body["text"] == "Issue closed [low] " + "t" * 200
    assert len(body["blocks"][0]["text"]["text"]) == 150
    assert body["blocks"][1]["text"]["text"].splitlines() == [
        "*Issue closed* · severity *low* · team a&amp;b",
        *["• &lt;x&gt; &amp; y"] * 10,
        "…and 2 more",
    ]


def test_slack_errors_never_show_the_webhook_url(client: httpx.Client) -> None:
    with recording() as server:
        server.fail_next(1, Answer(404, body=b"no_service"))
        result = SlackSink(server.url + "/services/T0/B0/" + SECRET, client).deliver(event())
    assert (result.ok, result.retryable) == (False, False)
    assert result.error == f"slack webhook {host(server.url)}: HTTP 404 Not Found"
    assert SECRET not in repr(SlackSink(server.url + "/" + SECRET, client))
