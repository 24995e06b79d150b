"""Rows the settings file declares: teams, golden images and watched registries.

At start-up the server creates what is missing and updates golden images whose digest or
creation time changed (a followed one, with `reference` and no digest, keeps what the
golden-image job last read); every change is audited with the actor `config`. Nothing is deleted
(a team removed from the file keeps its history).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison.image.facts import parse_time
from garrison.server import audit
from garrison.server.config import GoldenImageSettings, ServerSettings
from garrison.server.db.models import GoldenImageRow, Registry, Team
from garrison.server.db.types import utcnow

ACTOR = "config"


def seed_from_settings(session: Session, settings: ServerSettings) -> None:
    ensure_teams(session, settings.teams)
    for golden in settings.golden_images:
        if golden.reference is not None and golden.digest is None:
            ensure_golden_image(session, golden.name)  # its digest is followed, not set here
        else:
            upsert_golden_image(session, golden, actor=ACTOR)
    known = set(session.execute(select(Registry.url, Registry.repository)))
    for registry in settings.registries:
        if (registry.url, registry.repository) not in known:
            row = Registry(url=registry.url, repository=registry.repository)
            session.add(row)
            session.flush()
            _audit(session, "registry.created", "registry", row.id, {"url": registry.url})


def ensure_teams(session: Session, names: Iterable[str], *, actor: str = ACTOR) -> None:
    existing = set(session.execute(select(Team.name)).scalars())
    for name in sorted(names):
        if name not in existing:
            row = Team(name=name)
            session.add(row)
            session.flush()
            _audit(session, "team.created", "team", row.id, {"name": name}, actor=actor)


def ensure_golden_image(session: Session, name: str) -> None:
    """A golden image row without a digest yet, unless one exists (audited when created)."""
    if session.execute(select(GoldenImageRow.id).where(GoldenImageRow.name == name)).first():
        return
    row = GoldenImageRow(name=name, digest=None, created_at=None, updated_at=utcnow())
    session.add(row)
    session.flush()
    _audit(session, "golden_image.created", "golden_image", row.id, {"name": name})


def upsert_golden_image(
    session: Session, golden: GoldenImageSettings, *, actor: str
) -> GoldenImageRow:
    """Create or update one golden image by name (audited when something changed)."""
    return store_golden_image(session, golden, actor=actor)[0]


def store_golden_image(
    session: Session, golden: GoldenImageSettings, *, actor: str
) -> tuple[GoldenImageRow, bool]:
    """The golden image's row, and whether this created it or changed its digest or time."""
    created = parse_time(golden.created)
    row = session.execute(
        select(GoldenImageRow).where(GoldenImageRow.name == golden.name)
    ).scalar_one_or_none()
    if row is not None and (row.digest, row.created_at) == (golden.digest, created):
        return row, False
    action = "golden_image.created" if row is None else "golden_image.updated"
    if row is None:
        row = GoldenImageRow(name=golden.name)
        session.add(row)
    row.digest, row.created_at, row.updated_at = golden.digest, created, utcnow()
    session.flush()
    details = {"name": golden.name, "digest": golden.digest, "created": golden.created}
    _audit(session, action, "golden_image", row.id, details, actor=actor)
    return row, True


def _audit(
    session: Session,
    action: str,
    object_type: str,
    object_id: int,
    details: Mapping[str, object],
    actor: str = ACTOR,
) -> None:
    audit.append(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
