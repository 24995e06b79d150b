"""Registries for tests: the real `docker-registry` (v2.8) on 127.0.0.1, a pusher for it, and
a small scripted registry (Bearer tokens, errors, hangs) that records every request."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.oci_builder import ImageSpec, LayerSpec, file, layout_files

REGISTRY_BIN = Path("/usr/bin/docker-registry")
USER = "tester"
PASSWORD = "gArr1son-test-pw"
# bcrypt (cost 5) of PASSWORD, made once with libxcrypt: no bcrypt module or htpasswd needed.
_HTPASSWD = f"{USER}:$2b$05$rToHwaPnZblwzb0hZCrfQOaz7pe.qmN4AshQVbn89nJf9i2hxD4ia\n"


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Pushable:
    """A manifest (or index) and every blob and child manifest it needs."""

    manifest: bytes
    media_type: str
    blobs: tuple[bytes, ...] = ()
    children: tuple[Pushable, ...] = ()

    @property
    def digest(self) -> str:
        return digest_of(self.manifest)


@dataclass(frozen=True)
class RealRegistry:
    host: str  # "127.0.0.1:PORT"
    auth: tuple[str, str] | None

    @property
    def url(self) -> str:
        return f"http://{self.host}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(root: Path, port: int, htpasswd: bool) -> str:
    auth = ""
    if htpasswd:
        (root / "htpasswd").write_text(_HTPASSWD)
        auth = f"auth:\n  htpasswd:\n    realm: garrison-test\n    path: {root / 'htpasswd'}\n"
    return (
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n  delete:\n"
        f"    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{auth}"
    )


@contextmanager
def run_registry(root: Path, *, htpasswd: bool = False) -> Iterator[RealRegistry]:
    """Start docker-registry in `root` (skip when absent); stop it afterwards."""
    if not REGISTRY_BIN.exists():
        pytest.skip(f"{REGISTRY_BIN} is absent (apt-get install docker-registry; CI installs it)")
    root.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    config = root / "config.yml"
    config.write_text(_config(root, port, htpasswd))
    log = (root / "registry.log").open("wb")
    proc = subprocess.Popen([str(REGISTRY_BIN), "serve", str(config)], stdout=log, stderr=log)
    try:
        _wait_ready(proc, f"http://127.0.0.1:{port}/v2/", root / "registry.log")
        yield RealRegistry(f"127.0.0.1:{port}", (USER, PASSWORD) if htpasswd else None)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"docker-registry exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(url, timeout=1).status_code in (200, 401):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"docker-registry did not answer {url} within 30 s")


def push(registry: RealRegistry, repo: str, tag: str | None, image: Pushable) -> str:
    """Push blobs, child manifests, then the manifest (by tag, or by digest); its digest."""
    with httpx.Client(base_url=registry.url, auth=registry.auth, timeout=30) as client:
        _push(client, repo, tag, image)
    return image.digest


def _push(client: httpx.Client, repo: str, tag: str | None, image: Pushable) -> None:
    for blob in image.blobs:
        _push_blob(client, repo, blob)
    for child in image.children:
        _push(client, repo, None, child)
    response = client.put(
        f"/v2/{repo}/manifests/{tag or image.digest}",
        content=image.manifest,
        headers={"Content-Type": image.media_type},
    )
    assert response.status_code == 201, response.text


def _push_blob(client: httpx.Client, repo: str, blob: bytes) -> None:
    start = client.post(f"/v2/{repo}/blobs/uploads/")
    assert start.status_code == 202, start.text
    location = start.headers["Location"]
    sep = "&" if "?" in location else "?"
    done = client.put(
        f"{location}{sep}digest={digest_of(blob)}",
        content=blob,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert done.status_code == 201, done.text


# --- a scripted registry ----------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class FakeState:
    """What the scripted registry serves. `script[path]` answers are used up first;
    a path in `hang` gets no answer until the server stops (at most 30 s)."""

    manifests: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # "repo:ref"
    tags: dict[str, list[str]] = field(default_factory=dict)  # the catalog and tag lists
    blobs: dict[str, bytes] = field(default_factory=dict)
    bearer: bool = False
    users: dict[str, str] = field(default_factory=dict)  # the token service's accounts
    token_field: str = "token"
    script: dict[str, list[Answer]] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)
    seen: list[Seen] = field(default_factory=list)
    base: str = ""
    release: threading.Event = field(default_factory=threading.Event)

    def add(self, repo: str, tag: str | None, image: Pushable) -> None:
        for blob in image.blobs:
            self.blobs[digest_of(blob)] = blob
        for child in image.children:
            self.add(repo, None, child)
        for ref in (tag, image.digest):
            if ref:
                self.manifests[f"{repo}:{ref}"] = (image.manifest, image.media_type)

    def paths(self, prefix: str = "") -> list[str]:
        return [s.path for s in self.seen if s.path.startswith(prefix)]


def _answer(state: FakeState, path: str, headers: dict[str, str]) -> Answer:
    url = httpx.URL(path)
    if url.path == "/token":
        return _token(state, url, headers.get("Authorization", ""))
    parts = url.path.split("/")
    repo, kind, ref = "/".join(parts[2:-2]), parts[-2], parts[-1]
    scope = {"/v2/": "", "/v2/_catalog": "registry:catalog:*"}.get(url.path)
    scope = f"repository:{repo}:pull" if scope is None else scope
    if state.bearer and headers.get("Authorization") != f"Bearer tok/{scope}":
        realm = f'Bearer realm="{state.base}/token",service="fake"'
        return Answer(401, {"WWW-Authenticate": realm + (f',scope="{scope}"' if scope else "")})
    if url.path == "/v2/":
        return Answer(200, {"Content-Type": "application/json"}, b"{}")
    if url.path == "/v2/_catalog":
        return _page(url, sorted(state.tags), "repositories")
    if kind == "tags" and ref == "list" and repo in state.tags:
        return _page(url, state.tags[repo], "tags")
    if kind == "manifests" and f"{repo}:{ref}" in state.manifests:
        body, media_type = state.manifests[f"{repo}:{ref}"]
        return Answer(200, {"Content-Type": media_type, "Docker-Content-Digest": digest_of(body)},
                      body)  # fmt: skip
    if kind == "blobs" and ref in state.blobs:
        return Answer(200, {"Content-Type": "application/octet-stream"}, state.blobs[ref])
    return Answer(404, {"Content-Type": "application/json"}, b'{"errors":[{"code":"UNKNOWN"}]}')


def _page(url: httpx.URL, names: list[str], key: str) -> Answer:
    """One page of `names` after `last`, at most `n`, with a Link to the next page."""
    size, last = int(url.params.get("n", "1000")), url.params.get("last")
    rest = names[names.index(last) + 1 :] if last in names else names
    headers = {"Content-Type": "application/json"}
    if len(rest) > size:
        query = httpx.QueryParams({"n": size, "last": rest[size - 1]})
        headers["Link"] = f'<{url.path}?{query}>; rel="next"'
    return Answer(200, headers, json.dumps({key: rest[:size]}).encode())


def _token(state: FakeState, url: httpx.URL, authorization: str) -> Answer:
    if state.users:
        pairs = {base64.b64encode(f"{u}:{p}".encode()).decode() for u, p in state.users.items()}
        if authorization.removeprefix("Basic ") not in pairs:
            return Answer(401)
    body = json.dumps({state.token_field: f"tok/{url.params.get('scope', '')}"}).encode()
    return Answer(200, {"Content-Type": "application/json"}, body)


def _handler(state: FakeState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            headers = dict(self.headers.items())
            state.seen.append(Seen(self.path, headers))
            route = httpx.URL(self.path).path
            if route in state.hang:
                state.release.wait(30)
                self.close_connection = True
                return
            queued = state.script.get(route)
            answer = queued.pop(0) if queued else _answer(state, self.path, headers)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

    return Handler


@contextmanager
def fake_registry(state: FakeState | None = None) -> Iterator[tuple[str, FakeState]]:
    """Serve `state` on an ephemeral 127.0.0.1 port; yields ("127.0.0.1:PORT", state)."""
    state = state or FakeState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    host = f"127.0.0.1:{server.server_address[1]}"
    state.base = f"http://{host}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield host, state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


# --- images from tests/support/oci_builder.py, made pushable -----------------------------

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"


def pushable(*specs: ImageSpec) -> Pushable:
    """One image, or an index of several (each with its platform), as oci_builder writes it."""
    files, _, top, _ = layout_files(*specs)

    def blob(digest: str) -> bytes:
        return files[f"blobs/sha256/{digest.removeprefix('sha256:')}"]

    return _from_blobs(blob, top)


def _from_blobs(blob: Callable[[str], bytes], digest: str) -> Pushable:
    data = blob(digest)
    document = json.loads(data)
    media_type = str(document["mediaType"])
    if "manifests" in document:
        children = tuple(_from_blobs(blob, entry["digest"]) for entry in document["manifests"])
        return Pushable(data, media_type, (), children)
    needed = [document["config"]["digest"], *(layer["digest"] for layer in document["layers"])]
    return Pushable(data, media_type, tuple(blob(d) for d in needed))


def spec(text: str, **options: Any) -> ImageSpec:
    """An image of one gzip layer holding etc/os-release = `text` (ImageSpec options)."""
    return ImageSpec([LayerSpec([file("etc/os-release", text)])], **options)


def simple(text: str, **options: Any) -> Pushable:
    return pushable(spec(text, **options))


def make_index(
    images: Sequence[Pushable], platforms: Sequence[dict[str, str] | None], docker: bool = False
) -> Pushable:
    """An index by hand: Docker v2 manifest lists, indexes of indexes, missing platforms."""
    manifests = [
        {"mediaType": image.media_type, "digest": image.digest, "size": len(image.manifest)}
        | ({"platform": platform} if platform is not None else {})
        for image, platform in zip(images, platforms, strict=True)
    ]  # fmt: skip
    media_type = DOCKER_LIST if docker else OCI_INDEX
    index = {"schemaVersion": 2, "mediaType": media_type, "manifests": manifests}
    return Pushable(json.dumps(index).encode(), media_type, (), tuple(images))
