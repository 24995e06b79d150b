"""Write real container images for tests, without a Docker daemon.

Layers are lists of entries (files, directories, symlinks, hard links, whiteouts, opaque
markers, and raw hostile names such as "../evil" or "/etc/abs", written as given). From an
`ImageSpec` this writes an OCI image layout directory, an oci-archive tarball of it, or a
`docker save` tarball. Output is deterministic: fixed mtimes, owners, JSON key order.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import zstandard

MTIME = 1_700_000_000
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
_TYPES = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
          "hardlink": tarfile.LNKTYPE}  # fmt: skip


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str = "file"  # file | dir | symlink | hardlink
    data: bytes = b""
    mode: int = 0o644
    target: str = ""


def file(name: str, data: bytes | str = b"", mode: int = 0o644) -> Entry:
    return Entry(name, "file", data.encode() if isinstance(data, str) else data, mode)


def directory(name: str, mode: int = 0o755) -> Entry:
    return Entry(name, "dir", mode=mode)


def symlink(name: str, target: str) -> Entry:
    return Entry(name, "symlink", mode=0o777, target=target)


def hardlink(name: str, target: str) -> Entry:
    return Entry(name, "hardlink", target=target)


def whiteout(path: str) -> Entry:
    parent, _, base = path.rpartition("/")
    return file(f"{parent}/.wh.{base}" if parent else f".wh.{base}")


def opaque(directory_path: str) -> Entry:
    return file(f"{directory_path}/.wh..wh..opq")


@dataclass(frozen=True)
class LayerSpec:
    entries: Sequence[Entry]
    compression: str = "gzip"  # gzip | zstd | none
    truncate: int = 0  # bytes cut off the blob's end; digests are taken after the cut
    raw: bytes | None = None  # a ready-made tar to use instead of `entries`
    declared: str | None = None  # the compression the manifest claims (default: the real one)


@dataclass(frozen=True)
class ImageSpec:
    layers: Sequence[LayerSpec]
    os: str = "linux"
    architecture: str = "amd64"
    variant: str | None = None
    created: str = "2024-05-06T07:08:09Z"
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    docker_media_types: bool = False  # Docker v2 manifest and layer types instead of OCI


@dataclass(frozen=True)
class Built:
    path: Path
    digest: str | None  # manifest digest (the index's for a multi-platform layout)
    config_digest: str
    layer_digests: tuple[str, ...]
    diff_ids: tuple[str, ...]
    manifests: tuple[str, ...] = ()  # per-platform manifest digests of a multi-platform index


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_bytes(entries: Sequence[Entry]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.mtime, info.mode, info.uname, info.gname = MTIME, entry.mode, "", ""
            info.type = _TYPES[entry.kind]
            info.linkname = entry.target
            info.size = len(entry.data) if entry.kind == "file" else 0
            tar.addfile(info, io.BytesIO(entry.data) if entry.kind == "file" else None)
    return buffer.getvalue()


def compress(data: bytes, compression: str) -> bytes:
    if compression == "gzip":
        return gzip.compress(data, mtime=0)
    if compression == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


def layer_blob(spec: LayerSpec) -> tuple[bytes, str]:
    """The blob and the diff_id (digest of the uncompressed tar) of one layer."""
    raw = tar_bytes(spec.entries) if spec.raw is None else spec.raw
    blob = compress(raw, spec.compression)
    if spec.truncate:
        blob = blob[: -spec.truncate]
        raw = raw[: -spec.truncate] if spec.compression == "none" else raw
    return blob, digest(raw)


def _dumps(doc: object) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _config(spec: ImageSpec, diff_ids: Sequence[str]) -> bytes:
    doc: dict[str, object] = {
        "created": spec.created, "architecture": spec.architecture, "os": spec.os,
        "config": {"Labels": dict(spec.labels)},
        "rootfs": {"type": "layers", "diff_ids": list(diff_ids)},
    }  # fmt: skip
    if spec.variant:
        doc["variant"] = spec.variant
    return _dumps(doc)


def _layer_type(spec: ImageSpec, compression: str) -> str:
    if spec.docker_media_types:
        return DOCKER_LAYER + {"gzip": ".gzip", "zstd": ".zstd", "none": ""}[compression]
    return OCI_LAYER + {"gzip": "+gzip", "zstd": "+zstd", "none": ""}[compression]


@dataclass
class _Image:
    manifest: bytes
    media_type: str
    config: bytes
    layers: list[tuple[bytes, str]]  # blob, diff_id
    blobs: dict[str, bytes] = field(default_factory=dict)


def _image(spec: ImageSpec) -> _Image:
    layers = [layer_blob(layer) for layer in spec.layers]
    config = _config(spec, [diff_id for _, diff_id in layers])
    docker = spec.docker_media_types
    kind = "docker.distribution.manifest.v2" if docker else "oci.image.manifest.v1"
    config_type = "docker.container.image.v1" if docker else "oci.image.config.v1"
    manifest: dict[str, object] = {
        "schemaVersion": 2,
        "mediaType": f"application/vnd.{kind}+json",
        "config": {"mediaType": f"application/vnd.{config_type}+json",
                   "digest": digest(config), "size": len(config)},
        "layers": [{"mediaType": _layer_type(spec, layer.declared or layer.compression),
                    "digest": digest(blob), "size": len(blob)}
                   for layer, (blob, _) in zip(spec.layers, layers, strict=True)],
    }  # fmt: skip
    if spec.annotations:
        manifest["annotations"] = dict(spec.annotations)
    built = _Image(_dumps(manifest), str(manifest["mediaType"]), config, layers)
    for data in [built.manifest, config, *(blob for blob, _ in layers)]:
        built.blobs[digest(data)] = data
    return built


def _built(
    path: Path, image: _Image, digest_: str | None, manifests: tuple[str, ...] = ()
) -> Built:
    return Built(path, digest_, digest(image.config),
                 tuple(digest(blob) for blob, _ in image.layers),
                 tuple(diff_id for _, diff_id in image.layers), manifests)  # fmt: skip


def _platform(spec: ImageSpec) -> dict[str, str]:
    platform = {"os": spec.os, "architecture": spec.architecture}
    return platform | ({"variant": spec.variant} if spec.variant else {})


def layout_files(*specs: ImageSpec) -> tuple[dict[str, bytes], _Image, str, tuple[str, ...]]:
    """Every file of an OCI layout: one image, or an image index when given several."""
    images = [_image(spec) for spec in specs]
    files = {"oci-layout": _dumps({"imageLayoutVersion": "1.0.0"})}
    entries = [{"mediaType": image.media_type, "digest": digest(image.manifest),
                "size": len(image.manifest), "platform": _platform(spec)}
               for spec, image in zip(specs, images, strict=True)]  # fmt: skip
    manifests = tuple(str(entry["digest"]) for entry in entries)
    if len(images) > 1:
        index = _dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": entries})  # fmt: skip
        images[0].blobs[digest(index)] = index
        entries = [{"mediaType": "application/vnd.oci.image.index.v1+json",
                    "digest": digest(index), "size": len(index)}]  # fmt: skip
    else:
        del entries[0]["platform"]
    files["index.json"] = _dumps({"schemaVersion": 2, "manifests": entries})
    for image in images:
        for key, data in image.blobs.items():
            files[f"blobs/sha256/{key.removeprefix('sha256:')}"] = data
    return files, images[0], str(entries[0]["digest"]), manifests if len(images) > 1 else ()


def write_tar(path: Path, files: Mapping[str, bytes]) -> Path:
    """A plain tarball of `files` (name -> content), sorted, with fixed metadata, and an
    entry for each parent directory first (as skopeo and docker write them)."""
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        parents = sorted({str(parent) for name in files for parent in PurePosixPath(name).parents
                          if str(parent) != "."})  # fmt: skip
        for parent in parents:
            info = tarfile.TarInfo(parent + "/")
            info.type, info.mtime, info.mode = tarfile.DIRTYPE, MTIME, 0o755
            tar.addfile(info)
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(files[name]), MTIME, 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    return path


def write_layout(root: Path, *specs: ImageSpec) -> Built:
    files, first, top, manifests = layout_files(*specs)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return _built(root, first, top, manifests)


def write_oci_archive(path: Path, *specs: ImageSpec) -> Built:
    files, first, top, manifests = layout_files(*specs)
    return _built(write_tar(path, files), first, top, manifests)


def docker_save_files(
    spec: ImageSpec, repo_tags: Sequence[str] = ("example/app:1",)
) -> dict[str, bytes]:
    """A legacy `docker save` archive: <config hex>.json, <diff_id hex>/layer.tar."""
    image = _image(spec)
    config_name = digest(image.config).removeprefix("sha256:") + ".json"
    files = {config_name: image.config}
    names = []
    for blob, diff_id in image.layers:
        names.append(f"{diff_id.removeprefix('sha256:')}/layer.tar")
        files[names[-1]] = blob
    manifest = [{"Config": config_name, "RepoTags": list(repo_tags), "Layers": names}]
    files["manifest.json"] = _dumps(manifest)
    return files


def write_docker_save(
    path: Path, spec: ImageSpec, repo_tags: Sequence[str] = ("example/app:1",)
) -> Built:
    image = _image(spec)
    return _built(write_tar(path, docker_save_files(spec, repo_tags)), image, None)
