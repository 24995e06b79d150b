"""Walk a registry (catalog, then tags) and remember which manifests were already scanned.

`list_images` follows `Link: <...>; rel="next"` pagination of `/v2/_catalog` and
`/v2/REPO/tags/list`; `candidates` resolves each tag to its manifest digest and marks the
digests a `RegistryScanState` has seen, so `garrison registry scan` skips them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from garrison.errors import ImageError, InputError, RegistryError
from garrison.image.reference import is_host, normalize_host
from garrison.image.registry import Manifest, RegistryClient

_LINK_NEXT = re.compile(r'<([^>]*)>\s*;[^,]*?rel="?next"?', re.IGNORECASE)
_CATALOG_SCOPE = "registry:catalog:*"
_STATE_VERSION = 1
_MAX_PAGES = 100_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """One tag of the registry: its manifest (already fetched) and whether it was scanned.

    When the manifest could not be fetched, `manifest` is None and `error` says why (one
    broken tag does not stop a registry scan)."""

    repo: str
    tag: str
    reference: str  # "HOST/REPO:TAG"
    manifest: Manifest | None
    seen: bool
    error: str | None = None

    @property
    def digest(self) -> str | None:
        return self.manifest.digest if self.manifest else None


def parse_scan_target(text: str) -> tuple[str, str]:
    """`HOST[/PREFIX]` -> (host, prefix); the prefix is whole path components."""
    target = text.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
    host, _, prefix = target.partition("/")
    if not is_host(host):
        raise InputError(f"invalid registry {text!r}: expected HOST[/PREFIX]")
    return normalize_host(host), prefix.strip("/")


def list_images(
    client: RegistryClient, prefix: str = "", *, page_size: int = 100
) -> Iterator[tuple[str, str]]:
    """Every (repo, tag) under `prefix`, repositories in catalog order, tags sorted."""
    for repo in list_repositories(client, prefix, page_size=page_size):
        tags: list[str] = []
        path = f"/v2/{repo}/tags/list?n={page_size}"
        for page in _pages(client, path, f"repository:{repo}:pull", "tags", f"tags of {repo}"):
            tags.extend(page)
        for tag in sorted(set(tags)):
            yield repo, tag


def list_repositories(
    client: RegistryClient, prefix: str = "", *, page_size: int = 100
) -> Iterator[str]:
    prefix = prefix.strip("/")
    path = f"/v2/_catalog?n={page_size}"
    for page in _pages(client, path, _CATALOG_SCOPE, "repositories", "the catalog"):
        for repo in page:
            if not prefix or repo == prefix or repo.startswith(prefix + "/"):
                yield repo


def candidates(
    client: RegistryClient, prefix: str, state: RegistryScanState, *, page_size: int = 100
) -> Iterator[Candidate]:
    """Each tag under `prefix` with its manifest, marked `seen` when the state has it."""
    for repo, tag in list_images(client, prefix, page_size=page_size):
        reference = f"{client.host}/{repo}:{tag}"
        try:
            manifest = client.get_manifest(repo, tag)
        except (RegistryError, ImageError) as exc:
            yield Candidate(repo, tag, reference, None, False, str(exc))
            continue
        yield Candidate(repo, tag, reference, manifest, state.seen(manifest.digest))


def _pages(
    client: RegistryClient, path: str, scope: str, key: str, what: str
) -> Iterator[list[str]]:
    visited: set[str] = set()
    next_path: str | None = path
    while next_path is not None:
        if next_path in visited or len(visited) >= _MAX_PAGES:
            raise RegistryError(f"{client.host}: the pages of {what} loop")
        visited.add(next_path)
        data, link = client.get_json(next_path, scope, what)
        yield _names(data, key, client.host, what)
        next_path = _next_path(link, client.host, what)


def _names(data: Any, key: str, host: str, what: str) -> list[str]:
    items = data.get(key) if isinstance(data, dict) else []
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise RegistryError(f"{host}: {what}: the answer has no list of {key}")
    return items


def _next_path(link: str | None, host: str, what: str) -> str | None:
    """The path of the next page; a link to another host is refused (it would get our token)."""
    match = _LINK_NEXT.search(link or "")
    if match is None:
        return None
    parts = urlsplit(match.group(1))
    if parts.netloc and parts.netloc != host:
        raise RegistryError(f"{host}: the next page of {what} points to another host")
    if not parts.path.startswith("/v2/"):
        raise RegistryError(f"{host}: the next page of {what} is not a registry API path")
    return parts.path + (f"?{parts.query}" if parts.query else "")


class RegistryScanState:
    """A JSON file of manifest digests already scanned (and when); written atomically.

    An unreadable or foreign file is not fatal: the scan starts afresh and `problem` says
    why, for the caller to warn about.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self._scanned: dict[str, dict[str, str]] = self._load()

    def seen(self, digest: str) -> bool:
        return digest in self._scanned

    def scanned_at(self, digest: str) -> str | None:
        entry = self._scanned.get(digest)
        return entry.get("at") if entry else None

    def record(self, digest: str, reference: str, when: datetime | None = None) -> None:
        moment = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        at = moment.isoformat().replace("+00:00", "Z")
        self._scanned[digest] = {"at": at, "reference": reference}

    def save(self) -> None:
        """Write the state next to its final path, then rename it over (atomic)."""
        document = {"version": _STATE_VERSION, "scanned": dict(sorted(self._scanned.items()))}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(document, out, indent=1)
                out.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def __len__(self) -> int:
        return len(self._scanned)

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            kind = type(exc).__name__
            self.problem = f"{self.path}: unreadable scan state ({kind}); starting afresh"
            return {}
        if not isinstance(document, dict) or document.get("version") != _STATE_VERSION:
            document = {}
        scanned = document.get("scanned")
        if not isinstance(scanned, dict):
            self.problem = f"{self.path}: not a garrison registry scan state; starting afresh"
            return {}
        return {
            str(digest): {k: str(v) for k, v in entry.items()}
            for digest, entry in scanned.items()
            if isinstance(entry, dict)
        }
