"""The data every image module shares (pure, frozen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Protocol


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer blob as the manifest names it. `digest` is "sha256:<hex>"."""

    digest: str
    media_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What is known about an image besides its packages (kept with the SBOM and reports).

    `created` comes from the config (the publisher can backdate it); `pushed` from the
    registry where it tells; `layers` bottom to top. Times are ISO 8601 UTC strings.
    """

    reference: str  # what the user gave: a path or a registry reference
    digest: str | None  # manifest digest "sha256:..." (None for a --rootfs directory)
    config_digest: str | None
    created: str | None
    pushed: str | None
    os: str | None
    architecture: str | None
    layers: tuple[Layer, ...]
    diff_ids: tuple[str, ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    base_name: str | None = None
    base_digest: str | None = None


class BlobOpener(Protocol):
    def __call__(self, layer: Layer) -> IO[bytes]:
        """A readable stream of the (still compressed) blob; the caller closes it."""
        ...


@dataclass(frozen=True)
class Image:
    """A resolved single-platform image: its facts and a way to open each layer blob."""

    facts: ImageFacts
    open_blob: BlobOpener
    cleanup: Callable[[], None] = field(default=lambda: None)


@dataclass(frozen=True, slots=True)
class ImageFile:
    """One file of the merged filesystem, as the selector asked for it."""

    path: PurePosixPath  # relative to the image root, no leading "/"
    data: bytes
    executable: bool
    layer_index: int  # which layer (0 = bottom) the final version comes from


# (path, executable, first bytes of the file, size) -> should its content be read?
Selector = Callable[[PurePosixPath, bool, bytes, int], bool]
