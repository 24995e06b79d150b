"""The GitHub and GitLab sinks against fakes of their APIs on a real 127.0.0.1 server: the
exact requests, the markers that keep a retried or restarted delivery from opening a second
issue or posting a comment twice, pagination that stays on the configured API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from garrison.server.sinks.base import delivery_marker, issue_marker
from garrison.server.sinks.github import GitHubSink
from garrison.server.sinks.gitlab import GitLabSink
from garrison.server.sinks.http import next_link
from tests.server.test_sinks import KEY, TOKEN, event, host
from tests.support.recorder import Answer, FakeGitHub, FakeGitLab, recording


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(2.0), trust_env=False) as http:
        yield http


# --- GitHub ----------------------------------------------------------------------------------


def github(server_url: str, client: httpx.Client, **kwargs: object) -> GitHubSink:
    return GitHubSink("owner/repo", TOKEN, client, api_url=server_url, **kwargs)  # type: ignore[arg-type]


def test_github_open_update_close_requests_are_exact(client: httpx.Client) -> None:
    fake = FakeGitHub(TOKEN)
    with recording(fake) as server:
        sink = github(server.url, client, labels=("security", "garrison"))
        opened = sink.deliver(event("opened"))
        updated = sink.deliver(event("updated", ref="1", n=2))
        closed = sink.deliver(event("closed", ref="1", n=3))
    assert [r.external_ref for r in (opened, updated, closed)] == ["1", "1", "1"]
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/repos/owner/repo/issues"),
        ("POST", "/repos/owner/repo/issues"),
        ("GET", "/repos/owner/repo/issues/1/comments"),
        ("POST", "/repos/owner/repo/issues/1/comments"),
        ("GET", "/repos/owner/repo/issues/1/comments"),
        ("POST", "/repos/owner/repo/issues/1/comments"),
        ("PATCH", "/repos/owner/repo/issues/1"),
    ]
    listing, create, _, comment, _, closing, patch = server.requests
    assert listing.query == {
        "state": "open",
        "sort": "created",
        "direction": "desc",
        "per_page": "100",
    }
    for request in server.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["x-github-api-version"] == "2022-11-28"
    assert create.json() == {
        "title": "lodash 4.17.20 in shop: 1 vulnerability",
        "body": "**lodash** 4.17.20 is affected.\n\n**Findings**\n\n"
        "- GHSA-35jh-r3h4-6jhm (high): Command injection in lodash\n\n"
        "[Open in garrison](https://garrison.example/issues/1)\n\n"
        "<!-- garrison-issue:alpha|shop|npm:lodash -->",
        "labels": ["security", "garrison"],
    }
    assert comment.json()["body"].startswith("**Updated by garrison.**\n\n**lodash** 4.17.20")
    assert comment.json()["body"].endswith(f"<!-- garrison-delivery:{KEY}:updated:2:sink -->")
    assert closing.json()["body"].startswith("**Closed by garrison: the findings are resolved.**")
    assert patch.json() == {"state": "closed", "state_reason": "completed"}
    assert [(i.ref, i.state, len(i.comments)) for i in fake.issues.values()] == [(1, "closed", 2)]


def test_github_marker_finds_the_issue_instead_of_creating_one(client: httpx.Client) -> None:
    fake = FakeGitHub(TOKEN, page_size=2)
    with recording(fake) as server:
        fake.base_url = server.url
        fake.add("ours", "text\n\n" + issue_marker(KEY), None)
        for n in range(4):  # newer issues first: ours is on the last page
            fake.add(f"other {n}", issue_marker(KEY + "x"), None)
        result = github(server.url, client).deliver(event("opened"))
    assert (result.ok, result.external_ref) == (True, "1")
    assert [(r.method, r.query.get("page")) for r in server.requests] == [
        ("GET", None),
        ("GET", "2"),
        ("GET", "3"),
    ]
    assert len(fake.issues) == 5


def test_github_update_of_an_unknown_issue_creates_it_and_close_of_none_is_done(
    client: httpx.Client,
) -> None:
    fake = FakeGitHub(TOKEN)
    with recording(fake) as server:
        closed = github(server.url, client).deliver(event("closed"))
        updated = github(server.url, client).deliver(event("updated", n=2))
    assert (closed.ok, closed.external_ref) == (True, None)
    assert (updated.ok, updated.external_ref) == (True, "1")
    assert [r.method for r in server.requests] == ["GET", "GET", "POST"]


def test_github_comment_is_not_repeated_for_the_same_delivery(client: httpx.Client) -> None:
    fake = FakeGitHub(TOKEN)
    with recording(fake) as server:
        sink = github(server.url, client)
        sink.deliver(event("opened"))
        first = sink.deliver(event("updated", ref="1", n=2))
        again = sink.deliver(event("updated", ref="1", n=2))  # a retry after a lost answer
    assert (first.external_ref, again.external_ref) == ("1", "1")
    assert fake.issues[1].comments == [fake.issues[1].comments[0]]
    assert delivery_marker(f"{KEY}:updated:2:sink") in fake.issues[1].comments[0]


def test_github_timeout_after_create_does_not_duplicate(client: httpx.Client) -> None:
    fake = FakeGitHub(TOKEN)
    with recording(fake) as server, httpx.Client(timeout=0.3, trust_env=False) as impatient:
        server.slow_next(1, 0.0)  # the listing answers at once...
        server.slow_next(1, 5.0)  # ...the create goes through but its answer comes too late
        first = github(server.url, impatient).deliver(event("opened"))
        server.delays.clear()
        second = github(server.url, client).deliver(event("opened"))
    assert (first.ok, first.retryable) == (False, True)
    assert first.error == f"github {host(server.url)} owner/repo: create issue: no answer in time"
    assert (second.ok, second.external_ref) == (True, "1")
    assert len(fake.issues) == 1


def test_github_refusals_are_permanent_and_rate_limits_retry(client: httpx.Client) -> None:
    with recording(FakeGitHub("another-token")) as server:
        refused = github(server.url, client).deliver(event("opened"))
        server.fail_next(1, Answer(403, headers={"Retry-After": "60"}))
        limited = github(server.url, client).deliver(event("opened"))
    assert (refused.retryable, limited.retryable, limited.retry_after) == (False, True, 60.0)
    assert refused.error is not None and "401 Unauthorized" in refused.error
    assert TOKEN not in refused.error


def test_github_answer_without_a_number_is_a_permanent_failure(client: httpx.Client) -> None:
    with recording(
        lambda r: Answer(200, json=[]) if r.method == "GET" else Answer(201, json={})
    ) as server:
        result = github(server.url, client).deliver(event("opened"))
    assert (result.ok, result.retryable) == (False, False)
    assert (
        result.error
        == f"github {host(server.url)} owner/repo: create issue: the answer has no issue number"
    )


def test_next_link_stays_on_the_configured_api() -> None:
    def answer(link: str) -> httpx.Response:
        return httpx.Response(200, headers={"Link": link})

    assert (
        next_link(answer('<https://api.example/v3/x?page=2>; rel="next"'), "https://api.example/v3")
        == "https://api.example/v3/x?page=2"
    )
    assert (
        next_link(
            answer('<https://evil.example/v3/x?page=2>; rel="next"'), "https://api.example/v3"
        )
        is None
    )
    assert (
        next_link(answer('<https://api.example/v3/x?page=1>; rel="prev"'), "https://api.example/v3")
        is None
    )


# --- GitLab ----------------------------------------------------------------------------------


def test_gitlab_open_update_close_requests_are_exact(client: httpx.Client) -> None:
    fake = FakeGitLab(TOKEN)
    with recording(fake) as server:
        sink = GitLabSink(
            "group/project", TOKEN, client, api_url=server.url + "/api/v4", labels=("security",)
        )
        opened = sink.deliver(event("opened"))
        updated = sink.deliver(event("updated", ref=opened.external_ref, n=2))
        again = sink.deliver(event("updated", ref=opened.external_ref, n=2))
        closed = sink.deliver(event("closed", ref=opened.external_ref, n=3))
    assert [r.external_ref for r in (opened, updated, again, closed)] == ["1"] * 4
    base = "/api/v4/projects/group%2Fproject/issues"
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", base),
        ("POST", base),
        ("GET", base + "/1/notes"),
        ("POST", base + "/1/notes"),
        ("GET", base + "/1/notes"),
        ("GET", base + "/1/notes"),
        ("POST", base + "/1/notes"),
        ("PUT", base + "/1"),
    ]
    assert all(r.headers["private-token"] == TOKEN for r in server.requests)
    assert server.requests[0].query == {
        "state": "opened",
        "order_by": "created_at",
        "sort": "desc",
        "per_page": "100",
    }
    assert server.requests[1].json()["labels"] == "security"
    assert server.requests[1].json()["description"].endswith(issue_marker(KEY))
    assert server.requests[-1].json() == {"state_event": "close"}
    assert [(i.state, len(i.comments)) for i in fake.issues.values()] == [("closed", 2)]


def test_gitlab_reopens_a_known_issue_and_finds_by_marker(client: httpx.Client) -> None:
    fake = FakeGitLab(TOKEN)
    with recording(fake) as server:
        fake.add("old", issue_marker(KEY), None).state = "closed"
        fake.add("open one", "x " + issue_marker(KEY), None)
        sink = GitLabSink("7", TOKEN, client, api_url=server.url + "/api/v4")
        reopened = sink.deliver(event("opened", ref="1", n=5))
        found = sink.deliver(event("updated", n=6))
    assert (reopened.external_ref, found.external_ref) == ("1", "2")
    assert [i.state for i in fake.issues.values()] == ["open", "open"]
    assert server.requests[0].json() == {"state_event": "reopen"}
    assert len(fake.issues) == 2
