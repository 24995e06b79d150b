"""A real HTTP server on 127.0.0.1 that serves a directory, honours ETag and
If-Modified-Since, records every request, and can be told to cut a body short."""

from __future__ import annotations

import email.utils
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0


@dataclass
class ServerState:
    root: Path
    requests: list[Recorded] = field(default_factory=list)
    truncate: set[str] = field(default_factory=set)  # URL paths whose body is cut in half


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            record = Recorded("GET", self.path, dict(self.headers.items()))
            state.requests.append(record)
            from urllib.parse import unquote

            target = state.root / unquote(self.path.lstrip("/"))
            if not target.is_file() or ".." in Path(unquote(self.path)).parts:
                record.status = 404
                self.send_error(404)
                return
            body = target.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(int(target.stat().st_mtime), usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                record.status = 304
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            record.status = 200
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            if self.path in state.truncate:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@contextmanager
def serve(root: Path) -> Iterator[tuple[str, ServerState]]:
    """Serve `root` on an ephemeral 127.0.0.1 port; yields (base_url, state)."""
    state = ServerState(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
