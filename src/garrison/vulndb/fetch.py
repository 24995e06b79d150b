"""Download OSV export archives with conditional requests (the only network code here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from garrison import __version__
from garrison.errors import FetchError

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Download:
    """The outcome of one conditional GET: `path` is None when the server said 304."""

    url: str
    path: Path | None
    etag: str | None
    last_modified: str | None


def archive_url(base_url: str, ecosystem: str) -> str:
    return f"{base_url.rstrip('/')}/{quote(ecosystem)}/all.zip"


def fetch_archive(
    client: httpx.Client,
    url: str,
    dest: Path,
    etag: str | None,
    last_modified: str | None,
) -> Download:
    """GET `url` into `dest` unless unchanged since (etag, last_modified).

    A short body (fewer bytes than Content-Length, or a dropped connection) raises FetchError
    and leaves no file behind.
    """
    headers = {"User-Agent": f"garrison/{__version__}"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Download(url, None, etag, last_modified)
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            _save(response, dest, url)
            return Download(
                url,
                dest,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except httpx.HTTPError as exc:
        dest.unlink(missing_ok=True)
        raise FetchError(f"{url}: download failed: {exc or type(exc).__name__}") from None


def _save(response: httpx.Response, dest: Path, url: str) -> None:
    expected = response.headers.get("Content-Length")
    received = 0
    try:
        with dest.open("wb") as out:
            for chunk in response.iter_raw(_CHUNK):
                out.write(chunk)
                received += len(chunk)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    if expected is not None and expected.isdigit() and received != int(expected):
        dest.unlink(missing_ok=True)
        raise FetchError(f"{url}: truncated download ({received} of {expected} bytes)")


def make_client(timeout: float = 60.0) -> httpx.Client:
    return httpx.Client(timeout=timeout, follow_redirects=True, trust_env=True)
