"""A real HTTP server on 127.0.0.1 that records every request (method, path, query, headers,
body) and answers through a handler; it can be told to fail the next requests (without running
the handler), or to answer late AFTER the handler ran (a timeout whose request went through).

`FakeGitHub` and `FakeGitLab` are handlers keeping issues and comments in memory, with the
pagination (Link rel="next") and the authentication the real APIs use.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass
class Received:
    method: str
    path: str  # without the query
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Received], Answer]


@dataclass
class Recorder:
    url: str = ""
    handler: Handler = lambda _request: Answer(200, body=b"ok")
    requests: list[Received] = field(default_factory=list)
    failures: deque[Answer] = field(default_factory=deque)  # answered instead of the handler
    delays: deque[float] = field(default_factory=deque)  # seconds to wait after the handler
    released: threading.Event = field(default_factory=threading.Event)

    def fail_next(self, count: int, answer: Answer) -> None:
        self.failures.extend([answer] * count)

    def slow_next(self, count: int, seconds: float) -> None:
        self.delays.extend([seconds] * count)

    def answer(self, request: Received) -> Answer:
        self.requests.append(request)
        if self.failures:
            return self.failures.popleft()
        answer = self.handler(request)
        if self.delays:
            self.released.wait(self.delays.popleft())
        return answer


def _http_handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = Received(
                self.command, parts.path, dict(parse_qsl(parts.query)), headers, body
            )
            answer = recorder.answer(request)
            payload = answer.body if answer.json is None else json.dumps(answer.json).encode()
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.json is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up waiting (timeout tests)
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


@contextmanager
def recording(handler: Handler | None = None) -> Iterator[Recorder]:
    """A recording server on an ephemeral 127.0.0.1 port."""
    recorder = Recorder() if handler is None else Recorder(handler=handler)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _http_handler(recorder))
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        recorder.released.set()
        server.shutdown()
        server.server_close()
        thread.join()


def dead_url() -> str:
    """A 127.0.0.1 URL nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class FakeIssue:
    ref: int
    title: str
    body: str
    labels: Any
    state: str
    comments: list[str] = field(default_factory=list)


@dataclass
class _FakeForge:
    """Issues and comments in memory; the subclasses spell the routes and fields."""

    token_header: str
    token: str
    page_size: int = 100  # smaller to exercise pagination
    base_url: str = ""  # the recorder's URL, for Link headers
    issues: dict[int, FakeIssue] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    routes: tuple[tuple[str, re.Pattern[str], str], ...] = ()

    def __call__(self, request: Received) -> Answer:
        if request.headers.get(self.token_header.lower()) != self.token:
            return Answer(401, json={"message": "Bad credentials"})
        with self.lock:
            for method, pattern, name in self.routes:
                match = pattern.fullmatch(request.path)
                if match and method == request.method:
                    return getattr(self, name)(request, *match.groups())  # type: ignore[no-any-return]
        return Answer(404, json={"message": "Not Found"})

    def page(self, request: Received, items: list[Any]) -> Answer:
        number = int(request.query.get("page", "1"))
        chunk = items[(number - 1) * self.page_size : number * self.page_size]
        headers = {}
        if number * self.page_size < len(items):
            query = urlencode({**request.query, "page": str(number + 1)})
            headers["Link"] = f'<{self.base_url}{request.path}?{query}>; rel="next"'
        return Answer(200, json=chunk, headers=headers)

    def add(self, title: str, body: str, labels: Any) -> FakeIssue:
        issue = FakeIssue(len(self.issues) + 1, title, body, labels, "open")
        self.issues[issue.ref] = issue
        return issue


class FakeGitHub(_FakeForge):
    """GitHub's REST v3 issue endpoints of repository `owner/repo`."""

    def __init__(self, token: str, base_url: str = "", page_size: int = 100) -> None:
        super().__init__("Authorization", f"Bearer {token}", page_size, base_url)
        issues = r"/repos/owner/repo/issues"
        self.routes = (
            ("GET", re.compile(issues), "list_issues"),
            ("POST", re.compile(issues), "create"),
            ("GET", re.compile(issues + r"/(\d+)/comments"), "list_comments"),
            ("POST", re.compile(issues + r"/(\d+)/comments"), "comment"),
            ("PATCH", re.compile(issues + r"/(\d+)"), "edit"),
        )

    def list_issues(self, request: Received) -> Answer:
        wanted = request.query.get("state", "open")
        found = [i for i in reversed(self.issues.values()) if i.state == wanted]
        return self.page(request, [{"number": i.ref, "body": i.body} for i in found])

    def create(self, request: Received) -> Answer:
        document = request.json()
        issue = self.add(document["title"], document["body"], document.get("labels"))
        return Answer(201, json={"number": issue.ref, "state": "open"})

    def list_comments(self, request: Received, ref: str) -> Answer:
        comments = self.issues[int(ref)].comments
        return self.page(request, [{"id": n, "body": b} for n, b in enumerate(comments)])

    def comment(self, request: Received, ref: str) -> Answer:
        self.issues[int(ref)].comments.append(request.json()["body"])
        return Answer(201, json={"id": len(self.issues[int(ref)].comments)})

    def edit(self, request: Received, ref: str) -> Answer:
        self.issues[int(ref)].state = request.json()["state"]
        return Answer(200, json={"number": int(ref), "state": self.issues[int(ref)].state})


class FakeGitLab(_FakeForge):
    """GitLab's v4 issue endpoints of project `group/project` (id 7 too)."""

    def __init__(self, token: str, base_url: str = "", page_size: int = 100) -> None:
        super().__init__("PRIVATE-TOKEN", token, page_size, base_url)
        issues = r"/api/v4/projects/(?:7|group%2Fproject)/issues"
        self.routes = (
            ("GET", re.compile(issues), "list_issues"),
            ("POST", re.compile(issues), "create"),
            ("GET", re.compile(issues + r"/(\d+)/notes"), "list_notes"),
            ("POST", re.compile(issues + r"/(\d+)/notes"), "note"),
            ("PUT", re.compile(issues + r"/(\d+)"), "edit"),
        )

    def list_issues(self, request: Received) -> Answer:
        wanted = {"opened": "open", "closed": "closed"}[request.query.get("state", "opened")]
        found = [i for i in reversed(self.issues.values()) if i.state == wanted]
        return self.page(request, [{"iid": i.ref, "description": i.body} for i in found])

    def create(self, request: Received) -> Answer:
        document = request.json()
        issue = self.add(document["title"], document["description"], document.get("labels"))
        return Answer(201, json={"iid": issue.ref, "id": 1000 + issue.ref})

    def list_notes(self, request: Received, ref: str) -> Answer:
        notes = list(reversed(self.issues[int(ref)].comments))
        return self.page(request, [{"id": n, "body": b} for n, b in enumerate(notes)])

    def note(self, request: Received, ref: str) -> Answer:
        self.issues[int(ref)].comments.append(request.json()["body"])
        return Answer(201, json={"id": len(self.issues[int(ref)].comments)})

    def edit(self, request: Received, ref: str) -> Answer:
        event = request.json()["state_event"]
        self.issues[int(ref)].state = {"close": "closed", "reopen": "open"}[event]
        return Answer(200, json={"iid": int(ref)})
