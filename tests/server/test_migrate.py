"""Migrations: `upgrade head` on an empty database creates exactly the models' schema, on
SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, text
from sqlalchemy.exc import IntegrityError

from garrison.server.db import models
from garrison.server.db.migrate import alembic_config, current_revision, head_revision, upgrade
from garrison.server.db.models import Base
from garrison.server.db.session import Database

ALL_TABLES = {
    "advisory_state", "artifacts", "audit_log", "components", "deliveries", "deployments",
    "findings", "golden_images", "issue_findings", "issues", "meta", "registries", "teams",
    "tokens",
}  # fmt: skip


@pytest.fixture
def empty(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def test_upgrade_head_creates_exactly_the_models_schema(empty: Database) -> None:
    assert current_revision(empty) is None
    upgrade(empty)
    assert current_revision(empty) == head_revision() == "0001"
    with empty.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
        inspector = inspect(connection)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        checks = {
            table: {c["name"] for c in inspector.get_check_constraints(table)}
            for table in ALL_TABLES
        }
        indexes = {i["name"]: i for i in inspector.get_indexes("findings")}
    assert differences == []
    assert tables == ALL_TABLES == set(Base.metadata.tables)
    expected_checks = {
        table.name: {c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
        for table in Base.metadata.tables.values()
    }
    assert checks == expected_checks
    assert indexes["uq_findings_artifact_id_rule_id_no_component"]["unique"]


def test_upgrade_is_idempotent_and_downgrade_removes_everything(empty: Database) -> None:
    upgrade(empty)
    upgrade(empty)
    assert current_revision(empty) == "0001"
    config = alembic_config()
    with empty.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with empty.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}


def test_constraints_hold_on_the_migrated_schema(empty: Database) -> None:
    """The CHECKs, the foreign keys and the partial unique index of freshness findings."""
    upgrade(empty)
    now = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    with empty.session_scope() as session:
        team = session.execute(insert(models.Team).values(name="alpha").returning(models.Team.id))
        team_id = team.scalar_one()
        artifact_id = session.execute(
            insert(models.Artifact)
            .values(key="sha256:" + "a" * 64, name="app", team_id=team_id, sbom=b"x",
                    uploaded_at=now, uploaded_by="ci")
            .returning(models.Artifact.id)
        ).scalar_one()  # fmt: skip
    finding: dict[str, object] = {
        "artifact_id": artifact_id, "component_id": None, "kind": "freshness",
        "rule_id": "max_image_age", "severity": "MEDIUM", "summary": "old",
        "fixed_versions": [], "state": "new", "first_seen_at": now, "last_seen_at": now,
    }  # fmt: skip
    with empty.session_scope() as session:
        session.execute(insert(models.Finding).values(**finding))
    with pytest.raises(IntegrityError), empty.session_scope() as session:
        session.execute(insert(models.Finding).values(**finding))
    with pytest.raises(IntegrityError), empty.session_scope() as session:
        session.execute(insert(models.Finding).values(**{**finding, "state": "bogus"}))
    with pytest.raises(IntegrityError), empty.session_scope() as session:
        session.execute(
            insert(models.Token).values(name="t", token_hash="0" * 64, role="viewer",
                                        team_id=None, created_at=now)
        )  # fmt: skip
    with pytest.raises(IntegrityError), empty.session_scope() as session:
        session.execute(
            insert(models.Component).values(artifact_id=999_999, ecosystem="PyPI",
                                            name_key="x", name="x")
        )  # fmt: skip
    with empty.session_scope(write=False) as session:
        stored = session.execute(text("SELECT count(*) FROM findings")).scalar_one()
        artifact = session.get(models.Artifact, artifact_id)
    assert stored == 1
    assert artifact is not None and artifact.uploaded_at == now
