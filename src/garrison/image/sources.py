"""Local images (I/O): a `docker save` tarball, an OCI image layout directory, or an
oci-archive (a tarball of a layout). The kind is told by content, never by file name.

Nothing is extracted to disk. A tarball is opened once; each blob is a view of its member
(random access, so layers can be read top-down). Every blob handed out, and every document
read, is checked against its digest as it is read (`blobs.verified`). Archive member names
that are absolute or climb with `..` make the whole archive refused.

`docker save` has no manifest digest and names no layer digests: an uncompressed layer
(what `docker save` writes) is checked against its diff_id, a `blobs/sha256/<hex>` member
against its name; a compressed legacy `layer.tar` is hashed once when the image is opened
and its content is then checked against the diff_id by `layers.walk_image`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import tarfile
from pathlib import Path
from typing import IO, Protocol

from garrison.errors import ImageError
from garrison.image import blobs, oci
from garrison.image.model import Image, Layer

_LINK_HOPS = 8
_NAMED_CONFIG = re.compile(r"(?:blobs/sha256/)?([0-9a-f]{64})(?:\.json)?")


class _Store(Protocol):
    label: str

    def has(self, name: str) -> bool: ...

    def open(self, name: str) -> IO[bytes]: ...

    def size(self, name: str) -> int: ...

    def close(self) -> None: ...


def member_name(name: str, where: str) -> str:
    """A relative archive path without "./"; absolute paths and ".." are an ImageError."""
    while name.startswith("./"):
        name = name[2:]
    name = name.rstrip("/")
    parts = name.split("/")
    if name.startswith("/") or ".." in parts or not name:
        raise ImageError(f"{where}: refusing archive member name {name!r}")
    return name


class _DirStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = str(root)

    def _path(self, name: str) -> Path:
        path = (self.root / member_name(name, self.label)).resolve()
        if not path.is_relative_to(self.root):
            raise ImageError(f"{self.label}: {name} points outside the directory")
        if not path.is_file():
            raise ImageError(f"{self.label}: {name} is missing")
        return path

    def has(self, name: str) -> bool:
        try:
            self._path(name)
        except ImageError:
            return False
        return True

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def close(self) -> None:
        pass


class _TarStore:
    def __init__(self, path: Path) -> None:
        self.label = str(path)
        try:
            self._tar = tarfile.open(path, "r:")  # noqa: SIM115 (closed by close())
            members = self._tar.getmembers()
        except (tarfile.TarError, OSError) as exc:
            raise ImageError(f"{path}: not an image archive ({exc})") from None
        self._members: dict[str, tarfile.TarInfo] = {}
        try:
            for info in members:
                if info.name.rstrip("/") not in ("", "."):
                    self._members[member_name(info.name, self.label)] = info
        except ImageError:
            self._tar.close()
            raise

    def _resolve(self, name: str) -> tarfile.TarInfo:
        for _ in range(_LINK_HOPS):
            info = self._members.get(name)
            if info is None:
                raise ImageError(f"{self.label}: {name} is missing")
            if info.isreg():
                return info
            if not (info.issym() or info.islnk()):
                raise ImageError(f"{self.label}: {name} is not a regular file")
            base = posixpath.dirname(name) if info.issym() else ""
            name = posixpath.normpath(posixpath.join(base, info.linkname))
            if name.startswith(("/", "../")) or name == "..":
                raise ImageError(f"{self.label}: {info.name} links outside the archive")
        raise ImageError(f"{self.label}: too many links from {name}")

    def has(self, name: str) -> bool:
        try:
            self._resolve(name)
        except ImageError:
            return False
        return True

    def open(self, name: str) -> IO[bytes]:
        stream = self._tar.extractfile(self._resolve(name))
        if stream is None:
            raise ImageError(f"{self.label}: {name} is not a regular file")
        return stream

    def size(self, name: str) -> int:
        return self._resolve(name).size

    def close(self) -> None:
        self._tar.close()


def _open_store(path: Path) -> _Store:
    if path.is_dir():
        return _DirStore(path)
    if not path.is_file():
        raise ImageError(f"{path}: no such file or directory")
    with path.open("rb") as probe:
        head = probe.read(4)
    if blobs.compression_of(head, str(path)) != "none":
        raise ImageError(f"{path}: the archive is compressed; decompress it first")
    return _TarStore(path)


def _read(store: _Store, name: str, digest: str | None = None, size: int | None = None) -> bytes:
    """A small document, checked against `digest` when one is known."""
    if size is not None and size > oci.MAX_DOCUMENT_BYTES:
        raise ImageError(f"{store.label}: {name} is too large ({size} bytes)")
    stream = store.open(name)
    with blobs.verified(stream, digest, size) if digest else stream as reader:
        data = reader.read(oci.MAX_DOCUMENT_BYTES + 1)
        if len(data) > oci.MAX_DOCUMENT_BYTES:
            raise ImageError(f"{store.label}: {name} is too large")
        reader.read()  # EOF: the digest is checked
    return data


def _blob_name(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _read_blob(store: _Store, desc: oci.Descriptor, what: str) -> bytes:
    if not store.has(_blob_name(desc.digest)):
        raise ImageError(f"{store.label}: {what} blob {desc.digest} is missing")
    return _read(store, _blob_name(desc.digest), desc.digest, desc.size)


def _check_platform(config: oci.Config, platform: str | None, label: str) -> None:
    if platform is None or not (config.os and config.architecture):
        return
    offered = "/".join(p for p in (config.os, config.architecture, config.variant) if p)
    if not oci.platform_matches(platform, offered):
        raise ImageError(f"{label}: the image is for {offered}, not {platform}")


def _from_layout(store: _Store, platform: str | None) -> Image:
    layout = oci.load_document(_read(store, "oci-layout"), "oci-layout")
    if not str(layout.get("imageLayoutVersion", "")).startswith("1."):
        raise ImageError(f"{store.label}: unsupported OCI layout version")
    desc = oci.select_manifest(oci.parse_index(_read(store, "index.json")), platform)
    for _ in range(4):  # an index may point to an index (multi-platform layouts)
        if desc.media_type not in oci.INDEX_TYPES:
            break
        index = oci.parse_index(_read_blob(store, desc, "index"), f"index {desc.digest}")
        desc = oci.select_manifest(index, platform, f"index {desc.digest}")
    manifest = oci.parse_manifest(_read_blob(store, desc, "manifest"), f"manifest {desc.digest}")
    data = _read_blob(store, manifest.config, "config")
    config = oci.parse_config(data, f"config {manifest.config.digest}")
    _check_platform(config, platform, store.label)
    facts = oci.image_facts(store.label, desc.digest, manifest, config)
    for layer in manifest.layers:
        if not store.has(_blob_name(layer.digest)):
            raise ImageError(f"{store.label}: layer blob {layer.digest} is missing")

    def open_blob(layer: Layer) -> IO[bytes]:
        return blobs.verified(store.open(_blob_name(layer.digest)), layer.digest, layer.size)

    return Image(facts, open_blob, store.close)


def _docker_layer(store: _Store, name: str, diff_id: str) -> Layer:
    """The layer a `docker save` member holds: its digest is in its name (`blobs/sha256/`),
    is its diff_id (uncompressed), or is hashed here (a compressed legacy `layer.tar`)."""
    with store.open(name) as stream:
        head = stream.read(4)
        kind = blobs.compression_of(head, f"{store.label}: {name}")
        named = re.fullmatch(r"blobs/sha256/([0-9a-f]{64})", name)
        if named:
            digest = f"sha256:{named.group(1)}"
        elif kind == "none":
            digest = diff_id
        else:
            hasher = hashlib.sha256(head)
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
            digest = f"sha256:{hasher.hexdigest()}"
    suffix = {"none": "", "gzip": ".gzip", "zstd": ".zstd"}[kind]
    return Layer(digest, oci.DOCKER_LAYER + suffix, store.size(name))


def _from_docker_save(store: _Store, platform: str | None) -> Image:
    save = oci.parse_docker_save(_read(store, "manifest.json"))
    config_name = member_name(save.config, store.label)
    named = _NAMED_CONFIG.fullmatch(config_name)
    data = _read(store, config_name, f"sha256:{named.group(1)}" if named else None)
    config = oci.parse_config(data, f"{store.label}: {config_name}")
    _check_platform(config, platform, store.label)
    if len(save.layers) != len(config.diff_ids):
        raise ImageError(f"{store.label}: {len(save.layers)} layers for "
                         f"{len(config.diff_ids)} diff_ids in the config")  # fmt: skip
    names: dict[str, str] = {}
    layers = []
    for raw, diff_id in zip(save.layers, config.diff_ids, strict=True):
        name = member_name(raw, store.label)
        if not store.has(name):
            raise ImageError(f"{store.label}: layer {name} is missing")
        layers.append(_docker_layer(store, name, diff_id))
        names[layers[-1].digest] = name
    config_desc = oci.Descriptor(oci.DOCKER_CONFIG, oci.digest_of(data), len(data))
    manifest = oci.Manifest(config_desc, tuple(layers))
    facts = oci.image_facts(store.label, None, manifest, config)

    def open_blob(layer: Layer) -> IO[bytes]:
        if layer.digest not in names:
            raise ImageError(f"{store.label}: no layer {layer.digest} in this image")
        return blobs.verified(store.open(names[layer.digest]), layer.digest, layer.size)

    return Image(facts, open_blob, store.close)


def open_image(path: Path, platform: str | None = None) -> Image:
    """The image in a `docker save` tarball, an OCI layout directory or an oci-archive.

    `platform` ("os/arch[/variant]") picks one image of a multi-platform index (default
    linux/amd64; an index holding one image gives it). The caller calls `image.cleanup()`.
    """
    if platform is not None:
        oci.parse_platform(platform)
    store = _open_store(path)
    try:
        if store.has("oci-layout") and store.has("index.json"):
            return _from_layout(store, platform)
        if store.has("manifest.json"):
            return _from_docker_save(store, platform)
        raise ImageError(f"{path}: neither an OCI layout (oci-layout, index.json) nor a "
                         "docker save archive (manifest.json)")  # fmt: skip
    except BaseException:
        store.close()
        raise
