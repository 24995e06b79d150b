"""Registry watching: the server polls the configured OCI registries and inventories every
image whose manifest digest it has not stored yet.

Each image found is pulled with garrison's registry client, inventoried (packages, created
time, base image), turned into a CycloneDX SBOM as `garrison push sbom` does, and ingested
through the upload path (actor `registry-watch`, the registry's team) so matching and hooks
run. A registry or an image that fails is a warning in the report; the others go on.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from garrison import __version__
from garrison.errors import GarrisonError
from garrison.image.facts import GoldenImage, parse_time
from garrison.image.inventory import inventory_of_image
from garrison.image.pull import open_image
from garrison.image.registry import Manifest, RegistryClient
from garrison.image.registry_scan import list_images, parse_scan_target
from garrison.model import Inventory
from garrison.sbom.cyclonedx_out import render_cyclonedx
from garrison.server.api.deps import ServerContext
from garrison.server.auth import Principal
from garrison.server.config import RegistrySettings
from garrison.server.db import queries
from garrison.server.db.ingest import ArtifactFields, IngestError, ingest_artifact
from garrison.server.db.models import Registry

log = logging.getLogger("garrison.server")

ACTOR = "registry-watch"
WATCHER = Principal(token_id=0, name=ACTOR, role="admin", team_id=None, team=None)


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll did: registries polled, artifact keys added, tags skipped, warnings."""

    polled: int
    added: tuple[str, ...]
    skipped: int
    warnings: tuple[str, ...]


@dataclass
class _Tally:
    added: list[str]
    skipped: int
    warnings: list[str]

    def warn(self, message: str) -> None:
        log.warning("registry-watch: %s", message)
        self.warnings.append(message)


def poll_registries(context: ServerContext) -> PollReport:
    """Poll every configured registry once; a failing registry is a warning, not a stop."""
    tally = _Tally([], 0, [])
    polled = 0
    for watched in context.settings.registries:
        try:
            _poll_one(context, watched, tally)
        except GarrisonError as exc:
            tally.warn(f"{watched.url}: {exc}")
            continue
        _record_polled(context, watched)
        polled += 1
    return PollReport(polled, tuple(tally.added), tally.skipped, tuple(tally.warnings))


def _poll_one(context: ServerContext, watched: RegistrySettings, tally: _Tally) -> None:
    host, prefix = parse_scan_target(watched.url)
    insecure = watched.insecure or watched.url.startswith("http://")
    password = os.environ.get(watched.password_env) if watched.password_env else None
    with RegistryClient(
        host, insecure=insecure, username=watched.username, password=password
    ) as client:
        for repo, tag, manifest in _tags(client, prefix, watched.repository, tally):
            if _stored(context, manifest.digest):
                tally.skipped += 1
                continue
            try:
                key = _take_image(context, client, watched, (repo, tag), manifest)
            except (GarrisonError, IngestError) as exc:
                tally.warn(f"{host}/{repo}:{tag}: {_reason(exc)}")
                continue
            if key is None:
                tally.skipped += 1
            else:
                tally.added.append(key)


def _tags(
    client: RegistryClient, prefix: str, pattern: str, tally: _Tally
) -> Iterator[tuple[str, str, Manifest]]:
    """Each (repo, tag, manifest) whose repository matches the glob; broken tags warn."""
    for repo, tag in list_images(client, prefix):
        if not fnmatch.fnmatchcase(repo, pattern):
            continue
        try:
            manifest = client.get_manifest(repo, tag)
        except GarrisonError as exc:
            tally.warn(f"{client.host}/{repo}:{tag}: {exc}")
            continue
        yield repo, tag, manifest


def _take_image(
    context: ServerContext,
    client: RegistryClient,
    watched: RegistrySettings,
    where: tuple[str, str],
    manifest: Manifest,
) -> str | None:
    """Inventory and ingest one image; its artifact key, or None when already stored (an
    index whose platform image is known)."""
    repo, tag = where
    image = open_image(client, repo, tag, manifest=manifest)
    key = image.facts.digest or manifest.digest
    if key != manifest.digest and _stored(context, key):
        image.cleanup()
        return None
    inventory = inventory_of_image(image, today=context.clock().date(), golden=_golden(context))
    fields = _fields(key, f"{client.host}/{repo}", tag, inventory, watched.team)
    ingest_artifact(context, WATCHER, fields, _sbom(inventory, context.clock()))
    return key


def _fields(
    key: str, name: str, tag: str, inventory: Inventory, team: str | None
) -> ArtifactFields:
    facts = inventory.image
    return ArtifactFields(
        key=key,
        name=name,
        version=tag,
        created_at=parse_time(facts.created) if facts else None,
        base_name=facts.base_name if facts else None,
        base_digest=facts.base_digest if facts else None,
        team=team,
    )


def _sbom(inventory: Inventory, now: datetime) -> bytes:
    moment = now.replace(microsecond=0)
    return render_cyclonedx(inventory, tool_version=__version__, timestamp=moment).encode()


def _golden(context: ServerContext) -> tuple[GoldenImage, ...]:
    return tuple(
        GoldenImage(g.name, g.digest, g.created, g.diff_ids) for g in context.settings.golden_images
    )


def _stored(context: ServerContext, key: str) -> bool:
    with context.database.session_scope() as session:
        return queries.artifact_by_key(session, key) is not None


def _record_polled(context: ServerContext, watched: RegistrySettings) -> None:
    with context.database.session_scope() as session:
        row = session.execute(
            select(Registry).where(
                Registry.url == watched.url, Registry.repository == watched.repository
            )
        ).scalar_one_or_none()
        if row is None:
            row = Registry(url=watched.url, repository=watched.repository)
            session.add(row)
        row.last_polled_at = context.clock()


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, IngestError) else str(exc)
