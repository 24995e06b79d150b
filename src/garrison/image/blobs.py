"""Blob streams (pure over streams): digest checks, and a layer blob as a tar stream.

`verified()` wraps any blob stream (archive member, layout file, registry download) so its
digest and size are checked as it is read. `open_layer()` gives the tar stream of one layer:
decompressed by what its first bytes say (gzip, zstd or none, whatever the media type),
counted against an inflated-size limit, and checked against the config diff_id.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, Protocol

import zstandard

from garrison.errors import ImageError
from garrison.image.model import Image
from garrison.image.oci import check_digest

_META_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
               tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)  # fmt: skip
_MIB = 1 << 20


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Verified(io.RawIOBase):
    def __init__(self, inner: IO[bytes], digest: str, size: int | None) -> None:
        self._inner, self._digest, self._size = inner, digest, size
        self._hash = hashlib.new(digest.partition(":")[0])
        self._count = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self._count += count
        self._hash.update(data)
        if self._size is not None and self._count > self._size:
            raise ImageError(f"blob {self._digest} is larger than its {self._size} bytes")
        if not count and len(buffer) and not self._done:
            self._done = True
            found = f"{self._digest.partition(':')[0]}:{self._hash.hexdigest()}"
            if found != self._digest or self._size not in (None, self._count):
                raise ImageError(f"blob {self._digest} does not match its digest (got {found})")
        return count

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()


def verified(inner: IO[bytes], digest: str, size: int | None = None) -> IO[bytes]:
    """`inner` read through a check: at EOF the digest (and size) must match, else an
    ImageError naming the digest; more bytes than `size` fail as soon as they are read.
    Closing the result closes `inner`."""
    check_digest(digest, "blob")
    return io.BufferedReader(_Verified(inner, digest, size), 1 << 16)


def compression_of(head: bytes, what: str) -> str:
    """ "gzip", "zstd" or "none" (a tar) from a blob's first bytes, whatever its media type."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "zstd"
    if head.startswith((b"BZh", b"\xfd7zXZ")):
        raise ImageError(f"{what}: bzip2/xz compressed layers are not supported")
    return "none"


class _SafeTarInfo(tarfile.TarInfo):
    """Ends the archive only at a zero block or a clean EOF (tarfile would also stop silently
    at a corrupt header), and refuses huge pax/GNU long-name headers (read into memory)."""

    @classmethod
    def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> _SafeTarInfo:
        try:
            info = super().frombuf(buf, encoding, errors)
        except tarfile.HeaderError:
            if not buf or buf.count(0) == tarfile.BLOCKSIZE:
                raise  # the end of the archive
            raise ImageError("corrupt or truncated tar header") from None
        if info.type in _META_TYPES and info.size > _MIB:
            raise ImageError(f"a {info.size}-byte tar extension header")
        return info


class _Prefixed(io.RawIOBase):
    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._head[: len(buffer)] if self._head else self._rest.read(len(buffer))
        self._head = self._head[len(data) :]
        buffer[: len(data)] = data
        return len(data)


class LayerStream(io.RawIOBase):
    """A layer's tar stream: decompressed (told by magic bytes), counted against the limit,
    hashed for the diff_id check unless the blob digest already is the diff_id."""

    def __init__(self, blob: IO[bytes], limit: int, digest: str, diff_id: str | None) -> None:
        head = b""
        while len(head) < 4 and (more := blob.read(4 - len(head))):
            head += more
        kind = compression_of(head, "layer")
        source = io.BufferedReader(_Prefixed(head, blob), 1 << 16)
        self._stream: _Readable = source
        if kind == "gzip":
            self._stream = gzip.GzipFile(fileobj=source, mode="rb")
        elif kind == "zstd":
            decompressor = zstandard.ZstdDecompressor()
            self._stream = decompressor.stream_reader(source, read_across_frames=True)
        self._blob, self._limit, self._count, self._diff_id = blob, limit, 0, diff_id
        checked = diff_id is None or (kind == "none" and diff_id == digest)
        self._hash = None if checked else hashlib.new(str(diff_id).partition(":")[0])

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            return self.readall()
        data = self._stream.read(size)
        self._count += len(data)
        if self._count > self._limit:
            raise ImageError(f"inflates past the {self._limit}-byte limit (a bomb?)")
        if self._hash is not None:
            self._hash.update(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def finish(self) -> None:
        """Read to the end (so the blob digest is checked), then check the diff_id."""
        while self.read(1 << 16):
            pass
        if self._blob.read(1):
            raise ImageError("data after the end of the compressed stream")
        if self._hash is not None:
            found = f"{self._hash.name}:{self._hash.hexdigest()}"
            if found != self._diff_id:
                raise ImageError(f"content {found} does not match diff_id {self._diff_id}")


class _StreamTar(tarfile.TarFile):
    members: list[tarfile.TarInfo]  # stream mode appends every header here


@contextmanager
def open_layer(
    image: Image, index: int, limit: int
) -> Iterator[tuple[tarfile.TarFile, LayerStream]]:
    """The tar stream of layer `index` and its `LayerStream` (call `.finish()` after the
    last member: it reads to the end and checks digests). Closes the blob on exit."""
    facts = image.facts
    layer = facts.layers[index]
    diff_id = facts.diff_ids[index] if len(facts.diff_ids) == len(facts.layers) else None
    blob = image.open_blob(layer)
    try:
        stream = LayerStream(blob, limit, layer.digest, diff_id)
        with _StreamTar.open(fileobj=stream, mode="r|", tarinfo=_SafeTarInfo) as tar:
            yield tar, stream
    finally:
        blob.close()


def members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The members of a stream-mode tar, without keeping every header in memory."""
    while (info := tar.next()) is not None:
        if isinstance(tar, _StreamTar):
            tar.members.clear()
        yield info
