"""The server's tables (SQLAlchemy 2 typed ORM). Table and column names are the contract
between the server's modules; the Alembic migrations in garrison/server/migrations create
exactly this schema (a test compares them on SQLite and PostgreSQL).

Times are aware UTC datetimes (`UTCDateTime`). Enumerations are text with CHECK constraints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from garrison.server.db.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "uploader", "viewer")
FINDING_KINDS = ("vulnerability", "freshness")
FINDING_STATES = ("new", "open", "acknowledged", "resolved", "suppressed")
ISSUE_STATES = ("open", "closed")
DELIVERY_EVENTS = ("opened", "updated", "closed")
DELIVERY_STATES = ("pending", "sent", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)


class Token(Base):
    __tablename__ = "tokens"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        CheckConstraint("team_id IS NOT NULL OR role = 'admin'", name="team_or_admin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Artifact(Base):
    __tablename__ = "artifacts"
    __table_args__ = (Index(None, "team_id"), Index(None, "name"))
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String)
    version: Mapped[str | None] = mapped_column(String)
    source_repo: Mapped[str | None] = mapped_column(String)
    source_commit: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime | None]
    base_name: Mapped[str | None] = mapped_column(String)
    base_digest: Mapped[str | None] = mapped_column(String)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    sbom: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(String)


class Component(Base):
    """One package of an artifact. `ecosystem` is the BASE OSV ecosystem ("Debian"), the
    release suffix is in `release` ("12"); `name_key` is garrison.ecosystems.normalize_name
    of the source package (OS packages) or the name — what advisories are keyed by."""

    __tablename__ = "components"
    __table_args__ = (Index(None, "ecosystem", "name_key"), Index(None, "artifact_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    ecosystem: Mapped[str] = mapped_column(String)
    name_key: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    version: Mapped[str | None] = mapped_column(String)
    purl: Mapped[str | None] = mapped_column(Text)
    release: Mapped[str | None] = mapped_column(String)
    source_package: Mapped[str | None] = mapped_column(String)


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (
        UniqueConstraint("environment", "cluster", "workload"),
        Index(None, "artifact_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String)
    cluster: Mapped[str] = mapped_column(String)
    workload: Mapped[str] = mapped_column(String)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id"))
    deployed_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    restarted_at: Mapped[datetime | None]


class Finding(Base):
    """A finding of an artifact. Unique per (artifact, component, rule); findings without a
    component (freshness) are unique per (artifact, rule) through a partial unique index."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("artifact_id", "component_id", "rule_id"),
        Index(
            "uq_findings_artifact_id_rule_id_no_component",
            "artifact_id",
            "rule_id",
            unique=True,
            sqlite_where=text("component_id IS NULL"),
            postgresql_where=text("component_id IS NULL"),
        ),
        Index(None, "component_id"),
        Index(None, "state"),
        CheckConstraint(_one_of("kind", FINDING_KINDS), name="kind"),
        CheckConstraint(_one_of("state", FINDING_STATES), name="state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[str] = mapped_column(String)
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    fixed_versions: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    state_reason: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class Issue(Base):
    __tablename__ = "issues"
    __table_args__ = (
        CheckConstraint(_one_of("state", ISSUE_STATES), name="state"),
        Index(None, "team_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    artifact_name: Mapped[str] = mapped_column(String)
    package: Mapped[str] = mapped_column(String)
    state: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    dedupe_key: Mapped[str] = mapped_column(String, unique=True)


class IssueFinding(Base):
    __tablename__ = "issue_findings"
    __table_args__ = (Index(None, "finding_id"),)
    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True
    )
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True
    )


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint(_one_of("event", DELIVERY_EVENTS), name="event"),
        CheckConstraint(_one_of("status", DELIVERY_STATES), name="status"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "issue_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    sink: Mapped[str] = mapped_column(String)
    event: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String, unique=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the change happened


class AuditEntry(Base):
    """Append-only; `hash` = sha256(prev_hash + canonical JSON of the entry) (see audit.py)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    object_type: Mapped[str] = mapped_column(String)
    object_id: Mapped[str] = mapped_column(String)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AdvisoryState(Base):
    __tablename__ = "advisory_state"
    advisory_id: Mapped[str] = mapped_column(String, primary_key=True)
    modified: Mapped[str] = mapped_column(String)  # the OSV `modified` text as written
    seen_at: Mapped[datetime]


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class GoldenImageRow(Base):
    __tablename__ = "golden_images"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    digest: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime | None]  # when the golden image itself was built
    updated_at: Mapped[datetime]


class Registry(Base):
    __tablename__ = "registries"
    __table_args__ = (UniqueConstraint("url", "repository"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String)
    repository: Mapped[str] = mapped_column(String)  # a glob over repository names
    last_polled_at: Mapped[datetime | None]
