"""Registry watching against a REAL docker-registry: new images are inventoried once."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from garrison.server.api.deps import ServerContext
from garrison.server.app import create_app, prepare_database
from garrison.server.config import RegistrySettings, ServerSettings
from garrison.server.db.artifacts import decompress_sbom
from garrison.server.db.models import Artifact, AuditEntry, Component, Finding, Registry, Team
from garrison.server.db.session import Database
from garrison.server.registries import poll_registries
from garrison.server.sync import upload_advisories
from tests.server.conftest import auth
from tests.support.oci_builder import ImageSpec, LayerSpec, file
from tests.support.registry import RealRegistry, make_index, push, pushable, run_registry
from tests.vulndb.helpers import entry

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DEBIAN_12 = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'
STATUS = """\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.9-1

Package: zlib1g
Status: install ok installed
Architecture: amd64
Version: 1:1.2.13.dfsg-1
"""
BASE = {
    "org.opencontainers.image.base.name": "docker.io/library/debian:12",
    "org.opencontainers.image.base.digest": "sha256:" + "b" * 64,
}
IMAGE = pushable(
    ImageSpec(
        [LayerSpec([file("etc/os-release", DEBIAN_12), file("var/lib/dpkg/status", STATUS)])],
        created="2026-11-01T10:00:00Z",
        annotations=BASE,
    )
)
PURL = "pkg:deb/debian/{}?arch=amd64&distro=debian-12"
EXPECTED_COMPONENTS = [
    ("Debian", "libssl3", "3.0.9-1", "12", PURL.format("libssl3@3.0.9-1") + "&upstream=openssl"),
    ("Debian", "zlib1g", "1:1.2.13.dfsg-1", "12", PURL.format("zlib1g@1:1.2.13.dfsg-1")),
]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRegistry]:
    with run_registry(tmp_path_factory.mktemp("watched")) as running:
        yield running


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def watching(settings: ServerSettings, *registries: RegistrySettings) -> Iterator[ServerContext]:
    watched = settings.model_copy(update={"registries": registries})
    database: Database = prepare_database(watched)
    try:
        yield ServerContext(watched, database, clock=lambda: NOW)
    finally:
        database.dispose()


def artifacts(context: ServerContext) -> list[tuple[str, str, str | None, str | None]]:
    with context.database.session_scope() as session:
        rows = session.execute(
            select(Artifact.key, Artifact.name, Artifact.version, Team.name)
            .outerjoin(Team, Team.id == Artifact.team_id)
            .order_by(Artifact.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def components(context: ServerContext) -> list[tuple[str, str, str, str | None, str | None]]:
    with context.database.session_scope() as session:
        rows = session.execute(
            select(
                Component.ecosystem, Component.name, Component.version,
                Component.release, Component.purl,
            ).order_by(Component.name)
        )  # fmt: skip
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_new_image_is_inventoried_once(
    registry: RealRegistry, settings: ServerSettings, tmp_path: Path
) -> None:
    repo = f"apps/{tmp_path.name.lower()}"
    push(registry, repo, "1.0", IMAGE)
    url = f"{registry.host}/{repo}"
    with watching(settings, RegistrySettings(url=url, insecure=True, team="alpha")) as context:
        first = poll_registries(context)
        assert (first.polled, first.added, first.skipped, first.warnings) == (
            1, (IMAGE.digest,), 0, ()
        )  # fmt: skip
        assert artifacts(context) == [(IMAGE.digest, f"{registry.host}/{repo}", "1.0", "alpha")]
        assert components(context) == EXPECTED_COMPONENTS
        with context.database.session_scope() as session:
            stored = session.execute(select(Artifact)).scalar_one()
            assert stored.created_at is not None
            assert stored.created_at.replace(tzinfo=UTC) == datetime(2026, 11, 1, 10, tzinfo=UTC)
            assert (stored.base_name, stored.base_digest) == (
                BASE["org.opencontainers.image.base.name"],
                BASE["org.opencontainers.image.base.digest"],
            )
            assert stored.uploaded_by == "registry-watch"
            assert json.loads(decompress_sbom(stored.sbom, 1 << 20))["bomFormat"] == "CycloneDX"
            actions = session.execute(select(AuditEntry.actor, AuditEntry.action)).all()
            assert ("registry-watch", "artifact.created") in actions
            polled = session.execute(select(Registry.url, Registry.last_polled_at)).one()
            assert polled[0] == url and polled[1] is not None

        with context.database.session_scope() as session:
            keys = session.execute(
                select(Component.name, Component.name_key, Component.source_package)
                .order_by(Component.name)
            ).all()  # fmt: skip
        assert [tuple(row) for row in keys] == [
            ("libssl3", "openssl", "openssl"), ("zlib1g", "zlib1g", None),
        ]  # fmt: skip
        _a_source_package_advisory_finds_the_binary_package(context)

        again = poll_registries(context)
        assert (again.polled, again.added, again.skipped, again.warnings) == (1, (), 1, ())

        push(registry, repo, "latest", IMAGE)  # a second tag of the same digest
        third = poll_registries(context)
        assert (third.added, third.skipped, third.warnings) == ((), 2, ())
        assert len(artifacts(context)) == 1


def _a_source_package_advisory_finds_the_binary_package(context: ServerContext) -> None:
    """The watched image is matched like an uploaded one: a Debian advisory names the source
    package (openssl), the image lists the binary one (libssl3)."""
    events = [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u1"}]
    document = entry("DSA-5532-1", ecosystem="Debian:12", name="openssl", events=events)
    upload_advisories(context, [("DSA-5532-1.json", json.dumps(document).encode())], actor="t")
    with context.database.session_scope() as session:
        found = session.execute(
            select(Component.name, Finding.rule_id, Finding.fixed_versions)
            .join(Component, Component.id == Finding.component_id)
        ).all()  # fmt: skip
    assert [tuple(row) for row in found] == [("libssl3", "DSA-5532-1", ["3.0.11-1~deb12u1"])]


def test_the_repository_glob_and_an_index(
    registry: RealRegistry, settings: ServerSettings, tmp_path: Path
) -> None:
    prefix = f"glob/{tmp_path.name.lower()}"
    index = make_index([IMAGE], [{"os": "linux", "architecture": "amd64"}])
    push(registry, f"{prefix}/kept", "1", index)
    push(registry, f"{prefix}/ignored", "1", IMAGE)
    watched = RegistrySettings(url=registry.host, repository=f"{prefix}/k*", insecure=True)
    with watching(settings, watched) as context:
        first = poll_registries(context)
        assert (first.added, first.warnings) == ((IMAGE.digest,), ())  # the platform image
        assert artifacts(context) == [(IMAGE.digest, f"{registry.host}/{prefix}/kept", "1", None)]
        again = poll_registries(context)  # the index resolves to a stored image: skipped
        assert (again.added, again.skipped, again.warnings) == ((), 1, ())
        assert len(artifacts(context)) == 1


def test_a_registry_that_is_down_is_a_warning(
    registry: RealRegistry,
    settings: ServerSettings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    repo = f"up/{tmp_path.name.lower()}"
    push(registry, repo, "1.0", IMAGE)
    down = RegistrySettings(url=f"127.0.0.1:{_free_port()}", insecure=True)
    up = RegistrySettings(url=f"{registry.host}/{repo}", insecure=True)
    with watching(settings, down, up) as context:
        report = poll_registries(context)
        assert (report.polled, report.added) == (1, (IMAGE.digest,))
        assert len(report.warnings) == 1
        assert report.warnings[0].startswith(f"{down.url}: cannot reach {down.url} for the catalog")
        with context.database.session_scope() as session:
            polled = dict(session.execute(select(Registry.url, Registry.last_polled_at)).all())
        assert polled[down.url] is None and polled[up.url] is not None
        assert [r.getMessage() for r in caplog.records if r.name == "garrison.server"] == [
            f"registry-watch: {report.warnings[0]}"
        ]


def test_an_image_that_cannot_be_ingested_is_a_warning(
    registry: RealRegistry, settings: ServerSettings, tmp_path: Path
) -> None:
    repo = f"noteam/{tmp_path.name.lower()}"
    push(registry, repo, "1.0", IMAGE)
    watched = RegistrySettings(url=f"{registry.host}/{repo}", insecure=True, team="nosuch")
    with watching(settings, watched) as context:
        report = poll_registries(context)
        assert (report.polled, report.added, report.skipped) == (1, (), 0)
        assert report.warnings == (f"{registry.host}/{repo}:1.0: unknown team 'nosuch'",)
        assert artifacts(context) == []


def test_a_poll_on_demand_through_the_api(
    registry: RealRegistry,
    settings: ServerSettings,
    database: Database,
    make_token: Callable[..., str],
    tmp_path: Path,
) -> None:
    repo = f"ondemand/{tmp_path.name.lower()}"
    push(registry, repo, "2.0", IMAGE)
    url = f"{registry.host}/{repo}"
    watched = settings.model_copy(
        update={"registries": (RegistrySettings(url=url, insecure=True, team="alpha"),)}
    )
    app = create_app(watched, database=database)
    with TestClient(app) as client:
        viewer, ci = auth(make_token("viewer", "alpha")), auth(make_token("uploader", "alpha"))
        assert client.post("/api/v1/registries/poll", headers=viewer).status_code == 403
        answer = client.post("/api/v1/registries/poll", headers=ci)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "polled": 1, "added": [IMAGE.digest], "skipped": 0, "golden_changed": [],
            "warnings": [],
        }  # fmt: skip
        again = client.post("/api/v1/registries/poll", headers=ci).json()
        assert (again["added"], again["skipped"]) == ([], 1)
        listed = client.get("/api/v1/registries", headers=viewer).json()
        artifacts_seen = client.get("/api/v1/artifacts", headers=viewer).json()["items"]
    assert [(r["url"], r["repository"], r["last_polled_at"] is not None) for r in listed] == [
        (url, "*", True)
    ]
    assert [(a["key"], a["team"]) for a in artifacts_seen] == [(IMAGE.digest, "alpha")]
