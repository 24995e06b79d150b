"""Pull an image from a registry: resolve a reference to one single-platform Image.

The layers download lazily, when `layers.walk_image` opens them (see RegistryClient).
"""

from __future__ import annotations

from dataclasses import replace
from typing import IO

from garrison.errors import ImageError
from garrison.image.auth import resolve_credentials
from garrison.image.model import Image, Layer
from garrison.image.oci import (
    INDEX_TYPES,
    Config,
    image_facts,
    parse_config,
    parse_index,
    parse_manifest,
    platform_matches,
    select_manifest,
)
from garrison.image.reference import is_digest, parse_reference
from garrison.image.registry import Manifest, RegistryClient


def pull(
    reference: str,
    *,
    platform: str | None = None,
    insecure: bool = False,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    notes: list[str] | None = None,
) -> Image:
    """Resolve `reference` to one single-platform Image; layers download when opened.

    Credentials: the explicit ones, else the docker config's (see `auth`); what could not
    be used is appended to `notes`. `Image.cleanup` closes the connection and removes every
    downloaded blob. `pushed` stays None: the Distribution API does not tell push times.
    """
    ref = parse_reference(reference)
    creds = resolve_credentials(ref.registry, username, password, notes=notes)
    client = RegistryClient(
        ref.api_host, insecure=insecure, timeout=timeout, retries=retries,
        username=creds.username if creds else None, password=creds.password if creds else None,
    )  # fmt: skip
    try:
        image = open_image(client, ref.repository, ref.ref, platform=platform, reference=reference)
    except BaseException:
        client.close()
        raise
    return replace(image, cleanup=client.close)


def open_image(
    client: RegistryClient,
    repo: str,
    ref: str,
    *,
    platform: str | None = None,
    reference: str | None = None,
    manifest: Manifest | None = None,
) -> Image:
    """The image `repo:ref` (or `repo@digest`) of an open client, for `platform` when the
    manifest is an index (default linux/amd64). `manifest`, when given, is the one already
    fetched for `ref`. `Image.cleanup` removes the downloaded blobs; the client stays open."""
    name = reference or f"{client.host}/{repo}{'@' if is_digest(ref) else ':'}{ref}"
    chosen = manifest or client.get_manifest(repo, ref)
    for _ in range(4):  # an index may point to an index
        if chosen.media_type not in INDEX_TYPES:
            break
        entry = select_manifest(parse_index(chosen.data, f"{name}: index"), platform, name)
        chosen = client.get_manifest(repo, entry.digest)
    parsed = parse_manifest(chosen.data, f"{name}: manifest")
    config = parse_config(client.read_blob(repo, parsed.config.digest), f"{name}: config")
    if platform is not None:
        _check_platform(config, platform, name)
    facts = image_facts(name, chosen.digest, parsed, config)

    def open_layer(layer: Layer) -> IO[bytes]:
        return client.open_blob(repo, layer.digest, layer.size)

    return Image(facts, open_layer, client.discard_blobs)


def _check_platform(config: Config, platform: str, name: str) -> None:
    parts = [config.os, config.architecture, config.variant]
    offered = "/".join(p for p in parts if p)
    if config.os and config.architecture and not platform_matches(platform, offered):
        raise ImageError(f"{name}: the image is for {offered}, not {platform}")
