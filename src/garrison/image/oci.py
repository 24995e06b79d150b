"""OCI and Docker v2 documents: index, manifest, config, `docker save` manifest (pure).

Every parser takes the raw bytes of one document and returns a small frozen record, or
raises ImageError saying what is wrong. Duplicate JSON keys are refused (two parsers could
otherwise read two different images from one document). `verified()` wraps a blob stream so
that its digest and size are checked as it is read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from garrison.errors import ImageError
from garrison.model import ImageFacts, Layer

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
MANIFEST_TYPES = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
_OCI_FOREIGN = "application/vnd.oci.image.layer.nondistributable.v1.tar"
_DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar"
# layer media type -> compression it declares ("none", "gzip", "zstd")
LAYER_TYPES: dict[str, str] = {
    _OCI_LAYER: "none", f"{_OCI_LAYER}+gzip": "gzip", f"{_OCI_LAYER}+zstd": "zstd",
    _OCI_FOREIGN: "none", f"{_OCI_FOREIGN}+gzip": "gzip", f"{_OCI_FOREIGN}+zstd": "zstd",
    DOCKER_LAYER: "none", f"{DOCKER_LAYER}.gzip": "gzip", f"{DOCKER_LAYER}.zstd": "zstd",
    f"{_DOCKER_FOREIGN}.gzip": "gzip",
}  # fmt: skip
FOREIGN_TYPES = frozenset(t for t in LAYER_TYPES if "foreign" in t or "nondistrib" in t)
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
DEFAULT_PLATFORM = "linux/amd64"
_DIGEST = re.compile(r"(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})")
_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64"}


@dataclass(frozen=True, slots=True)
class Descriptor:
    """A pointer to a blob. `platform` is "os/arch[/variant]" when the index tells."""

    media_type: str
    digest: str
    size: int
    platform: str | None = None
    annotations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Manifest:
    config: Descriptor
    layers: tuple[Layer, ...]
    annotations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    created: str | None
    os: str | None
    architecture: str | None
    variant: str | None
    diff_ids: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class DockerSave:
    """The one image of a `docker save` manifest.json: member paths of config and layers."""

    config: str
    layers: tuple[str, ...]


def load_document(data: bytes, what: str) -> dict[str, Any]:
    """A JSON object; anything else (or a duplicate key) is an ImageError naming `what`."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise ImageError(f"{what}: duplicate key in a JSON object")
        return result

    try:
        value = json.loads(data, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError) as exc:
        raise ImageError(f"{what}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ImageError(f"{what}: not a JSON object")
    return value


def check_digest(value: object, what: str) -> str:
    if not isinstance(value, str) or not _DIGEST.fullmatch(value):
        raise ImageError(f"{what}: invalid or unsupported digest {value!r}")
    return value


def _text(obj: dict[str, Any], key: str, what: str, default: str | None = None) -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise ImageError(f"{what}: {key!r} is missing or not a string")
    return value


def _pairs(value: object, what: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ImageError(f"{what}: annotations/labels must map strings to strings")
    return tuple(sorted(value.items()))


def parse_descriptor(obj: object, what: str) -> Descriptor:
    if not isinstance(obj, dict):
        raise ImageError(f"{what}: a descriptor is not an object")
    size = obj.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ImageError(f"{what}: descriptor size {size!r} is not a non-negative integer")
    platform = obj.get("platform")
    name = None
    if isinstance(platform, dict):
        parts = [platform.get("os"), platform.get("architecture"), platform.get("variant")]
        name = "/".join(p for p in parts if isinstance(p, str) and p)
    return Descriptor(
        media_type=_text(obj, "mediaType", what, ""),
        digest=check_digest(obj.get("digest"), what),
        size=size,
        platform=name,
        annotations=_pairs(obj.get("annotations"), what),
    )


def parse_index(data: bytes, what: str = "image index") -> tuple[Descriptor, ...]:
    doc = load_document(data, what)
    manifests = doc.get("manifests")
    if doc.get("schemaVersion") != 2 or not isinstance(manifests, list):
        raise ImageError(f"{what}: not an OCI image index (schemaVersion 2 with manifests)")
    return tuple(parse_descriptor(entry, what) for entry in manifests)


def parse_platform(text: str) -> tuple[str, str, str | None]:
    """ "linux/arm64/v8" -> ("linux", "arm64", "v8"); arch aliases (x86_64) normalised."""
    parts = text.strip().lower().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ImageError(f"invalid platform {text!r}: expected os/arch[/variant]")
    arch = _ARCH_ALIASES.get(parts[1], parts[1])
    return parts[0], arch, parts[2] if len(parts) == 3 else None


def platform_matches(wanted: str, offered: str) -> bool:
    """Does `offered` (as an index or config tells it) serve `wanted` ("os/arch[/variant]")?"""
    w_os, w_arch, w_variant = parse_platform(wanted)
    o_os, o_arch, o_variant = [*offered.strip().lower().split("/"), "", ""][:3]
    if (w_os, w_arch) != (o_os, _ARCH_ALIASES.get(o_arch, o_arch)):
        return False
    default = "v8" if w_arch == "arm64" else ""  # arm64 without a variant is v8
    return w_variant is None or (o_variant or default) == w_variant


def _is_attestation(desc: Descriptor) -> bool:
    keys = {key for key, _ in desc.annotations}
    return desc.platform == "unknown/unknown" or "vnd.docker.reference.type" in keys


def select_manifest(
    entries: Sequence[Descriptor], platform: str | None, what: str = "image index"
) -> Descriptor:
    """The entry for `platform` (default linux/amd64). With no platform asked for, an index
    holding a single image gives that image whatever its platform. Attestations are skipped."""
    images = [
        e for e in entries if e.media_type in INDEX_TYPES | MANIFEST_TYPES or not e.media_type
    ]
    images = [e for e in images if not _is_attestation(e)]
    if not images:
        raise ImageError(f"{what}: no image manifest in it")
    if platform is None and len(images) == 1:
        return images[0]
    wanted = platform or DEFAULT_PLATFORM
    parse_platform(wanted)
    for entry in images:
        if entry.platform is None and len(images) == 1:
            return entry  # no platform told: the config is checked instead
        if entry.platform and platform_matches(wanted, entry.platform):
            return entry
    offered = sorted({e.platform or "unspecified" for e in images})
    raise ImageError(f"{what}: no image for platform {wanted}; available: {', '.join(offered)}")


def parse_manifest(data: bytes, what: str = "image manifest") -> Manifest:
    doc = load_document(data, what)
    if doc.get("schemaVersion") != 2:
        raise ImageError(f"{what}: only schemaVersion 2 manifests are supported")
    media_type = doc.get("mediaType")
    if media_type in INDEX_TYPES or "manifests" in doc:
        raise ImageError(f"{what}: is an image index, not a manifest")
    config = parse_descriptor(doc.get("config"), what)
    if config.media_type not in (OCI_CONFIG, DOCKER_CONFIG):
        raise ImageError(f"{what}: not a container image (config type {config.media_type!r})")
    raw_layers = doc.get("layers")
    if not isinstance(raw_layers, list):
        raise ImageError(f"{what}: 'layers' is missing or not a list")
    layers = []
    for entry in raw_layers:
        desc = parse_descriptor(entry, what)
        if desc.media_type not in LAYER_TYPES:
            raise ImageError(f"{what}: unsupported layer media type {desc.media_type!r}")
        layers.append(Layer(desc.digest, desc.media_type, desc.size))
    return Manifest(config, tuple(layers), _pairs(doc.get("annotations"), what))


def parse_config(data: bytes, what: str = "image config") -> Config:
    doc = load_document(data, what)
    rootfs = doc.get("rootfs")
    if not isinstance(rootfs, dict) or not isinstance(rootfs.get("diff_ids"), list):
        raise ImageError(f"{what}: 'rootfs.diff_ids' is missing")
    diff_ids = tuple(check_digest(d, what) for d in rootfs["diff_ids"])
    inner = doc.get("config")
    labels = _pairs(inner.get("Labels"), what) if isinstance(inner, dict) else ()

    def text(key: str) -> str | None:
        value = doc.get(key)
        return value if isinstance(value, str) and value else None

    arch = text("architecture")
    arch = _ARCH_ALIASES.get(arch, arch) if arch else None
    return Config(text("created"), text("os"), arch, text("variant"), diff_ids, labels)


def parse_docker_save(data: bytes, what: str = "manifest.json") -> DockerSave:
    try:
        entries = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ImageError(f"{what}: not valid JSON ({exc})") from None
    if not isinstance(entries, list) or not entries:
        raise ImageError(f"{what}: expected a non-empty list of images")
    if len(entries) > 1:
        raise ImageError(f"{what}: the archive holds {len(entries)} images; save one only")
    entry = entries[0]
    layers = entry.get("Layers") if isinstance(entry, dict) else None
    if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
        raise ImageError(f"{what}: 'Layers' must be a list of paths")
    return DockerSave(_text(entry, "Config", what), tuple(layers))


def image_facts(
    reference: str, digest: str | None, manifest: Manifest, config: Config
) -> ImageFacts:
    """Facts of a resolved image; the base image comes from the OCI annotations (or labels)."""
    if len(config.diff_ids) != len(manifest.layers):
        raise ImageError(
            f"{reference}: the config lists {len(config.diff_ids)} diff_ids "
            f"for {len(manifest.layers)} layers"
        )
    known = dict(config.labels) | dict(manifest.annotations)
    return ImageFacts(
        reference=reference,
        digest=digest,
        config_digest=manifest.config.digest,
        created=config.created,
        pushed=None,
        os=config.os,
        architecture=config.architecture,
        layers=manifest.layers,
        diff_ids=config.diff_ids,
        annotations=manifest.annotations,
        labels=config.labels,
        base_name=known.get("org.opencontainers.image.base.name"),
        base_digest=known.get("org.opencontainers.image.base.digest"),
    )


def digest_of(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"
