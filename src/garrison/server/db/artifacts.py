"""Storing artifacts (with their SBOM and component index) and deployments.

An upload is idempotent on the artifact `key`: the row is found-and-locked, or inserted with
ON CONFLICT DO NOTHING and looked up again when a concurrent upload won the race, so two
uploads of one key make one row. Its components are replaced by difference in the same
transaction (unchanged components keep their ids, so their findings stay attached).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import zstandard
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from garrison import ecosystems
from garrison.errors import GarrisonError, InputError
from garrison.model import Component as SbomComponent
from garrison.server.db.models import Artifact, Component

MAX_NAME = 1000
MAX_PURL = 4000
_RETRIES = 5


class KeyTakenError(Exception):
    """The artifact key exists and belongs to a team the uploader cannot write."""


@dataclass(frozen=True, slots=True)
class ComponentRow:
    ecosystem: str  # base OSV ecosystem
    release: str | None
    name_key: str
    name: str
    version: str | None
    purl: str | None
    source_package: str | None


@dataclass(frozen=True, slots=True)
class ArtifactInput:
    key: str
    name: str
    version: str | None
    source_repo: str | None
    source_commit: str | None
    created_at: datetime | None
    base_name: str | None
    base_digest: str | None
    team_id: int | None
    sbom: bytes  # the CycloneDX JSON as uploaded (stored compressed)
    components: tuple[ComponentRow, ...]
    uploaded_by: str


@dataclass(frozen=True, slots=True)
class StoreResult:
    artifact_id: int
    created: bool
    total: int
    added: int
    removed: int


def compress_sbom(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=6).compress(data)


def decompress_sbom(blob: bytes, limit: int) -> bytes:
    """The stored SBOM; never more than `limit` bytes (a corrupt row is not a memory bomb)."""
    with zstandard.ZstdDecompressor().stream_reader(blob) as reader:
        data = reader.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"the stored SBOM is larger than {limit} bytes")
    return data


def component_rows(components: Iterable[SbomComponent]) -> tuple[ComponentRow, ...]:
    """Index rows for an SBOM's components: base ecosystem + release, normalised name key
    (of the source package for OS packages), duplicates dropped. Bad text is an InputError
    naming the component."""
    rows: dict[ComponentRow, None] = {}
    for component in components:
        _check_text(component)
        try:
            base, release = ecosystems.split(component.ecosystem)
            key = ecosystems.normalize_name(base, component.source_package or component.name)
        except GarrisonError:
            base, release, key = component.ecosystem, None, component.name
        row = ComponentRow(
            base, release, key, component.name, component.version, component.purl,
            component.source_package,
        )  # fmt: skip
        rows[row] = None
    return tuple(rows)


def _check_text(component: SbomComponent) -> None:
    fields = {
        "ecosystem": (component.ecosystem, MAX_NAME), "name": (component.name, MAX_NAME),
        "version": (component.version, MAX_NAME), "purl": (component.purl, MAX_PURL),
        "source package": (component.source_package, MAX_NAME),
    }  # fmt: skip
    for label, (value, limit) in fields.items():
        problem = _text_problem(value, limit)
        if problem:
            raise InputError(f"component {component.name[:80]!r}: {label} {problem}")


def _text_problem(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    if len(value) > limit:
        return f"is longer than {limit} characters"
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def dialect_insert(session: Session, table: Table | type[Any]) -> Any:
    """INSERT with ON CONFLICT support for the session's database."""
    name = session.get_bind().dialect.name
    return pg_insert(table) if name == "postgresql" else sqlite_insert(table)


def store_artifact(session: Session, item: ArtifactInput, now: datetime) -> StoreResult:
    """Create or update the artifact by key and replace its components (one transaction)."""
    values = _artifact_values(item, now)
    artifact_id, created = _lock_or_create(session, item.key, values)
    if not created:
        owner = session.execute(select(Artifact.team_id).where(Artifact.id == artifact_id))
        if owner.scalar_one() != item.team_id:
            raise KeyTakenError(item.key)
        session.execute(update(Artifact).where(Artifact.id == artifact_id).values(values))
    added, removed = _replace_components(session, artifact_id, item.components)
    return StoreResult(artifact_id, created, len(item.components), added, removed)


def _artifact_values(item: ArtifactInput, now: datetime) -> dict[str, Any]:
    return {
        "key": item.key, "name": item.name, "version": item.version,
        "source_repo": item.source_repo, "source_commit": item.source_commit,
        "created_at": item.created_at, "base_name": item.base_name,
        "base_digest": item.base_digest, "team_id": item.team_id,
        "sbom": compress_sbom(item.sbom), "uploaded_at": now, "uploaded_by": item.uploaded_by,
    }  # fmt: skip


def _lock_or_create(session: Session, key: str, values: Mapping[str, Any]) -> tuple[int, bool]:
    """(id, created): the existing row locked FOR UPDATE, or a new one. A concurrent insert
    of the same key makes ours do nothing; the next round then finds and locks its row."""
    for _ in range(_RETRIES):
        found = session.execute(
            select(Artifact.id).where(Artifact.key == key).with_for_update()
        ).scalar_one_or_none()
        if found is not None:
            return found, False
        statement = (
            dialect_insert(session, Artifact)
            .values(dict(values))
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Artifact.id)
        )
        inserted = session.execute(statement).scalar_one_or_none()
        if inserted is not None:
            return inserted, True
    raise RuntimeError(f"artifact {key!r}: could neither insert nor find the row")


def _replace_components(
    session: Session, artifact_id: int, wanted: tuple[ComponentRow, ...]
) -> tuple[int, int]:
    """Make the artifact's component rows equal `wanted`; (added, removed)."""
    existing: dict[ComponentRow, list[int]] = {}
    for row in session.execute(
        select(Component).where(Component.artifact_id == artifact_id)
    ).scalars():
        identity = ComponentRow(
            row.ecosystem, row.release, row.name_key, row.name, row.version, row.purl,
            row.source_package,
        )  # fmt: skip
        existing.setdefault(identity, []).append(row.id)
    keep = set(wanted)
    stale = [
        i for identity, ids in existing.items() for i in (ids if identity not in keep else ids[1:])
    ]
    new = [r for r in wanted if r not in existing]
    if stale:
        for start in range(0, len(stale), 500):
            session.execute(delete(Component).where(Component.id.in_(stale[start : start + 500])))
    if new:
        session.execute(
            insert(Component),
            [{"artifact_id": artifact_id, **_row_values(r)} for r in new],
        )
    return len(new), len(stale)


def _row_values(row: ComponentRow) -> dict[str, Any]:
    return {
        "ecosystem": row.ecosystem, "release": row.release, "name_key": row.name_key,
        "name": row.name, "version": row.version, "purl": row.purl,
        "source_package": row.source_package,
    }  # fmt: skip
