"""Builders shared by the re-evaluation tests (sync, findings, issues, gate, metrics): OSV
documents, inventory rows written straight to the database, a server context with a fixed
clock."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison import ecosystems
from garrison.server.api.deps import ServerContext
from garrison.server.config import ServerSettings
from garrison.server.db.models import Artifact, Component, Deployment, Finding, Issue, Team
from garrison.server.db.session import Database
from tests.vulndb.helpers import entry

NOW = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def osv(ident: str, name: str, fixed: str, *, modified: str = "2024-01-01T00:00:00Z",
        ecosystem: str = "PyPI", **extra: Any) -> tuple[str, bytes]:  # fmt: skip
    """An uploaded OSV file (label, bytes): versions below `fixed` are affected."""
    events = [{"introduced": "0"}, {"fixed": fixed}]
    document = entry(
        ident, ecosystem=ecosystem, name=name, events=events, modified=modified, **extra
    )
    return f"{ident}.json", json.dumps(document).encode()


def context(settings: ServerSettings, database: Database, now: datetime = NOW) -> ServerContext:
    return ServerContext(settings, database, clock=lambda: now)


def team_id(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    return session.scalar(select(Team.id).where(Team.name == name))


def add_artifact(
    session: Session,
    key: str,
    name: str,
    packages: Iterable[tuple[str, str, str | None]],
    *,
    team: str | None = "alpha",
    version: str = "1.0",
    uploaded_at: datetime = NOW - DAY,
    created_at: datetime | None = None,
    base: tuple[str, str] | None = None,
) -> int:
    """An artifact and its components ((ecosystem, name, version); "Debian:12" style
    ecosystems are split into base and release as the inventory stores them)."""
    artifact = Artifact(
        key=key, name=name, version=version, source_repo=None, source_commit=None,
        created_at=created_at, base_name=base[0] if base else None,
        base_digest=base[1] if base else None, team_id=team_id(session, team), sbom=b"",
        uploaded_at=uploaded_at, uploaded_by="test",
    )  # fmt: skip
    session.add(artifact)
    session.flush()
    for ecosystem, package, package_version in packages:
        base_eco, release = ecosystems.split(ecosystem)
        session.add(
            Component(
                artifact_id=artifact.id, ecosystem=base_eco, release=release, name=package,
                name_key=ecosystems.normalize_name(base_eco, package), version=package_version,
                purl=None, source_package=None,
            )
        )  # fmt: skip
    session.flush()
    return artifact.id


def deploy(session: Session, artifact_id: int, workload: str, *, at: datetime = NOW - DAY,
           environment: str = "prod", restarted: datetime | None = None) -> int:  # fmt: skip
    """Run `artifact_id` as the workload (replacing what ran there)."""
    row = session.scalar(
        select(Deployment).where(Deployment.environment == environment,
                                 Deployment.cluster == "eu-1", Deployment.workload == workload)
    )  # fmt: skip
    if row is None:
        row = Deployment(environment=environment, cluster="eu-1", workload=workload)
        session.add(row)
    row.artifact_id, row.deployed_at, row.last_seen_at, row.restarted_at = (
        artifact_id, at, at, restarted,
    )  # fmt: skip
    session.flush()
    return row.id


def findings_table(session: Session) -> list[tuple[str, str | None, str, str, str | None]]:
    """(artifact key, component name, rule, state, state_reason) of every finding, sorted."""
    rows = session.execute(
        select(Artifact.key, Component.name, Finding.rule_id, Finding.state, Finding.state_reason)
        .join(Artifact, Artifact.id == Finding.artifact_id)
        .outerjoin(Component, Component.id == Finding.component_id)
    )
    return sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[1] or "", r[2]))  # type: ignore[misc]


def issues_table(session: Session) -> list[tuple[str, str, str]]:
    """(dedupe_key, state, title) of every issue, sorted."""
    rows = session.execute(select(Issue.dedupe_key, Issue.state, Issue.title))
    return sorted((key, state, title) for key, state, title in rows)


@contextlib.contextmanager
def evaluation_client(
    settings: ServerSettings, database: Database, now: datetime = NOW
) -> Iterator[Any]:
    """A TestClient of an app with the evaluation routes (and /metrics), the upload hook, and
    a fixed clock."""
    from fastapi.testclient import TestClient

    from garrison.server.api import ROUTERS, evaluation
    from garrison.server.app import create_app
    from garrison.server.evaluate import after_upload

    app = create_app(
        settings, database=database, routers=(*ROUTERS, evaluation.router),
        after_upload=(after_upload,),  # whatever app.AFTER_UPLOAD holds: exactly this hook
    )  # fmt: skip
    app.state.server = dataclasses.replace(app.state.server, clock=lambda: now)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
