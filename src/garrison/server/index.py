"""Queries over the inventory that re-evaluation needs (I/O module): the component index by
package, an artifact's components, and which artifacts are live.

An artifact is LIVE when a deployment currently runs it, or when it is the newest upload of
its (team, name) — the build the next deployment will be. Findings of artifacts that are not
live are resolved as superseded (the deployment moved on to another build).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison.server.db.models import Artifact, Component, Deployment
from garrison.server.matching import IndexedComponent

T = TypeVar("T")
CHUNK = 1000
_COMPONENT_COLUMNS = (
    Component.id, Component.artifact_id, Component.ecosystem, Component.release,
    Component.name_key, Component.version,
)  # fmt: skip


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Lists of at most `size` items (bounded IN (...) lists)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _indexed(row: Any) -> IndexedComponent:
    return IndexedComponent(row[0], row[1], row[2], row[3], row[4], row[5])


def components_of_packages(
    session: Session, packages: Mapping[str, Collection[str]]
) -> list[IndexedComponent]:
    """Every indexed component of the packages (base ecosystem -> name keys)."""
    found: list[IndexedComponent] = []
    for ecosystem, keys in sorted(packages.items()):
        for batch in chunks(sorted(keys)):
            query = select(*_COMPONENT_COLUMNS).where(
                Component.ecosystem == ecosystem, Component.name_key.in_(batch)
            )
            found.extend(_indexed(row) for row in session.execute(query))
    return found


def components_of_artifacts(
    session: Session, artifact_ids: Iterable[int]
) -> list[IndexedComponent]:
    found: list[IndexedComponent] = []
    for batch in chunks(sorted(set(artifact_ids))):
        query = select(*_COMPONENT_COLUMNS).where(Component.artifact_id.in_(batch))
        found.extend(_indexed(row) for row in session.execute(query))
    return found


def live_among(session: Session, artifact_ids: Collection[int]) -> set[int]:
    """The live artifacts among `artifact_ids`."""
    ids = set(artifact_ids)
    live: set[int] = set()
    names: set[str] = set()
    for batch in chunks(sorted(ids)):
        query = select(Deployment.artifact_id).where(Deployment.artifact_id.in_(batch))
        live.update(session.scalars(query))
        names.update(session.scalars(select(Artifact.name).where(Artifact.id.in_(batch))))
    builds = select(Artifact.id, Artifact.team_id, Artifact.name, Artifact.uploaded_at)
    for names_batch in chunks(sorted(names)):
        rows = session.execute(builds.where(Artifact.name.in_(names_batch)))
        live.update(newest_builds(rows))
    return live & ids


def all_live(session: Session) -> set[int]:
    """Every live artifact."""
    live = set(session.scalars(select(Deployment.artifact_id)))
    query = select(Artifact.id, Artifact.team_id, Artifact.name, Artifact.uploaded_at)
    return live | newest_builds(session.execute(query))


def newest_builds(rows: Iterable[Sequence[Any]]) -> set[int]:
    """Of (id, team_id, name, uploaded_at) rows: the newest id per (team, name) (pure)."""
    newest: dict[tuple[Any, str], tuple[Any, int]] = {}
    for ident, team_id, name, uploaded_at in rows:
        key = (team_id, name)
        if key not in newest or (uploaded_at, ident) > newest[key]:
            newest[key] = (uploaded_at, ident)
    return {ident for _, ident in newest.values()}
