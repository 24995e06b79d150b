"""Following golden images against a REAL docker-registry: the tag's digest and build time
are read on each poll, a move is audited and makes builds on the old base "behind" at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from garrison.server.api.deps import ServerContext
from garrison.server.app import prepare_database
from garrison.server.config import GoldenImageSettings, ServerSettings
from garrison.server.db.models import AuditEntry, GoldenImageRow
from garrison.server.golden import follow_golden_images
from tests.server.evaluation_helpers import add_artifact, findings_table
from tests.support.oci_builder import ImageSpec, LayerSpec, file
from tests.support.registry import RealRegistry, push, pushable, run_registry

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
NAME = "registry.internal/base/debian:12"


def _base(release: str, created: str) -> object:
    layer = LayerSpec([file("etc/os-release", f'ID=debian\nVERSION_ID="{release}"\n')])
    return pushable(ImageSpec([layer], created=created))


BASE_V1 = _base("12.1", "2026-10-01T00:00:00Z")
BASE_V2 = _base("12.2", "2026-11-20T00:00:00Z")


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRegistry]:
    with run_registry(tmp_path_factory.mktemp("golden")) as running:
        yield running


def _golden(session: object) -> tuple[str | None, datetime | None]:
    row = session.execute(select(GoldenImageRow)).scalar_one()  # type: ignore[attr-defined]
    created = row.created_at.replace(tzinfo=UTC) if row.created_at else None
    return row.digest, created


def test_a_followed_golden_image_moves_with_its_tag(
    registry: RealRegistry, settings: ServerSettings, tmp_path: Path
) -> None:
    repo = f"golden/{tmp_path.name.lower()}/debian"
    push(registry, repo, "12", BASE_V1)
    golden = GoldenImageSettings(name=NAME, reference=f"{registry.host}/{repo}:12", insecure=True)
    followed = settings.model_copy(update={"golden_images": (golden,)})
    database = prepare_database(followed)  # seeds the golden image without a digest
    try:
        context = ServerContext(followed, database, clock=lambda: NOW)
        with database.session_scope() as session:
            assert _golden(session) == (None, None)
            add_artifact(session, "sha256:app", "shop", [], created_at=NOW,
                         base=(NAME, BASE_V1.digest))  # fmt: skip
        first = follow_golden_images(context)
        assert (first.checked, first.changed, first.warnings) == (1, (NAME,), ())
        with database.session_scope() as session:
            assert _golden(session) == (BASE_V1.digest, datetime(2026, 10, 1, tzinfo=UTC))
            assert findings_table(session) == []  # built on the golden image: not behind
        assert follow_golden_images(context).changed == ()  # the tag did not move

        push(registry, repo, "12", BASE_V2)
        moved = follow_golden_images(context)
        assert moved.changed == (NAME,)
        with database.session_scope() as session:
            assert _golden(session) == (BASE_V2.digest, datetime(2026, 11, 20, tzinfo=UTC))
            assert findings_table(session) == [("sha256:app", None, "GAR-FRESH-002", "new", None)]
            audited = session.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.details)
                .where(AuditEntry.object_type == "golden_image").order_by(AuditEntry.id)
            ).all()  # fmt: skip
        assert [(actor, action) for actor, action, _ in audited] == [
            ("config", "golden_image.created"),
            ("golden-image-watch", "golden_image.updated"),
            ("golden-image-watch", "golden_image.updated"),
        ]
        assert audited[-1][2]["digest"] == BASE_V2.digest
    finally:
        database.dispose()


def test_a_golden_image_whose_registry_fails_is_a_warning_and_keeps_its_digest(
    settings: ServerSettings,
) -> None:
    golden = GoldenImageSettings(name=NAME, reference="127.0.0.1:9/base/debian:12", insecure=True)
    followed = settings.model_copy(update={"golden_images": (golden,)})
    database = prepare_database(followed)
    try:
        report = follow_golden_images(ServerContext(followed, database, clock=lambda: NOW))
        assert (report.checked, report.changed) == (0, ())
        assert len(report.warnings) == 1
        assert report.warnings[0].startswith(f"golden image {NAME} (127.0.0.1:9/base/debian:12): ")
        with database.session_scope() as session:
            assert _golden(session) == (None, None)
    finally:
        database.dispose()
