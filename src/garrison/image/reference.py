"""Image references, parsed the way docker does (pure).

`app` is `docker.io/library/app:latest`; the first path component names a registry only
when it has a dot or a port, or is `localhost`; a reference may carry both a tag and a
digest (`ghcr.io/org/app:1.2@sha256:...`), and then the digest decides what is pulled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from garrison.errors import InputError

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_LABEL = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci", ".json", ".zip")
_MAX_NAME = 255


@dataclass(frozen=True, slots=True)
class Reference:
    """A parsed reference. `registry` is the host (with port) the user named, or docker.io."""

    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def ref(self) -> str:
        """What to ask the registry for: the digest when there is one, else the tag."""
        return self.digest or self.tag or "latest"

    @property
    def api_host(self) -> str:
        """The host serving the Distribution API (Docker Hub's differs from its name)."""
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    def __str__(self) -> str:
        text = f"{self.registry}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_reference(text: str) -> Reference:
    """Parse `text`, filling docker's defaults; InputError says what is wrong."""
    if not text or text != text.strip():
        raise InputError(f"invalid image reference {text!r}: empty or padded with spaces")
    name, digest = _split_digest(text)
    name, tag = _split_tag(name, text)
    registry, repository = _split_registry(name, text)
    if tag is None and digest is None:
        tag = "latest"
    return Reference(registry, repository, tag, digest)


def looks_like_reference(text: str) -> bool:
    """True when `text` reads as a registry reference rather than a local path.

    The caller tries an existing path first; this only tells a nonexistent path (which
    should be reported as missing) from a reference (which should be pulled).
    """
    if not text or text.startswith(("/", ".", "~")) or "\\" in text:
        return False
    try:
        parse_reference(text)
    except InputError:
        return False
    bare = "@" not in text and ":" not in text.rsplit("/", 1)[-1]
    return not (bare and text.lower().endswith(_ARCHIVE_SUFFIXES))


def is_digest(text: str) -> bool:
    return _DIGEST.fullmatch(text) is not None


def is_sha256_digest(text: str) -> bool:
    return _SHA256.fullmatch(text) is not None


def is_host(text: str) -> bool:
    """True for a registry host as references write it: a name or IP, maybe with a port."""
    return _DOMAIN.fullmatch(text) is not None


def normalize_host(host: str) -> str:
    """A registry host as references name it (Docker Hub's aliases become docker.io)."""
    host = host.strip().rstrip("/")
    for scheme in ("https://", "http://"):
        if host.startswith(scheme):
            host = host[len(scheme) :]
    host = host.split("/", 1)[0]
    return DOCKER_HUB if host.lower() in _HUB_ALIASES else host


def _split_digest(text: str) -> tuple[str, str | None]:
    if "@" not in text:
        return text, None
    name, digest = text.split("@", 1)
    if not is_digest(digest):
        raise InputError(f"invalid image reference {text!r}: bad digest {digest!r}")
    if digest.startswith("sha256:") and not is_sha256_digest(digest):
        raise InputError(f"invalid image reference {text!r}: sha256 digest needs 64 hex digits")
    return name, digest


def _split_tag(name: str, text: str) -> tuple[str, str | None]:
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon <= slash:
        return name, None
    tag = name[colon + 1 :]
    if not _TAG.fullmatch(tag):
        raise InputError(f"invalid image reference {text!r}: bad tag {tag!r}")
    return name[:colon], tag


def _split_registry(name: str, text: str) -> tuple[str, str]:
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        if not _DOMAIN.fullmatch(first):
            raise InputError(f"invalid image reference {text!r}: bad registry {first!r}")
        registry, path = normalize_host(first), rest
    else:
        registry, path = DOCKER_HUB, name
    if not path or len(path) > _MAX_NAME:
        raise InputError(f"invalid image reference {text!r}: bad repository name")
    for component in path.split("/"):
        if not _COMPONENT.fullmatch(component):
            raise InputError(
                f"invalid image reference {text!r}: repository names are lowercase letters, "
                "digits and separators (. _ __ -) between them"
            )
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return registry, path
