"""The data every image module shares (pure, frozen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Protocol

from garrison.model import ImageFacts, Layer

__all__ = ["BlobOpener", "Image", "ImageFacts", "ImageFile", "Layer", "Selector"]


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
