"""Pull images from an OCI Distribution registry (the only network code for images).

`RegistryClient` speaks the Distribution API over httpx: HTTPS (or plain HTTP with
`insecure`), anonymous, Basic or Bearer-token auth through the 401 challenge flow (a token
per scope, reused), retries with backoff on 429/5xx (honouring Retry-After up to a cap),
digest-checked manifests and blobs (blobs stream to a temporary directory, with a size
cap). Every failure is a RegistryError with one readable line; no secret is ever in it.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from garrison import __version__
from garrison.errors import RegistryError
from garrison.image.auth import AuthSession, Credentials, parse_challenges
from garrison.image.oci import (
    DOCKER_LIST,
    DOCKER_MANIFEST,
    OCI_INDEX,
    OCI_MANIFEST,
    load_document,
)
from garrison.image.reference import is_digest

ACCEPTED = (OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST)
MAX_MANIFEST = 4 << 20  # the reference registry refuses larger manifests too
MAX_JSON = 16 << 20  # configs, catalogs, tag lists, token answers
DEFAULT_MAX_BLOB = 8 << 30
_RETRIED = frozenset({429, 500, 502, 503, 504})
_BACKOFF = 0.5
_CHUNK = 1 << 16
_LOGIN_HINT = "docker login, or a username and password"


@dataclass(frozen=True, slots=True)
class Manifest:
    """A manifest or index as served: its bytes, verified digest and media type."""

    data: bytes
    digest: str
    media_type: str


class RegistryClient:
    """One registry host. Use as a context manager, or call `close()` (removes blobs)."""

    def __init__(
        self,
        host: str,
        *,
        insecure: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        max_wait: float = 30.0,
        max_blob_size: int = DEFAULT_MAX_BLOB,
    ) -> None:
        self.host = host
        self.insecure = insecure
        self.timeout = timeout
        self.retries = max(0, retries)
        self.max_wait = max_wait
        self.max_blob_size = max_blob_size
        self._base = f"{'http' if insecure else 'https'}://{host}"
        self._client = httpx.Client(
            timeout=timeout, verify=not insecure, follow_redirects=True, trust_env=True,
            headers={"User-Agent": f"garrison/{__version__}"},
        )  # fmt: skip
        creds = Credentials(username, password or "") if username else None
        self._auth = AuthSession(host, creds, self._get_token, insecure)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._blobs: dict[str, Path] = {}

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close connections and remove every downloaded blob."""
        self._client.close()
        self.discard_blobs()

    def discard_blobs(self) -> None:
        """Remove the downloaded blobs (the client stays usable)."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._blobs.clear()

    def ping(self) -> None:
        """GET /v2/ (authenticating if asked): fails unless HOST serves the registry API."""
        with self._open("/v2/", None, what="the registry API (/v2/)") as response:
            if response.status_code == 404:
                raise RegistryError(f"{self.host} does not serve the registry API (/v2/)")
            self._check(response, "the registry API (/v2/)")

    def get_manifest(self, repo: str, ref: str) -> Manifest:
        """The manifest or index `repo:ref` (or `repo@digest`), its digest verified."""
        what = f"manifest {repo}{'@' if is_digest(ref) else ':'}{ref}"
        accept = {"Accept": ", ".join(ACCEPTED)}
        path = f"/v2/{repo}/manifests/{ref}"
        with self._open(path, _pull_scope(repo), what=what, headers=accept) as response:
            self._check(response, what)
            data = _read_all(response, MAX_MANIFEST, f"{self.host}: {what}")
            claimed = response.headers.get("Docker-Content-Digest")
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        digest = _verify_manifest(data, claimed, ref, f"{self.host}: {what}")
        if media_type not in ACCEPTED:  # then the document's own mediaType tells
            declared = load_document(data, f"{self.host}: {what}").get("mediaType")
            media_type = declared if isinstance(declared, str) else media_type
        return Manifest(data, digest, media_type)

    def read_blob(self, repo: str, digest: str, max_size: int = MAX_JSON) -> bytes:
        """A small blob (an image config) in memory, its digest verified."""
        what = f"blob {repo}@{digest}"
        with self._open(f"/v2/{repo}/blobs/{digest}", _pull_scope(repo), what=what) as response:
            self._check(response, what)
            data = _read_all(response, max_size, f"{self.host}: {what}")
        if _digest_of(data, digest, f"{self.host}: {what}") != digest:
            raise RegistryError(f"{self.host}: {what}: content does not match its digest")
        return data

    def open_blob(self, repo: str, digest: str, size: int | None = None) -> IO[bytes]:
        """Download a blob once to the temporary directory; an open file of it."""
        path = self._blobs.get(digest)
        if path is None:
            path = self._download(repo, digest, size)
            self._blobs[digest] = path
        return path.open("rb")

    def get_json(self, path: str, scope: str, what: str) -> tuple[Any, str | None]:
        """A JSON document (catalog, tag list) and the response's Link header."""
        with self._open(path, scope, what=what) as response:
            self._check(response, what)
            data = _read_all(response, MAX_JSON, f"{self.host}: {what}")
            link = response.headers.get("Link")
        try:
            return json.loads(data), link
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RegistryError(f"{self.host}: {what}: the answer is not JSON") from None

    def _download(self, repo: str, digest: str, size: int | None) -> Path:
        what = f"blob {repo}@{digest}"
        if size is not None and size > self.max_blob_size:
            raise RegistryError(f"{self.host}: {what} is {size} bytes, over the size limit")
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="garrison-blobs-")
        dest = Path(self._tmp.name) / digest.replace(":", "-")
        limit = self.max_blob_size if size is None else min(size, self.max_blob_size)
        hasher = _hasher(digest, what)
        try:
            with (
                self._open(f"/v2/{repo}/blobs/{digest}", _pull_scope(repo), what=what) as resp,
                dest.open("wb") as out,
            ):
                self._check(resp, what)
                _read(
                    resp, limit, f"{self.host}: {what}", lambda b: (hasher.update(b), out.write(b))
                )
            if f"{hasher.name}:{hasher.hexdigest()}" != digest:
                raise RegistryError(f"{self.host}: {what}: content does not match its digest")
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        return dest

    @contextmanager
    def _open(
        self, path: str, scope: str | None, *, what: str, headers: dict[str, str] | None = None
    ) -> Iterator[httpx.Response]:
        """A streamed GET response, past the 401 challenge if any; closed on exit."""
        response = self._send(path, scope, what, headers or {})
        try:
            yield response
        finally:
            response.close()

    def _send(
        self, path: str, scope: str | None, what: str, headers: dict[str, str]
    ) -> httpx.Response:
        url = path if path.startswith(("http://", "https://")) else self._base + path
        response = self._attempt(url, {**headers, **self._auth.header(scope)}, what)
        if response.status_code != 401:
            return response
        values = response.headers.get_list("WWW-Authenticate")
        response.close()
        self._auth.challenged([c for v in values for c in parse_challenges(v)], scope)
        response = self._attempt(url, {**headers, **self._auth.header(scope)}, what)
        if response.status_code == 401:
            response.close()
            if self._auth.anonymous:
                raise RegistryError(f"{self.host}: {what} needs credentials ({_LOGIN_HINT})")
            raise RegistryError(f"authentication failed for {self.host}")
        return response

    def _attempt(self, url: str, headers: dict[str, str], what: str) -> httpx.Response:
        """One request, retried on 429/5xx and dropped connections (not on a timeout)."""
        request = self._client.build_request("GET", url, headers=headers)
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException:
                raise RegistryError(
                    f"{self.host}: {what}: no answer within {self.timeout:g} s"
                ) from None
            except httpx.TransportError as exc:
                if last:
                    raise RegistryError(_transport_message(self, exc, what)) from None
                time.sleep(_BACKOFF * 2**attempt)
                continue
            if response.status_code not in _RETRIED or last:
                return response
            response.close()
            time.sleep(self._wait(response, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        after = _retry_after(response.headers.get("Retry-After"))
        return min(self.max_wait, after if after is not None else _BACKOFF * 2**attempt)

    def _get_token(self, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
        with closing(self._attempt(url, headers, "a token")) as response:
            if response.status_code != 200:
                return response.status_code, b""
            return 200, _read_all(response, MAX_JSON, f"{self.host}: token")

    def _check(self, response: httpx.Response, what: str) -> None:
        code = response.status_code
        if 200 <= code < 300:
            return
        if code == 404:
            raise RegistryError(f"{self.host}: {what} not found")
        if code == 403:
            raise RegistryError(f"{self.host}: access to {what} denied")
        raise RegistryError(f"{self.host}: {what}: HTTP {code} {response.reason_phrase}")


def _pull_scope(repo: str) -> str:
    return f"repository:{repo}:pull"


def _read(
    response: httpx.Response, limit: int, what: str, write: Callable[[bytes], object]
) -> None:
    """Pass the (decoded) body to `write` chunk by chunk, refusing more than `limit` bytes."""
    total = 0
    try:
        for chunk in response.iter_bytes(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise RegistryError(f"{what}: larger than {limit} bytes")
            write(chunk)
    except httpx.TimeoutException:
        raise RegistryError(f"{what}: the answer stalled") from None
    except httpx.HTTPError as exc:
        raise RegistryError(f"{what}: the answer broke off ({type(exc).__name__})") from None


def _read_all(response: httpx.Response, limit: int, what: str) -> bytes:
    chunks: list[bytes] = []
    _read(response, limit, what, chunks.append)
    return b"".join(chunks)


def _hasher(digest: str, what: str) -> Any:
    algorithm = digest.partition(":")[0]
    if algorithm not in ("sha256", "sha512"):
        raise RegistryError(f"{what}: unsupported digest algorithm {algorithm!r}")
    return hashlib.new(algorithm)


def _digest_of(data: bytes, like: str, what: str) -> str:
    hasher = _hasher(like, what)
    hasher.update(data)
    return f"{hasher.name}:{hasher.hexdigest()}"


def _verify_manifest(data: bytes, claimed: str | None, ref: str, what: str) -> str:
    """The manifest's digest, checked against the header and a digest reference."""
    for digest in (claimed, ref if is_digest(ref) else None):
        if digest and _digest_of(data, digest, what) != digest:
            raise RegistryError(f"{what}: content does not match digest {digest}")
    return ref if is_digest(ref) else _digest_of(data, "sha256:", what)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _transport_message(client: RegistryClient, exc: httpx.TransportError, what: str) -> str:
    text = str(exc) or type(exc).__name__
    hint = ""
    if not client.insecure and "SSL" in text and "WRONG_VERSION" in text.upper():
        hint = " (it seems to speak plain HTTP: --insecure)"
    return f"cannot reach {client.host} for {what}: {text}{hint}"
