"""Where a SARIF result is: artifact URIs -> paths relative to the scan target (pure).

A relative URI is joined onto its `uriBaseId` as the run's `originalUriBaseIds` define it
(chains allowed); a base id the run does not define (Semgrep's `%SRCROOT%`) means the scan
target. `file:` URIs and absolute paths inside the target become relative paths; anything
else (outside the target, another scheme, `..` escapes) keeps the URI, joined onto its
base, and is counted as outside.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from garrison.sast.sarif_model import ArtifactLocation

_MAX_BASE_DEPTH = 16


@dataclass(frozen=True, slots=True)
class Place:
    path: str  # relative POSIX path, or the URI (joined onto its base) when `inside` is False
    inside: bool


def resolve(
    location: ArtifactLocation,
    bases: Mapping[str, ArtifactLocation] | None,
    roots: Sequence[str],
) -> Place:
    """Where an artifact location points. `roots` are the target's absolute POSIX paths
    (as given and resolved); empty when there is no target (paths are kept as written)."""
    uri = location.uri or ""
    return _place(_join(uri, location.uriBaseId, bases or {}, 0), roots)


def _join(uri: str, base_id: str | None, bases: Mapping[str, ArtifactLocation], depth: int) -> str:
    if _is_absolute(uri) or base_id is None or base_id not in bases or depth > _MAX_BASE_DEPTH:
        return uri
    parent = bases[base_id]
    prefix = _join(parent.uri or "", parent.uriBaseId, bases, depth + 1)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + uri


def _is_absolute(uri: str) -> bool:
    return uri.startswith("/") or bool(_scheme(uri))


def _scheme(uri: str) -> str:
    scheme = urlsplit(uri).scheme
    return scheme if len(scheme) > 1 else ""  # "c:" is a Windows drive, not a scheme


def _place(joined: str, roots: Sequence[str]) -> Place:
    scheme = _scheme(joined)
    if scheme and scheme != "file":
        return Place(joined, False)
    path = unquote(urlsplit(joined).path) if scheme == "file" else unquote(joined)
    if path.startswith("/"):
        for root in roots:
            if path.startswith(root.rstrip("/") + "/"):
                return Place(posixpath.relpath(path, root), True)
        return Place(joined if roots else path, not roots)
    normal = posixpath.normpath(path) if path else ""
    if normal == ".." or normal.startswith("../"):
        return Place(joined, False)
    return Place("" if normal == "." else normal, True)
