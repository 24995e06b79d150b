"""Merge an image's layers top-down, one streaming pass per layer (pure over streams).

Layers are read from the top: the first time a path is seen it is final, unless a higher
layer hid it (a whiteout `.wh.<name>`, an opaque directory `.wh..wh..opq`, or a file or
symlink put where a parent directory was). Only the final regular files the selector wants
are read, one at a time; nothing is written to disk. Memory is one selected file plus one
small record per path (the merge state) and per regular file of the current layer (first
bytes and size, so a hard link can be judged without going back).

A hard link the selector wants costs a second pass over its layer (a tar stream cannot go
back); a link out of the root is a warning. Every blob is read to its end, so its digest is
always checked; a compressed layer's content is also checked against its config diff_id.
A layer inflating past `max_layer_bytes`, or a corrupt or truncated one, is an ImageError
naming it: an image that cannot be read completely is refused, never half-scanned.
"""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import zstandard

from garrison.errors import ImageError
from garrison.image import blobs
from garrison.image.model import Image, ImageFile, Selector
from garrison.model import Gap, ScanWarning

GIB, MIB = 1 << 30, 1 << 20
_DIR, _OTHER, _WHITEOUT, _OPAQUE = 1, 2, 4, 8  # what one layer says of a path (or'ed)
_HIDES_ITSELF = _OTHER | _WHITEOUT
_HIDES_BELOW = _OTHER | _WHITEOUT | _OPAQUE
_MAX_HOPS = 40
_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, zstandard.ZstdError, ImageError)
Meta = tuple[bytes, int, bool, str]  # first bytes, size, executable, regular file holding it


def normalise(name: str) -> str | None:
    """ "./usr//bin/" -> "usr/bin"; None when a ".." component would climb."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    return None if ".." in parts else "/".join(parts)


def resolve(symlinks: Mapping[PurePosixPath, str], path: PurePosixPath) -> PurePosixPath | None:
    """`path` with every symlink in it followed inside the image root (absolute targets
    start at the root). None when a link climbs above the root or links loop."""
    pending, done, hops = list(reversed(path.parts)), list[str](), 0
    while pending:
        part = pending.pop()
        if part in ("", ".", "/"):
            continue
        if part == "..":
            if not done:
                return None
            done.pop()
            continue
        done.append(part)
        target = symlinks.get(PurePosixPath(*done))
        if target is not None:
            hops += 1
            if hops > _MAX_HOPS:
                return None
            done = [] if target.startswith("/") else done[:-1]
            pending.extend(reversed(target.split("/")))
    return PurePosixPath(*done)


@dataclass
class _Layer:
    """What one layer says, kept until the layer is done (whiteouts apply to lower layers
    only), and the hard links the selector wants (source file -> link paths)."""

    index: int
    digest: str
    claims: dict[str, int] = field(default_factory=dict)
    meta: dict[str, Meta] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)


class LayerMerge:
    """The top-down merge of an image's layers.

    Iterate `files()` once: it yields each final regular file the selector wants
    (`ImageFile`, top layer first, in archive order) and each problem (`ScanWarning`).
    Once it is exhausted, `complete` is True and `symlinks` holds every final symlink
    (path -> target as written, never followed); `resolve(path)` follows them in the root.
    """

    def __init__(
        self,
        image: Image,
        select: Selector,
        *,
        max_layer_bytes: int = 8 * GIB,
        max_file_bytes: int = 256 * MIB,
    ) -> None:
        self.image, self.select = image, select
        self.max_layer_bytes, self.max_file_bytes = max_layer_bytes, max_file_bytes
        self.symlinks: dict[PurePosixPath, str] = {}
        self.complete = False
        self._upper: dict[str, int] = {}  # what the layers above say of each path
        self._parent: tuple[str, bool] | None = None  # cache: a directory, is it hidden
        self._implied = ""  # cache: the last directory marked as one

    def resolve(self, path: PurePosixPath) -> PurePosixPath | None:
        return resolve(self.symlinks, path)

    def files(self) -> Iterator[ImageFile | ScanWarning]:
        for index in reversed(range(len(self.image.facts.layers))):
            layer = _Layer(index, self.image.facts.layers[index].digest)
            self._parent, self._implied = None, ""
            yield from self._guarded(layer, self._walk_layer(layer))
            if layer.links:
                yield from self._guarded(layer, self._link_pass(layer))
            for path, flags in layer.claims.items():
                self._upper[path] = self._upper.get(path, 0) | flags
        self.complete = True

    def _guarded(
        self, layer: _Layer, items: Iterator[ImageFile | ScanWarning]
    ) -> Iterator[ImageFile | ScanWarning]:
        try:
            yield from items
        except _ERRORS as exc:
            raise ImageError(f"layer {layer.index} ({layer.digest}): {exc}") from None

    def _walk_layer(self, layer: _Layer) -> Iterator[ImageFile | ScanWarning]:
        with blobs.open_layer(self.image, layer.index, self.max_layer_bytes) as (tar, inflated):
            for info in blobs.members(tar):
                path = normalise(info.name)
                if path is None:
                    yield self._warning(
                        layer, info.name, f"member {info.name!r} climbs out of the root"
                    )
                elif path:
                    yield from self._member(tar, info, path, layer)
            inflated.finish()

    def _member(
        self, tar: tarfile.TarFile, info: tarfile.TarInfo, path: str, layer: _Layer
    ) -> Iterator[ImageFile | ScanWarning]:
        parent, _, base = path.rpartition("/")
        if parent.startswith(".wh..wh.") or "/.wh..wh." in parent:
            return  # aufs metadata (hard link directories and the like)
        self._imply_dirs(layer, parent)
        if base.startswith(".wh."):
            self._whiteout(layer, parent, base)
            return
        claims = layer.claims
        before = claims.get(path, 0)
        kind = _DIR if info.isdir() else _OTHER
        claims[path] = before | kind
        if kind == _OTHER and before & _OTHER:
            yield self._warning(layer, path, "listed twice in one layer; the first copy is used")
            return
        hidden = self._hidden(path, parent, kind)
        if info.isreg():
            yield from self._regular(tar, info, path, layer, hidden)
        elif info.islnk() and not hidden:
            yield from self._hardlink(info, path, layer)
        elif info.issym() and not hidden:
            self.symlinks[PurePosixPath(path)] = info.linkname

    def _imply_dirs(self, layer: _Layer, parent: str) -> None:
        if parent == self._implied:
            return
        self._implied = parent
        while parent and not layer.claims.get(parent, 0) & _DIR:
            layer.claims[parent] = layer.claims.get(parent, 0) | _DIR
            parent = parent.rpartition("/")[0]

    def _whiteout(self, layer: _Layer, parent: str, base: str) -> None:
        if base == ".wh..wh..opq":
            layer.claims[parent] = layer.claims.get(parent, 0) | _DIR | _OPAQUE
        elif not base.startswith(".wh..wh.") and base[4:] not in ("", ".", ".."):
            gone = f"{parent}/{base[4:]}" if parent else base[4:]
            layer.claims[gone] = layer.claims.get(gone, 0) | _WHITEOUT

    def _hidden(self, path: str, parent: str, kind: int) -> bool:
        if self._parent is None or self._parent[0] != parent:
            self._parent = (parent, self._hides_below(parent))
        if self._parent[1]:
            return True
        own = self._upper.get(path, 0)
        return bool(own & _HIDES_ITSELF or (own & _DIR and kind != _DIR))

    def _hides_below(self, directory: str) -> bool:
        """Does a higher layer hide what is below `directory` (or below one of its parents)?"""
        while directory:
            if self._upper.get(directory, 0) & _HIDES_BELOW:
                return True
            directory = directory.rpartition("/")[0]
        return bool(self._upper.get("", 0) & _OPAQUE)

    def _regular(
        self, tar: tarfile.TarFile, info: tarfile.TarInfo, path: str, layer: _Layer, hidden: bool
    ) -> Iterator[ImageFile | ScanWarning]:
        stream = tar.extractfile(info)
        if stream is None:
            return
        head = stream.read(8) if info.size else b""
        executable = bool(info.mode & 0o111)
        layer.meta[path] = (head, info.size, executable, path)
        if hidden or not self.select(PurePosixPath(path), executable, head, info.size):
            return
        if info.size > self.max_file_bytes:
            yield self._too_big(layer, path, info.size)
            return
        data = head + stream.read(info.size - len(head))
        yield ImageFile(PurePosixPath(path), data, executable, layer.index)

    def _hardlink(self, info: tarfile.TarInfo, path: str, layer: _Layer) -> Iterator[ScanWarning]:
        target = normalise(info.linkname)
        meta = layer.meta.get(target) if target else None
        if target is None:
            yield self._warning(
                layer, path, f"hard link to {info.linkname!r} climbs out of the root"
            )
            return
        if meta is None:
            yield self._warning(
                layer, path, f"hard link target {target!r} is no file of this layer"
            )
            return
        layer.meta[path] = meta
        head, size, executable, source = meta
        if not self.select(PurePosixPath(path), executable, head, size):
            return
        if size > self.max_file_bytes:
            yield self._too_big(layer, path, size)
            return
        layer.links.setdefault(source, []).append(path)

    def _link_pass(self, layer: _Layer) -> Iterator[ImageFile | ScanWarning]:
        """Read the layer again for the content of the hard links the selector wants."""
        with blobs.open_layer(self.image, layer.index, self.max_layer_bytes) as (tar, inflated):
            for info in blobs.members(tar):
                paths = layer.links.pop(normalise(info.name) or "", None)
                stream = tar.extractfile(info) if paths and info.isreg() else None
                if paths and stream is not None:
                    data = stream.read(info.size)
                    for path in paths:
                        executable = layer.meta[path][2]
                        yield ImageFile(PurePosixPath(path), data, executable, layer.index)
            inflated.finish()

    def _warning(self, layer: _Layer, source: str, message: str) -> ScanWarning:
        return ScanWarning(source, f"layer {layer.index} ({layer.digest}): {message}; skipped",
                           Gap.SKIPPED)  # fmt: skip

    def _too_big(self, layer: _Layer, path: str, size: int) -> ScanWarning:
        return self._warning(
            layer, path, f"{size} bytes, over the {self.max_file_bytes}-byte limit"
        )


def walk_image(
    image: Image,
    select: Selector,
    *,
    max_layer_bytes: int = 8 * GIB,
    max_file_bytes: int = 256 * MIB,
) -> Iterator[ImageFile | ScanWarning]:
    """The selected final files of `image` (see `LayerMerge`; use it to get the symlinks)."""
    merge = LayerMerge(
        image, select, max_layer_bytes=max_layer_bytes, max_file_bytes=max_file_bytes
    )
    return merge.files()
