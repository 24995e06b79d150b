"""The server's commands: push sbom / deployment / advisories and gate against a real uvicorn
on 127.0.0.1, token create and audit verify on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi import APIRouter, FastAPI
from sqlalchemy import select, text

import garrison.cli as cli
from garrison.server.api import ROUTERS
from garrison.server.app import create_app
from garrison.server.auth import hash_token
from garrison.server.config import ServerSettings
from garrison.server.db.models import Artifact, Component, Token
from garrison.server.db.session import Database
from tests.conftest import REPO
from tests.server.conftest import serve_in_thread
from tests.server.helpers import DIGEST_A, PURLS_V1, cyclonedx


@pytest.fixture
def token(make_token: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> str:
    secret = make_token("uploader", "alpha", name="ci")
    monkeypatch.setenv("GARRISON_TOKEN", secret)
    return secret


def _gate_router() -> APIRouter:
    router = APIRouter()

    @router.get("/api/v1/gate")
    def gate(artifact: str) -> dict[str, object]:
        blocked = artifact == "bad"
        finding = {"id": "GHSA-xxxx", "severity": "HIGH"}
        return {"passed": not blocked, "reason": "2 blocking findings" if blocked else "ok",
                "blocking": [finding] if blocked else []}  # fmt: skip

    return router


@pytest.fixture
def server_url(settings: ServerSettings, database: Database) -> Iterator[str]:
    app: FastAPI = create_app(settings, database=database, routers=(*ROUTERS, _gate_router()))
    with serve_in_thread(app) as url:
        yield url


def test_push_sbom_file_uploads_it_as_is(
    server_url: str,
    token: str,
    tmp_path: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sbom = tmp_path / "bom.json"
    sbom.write_text(json.dumps(cyclonedx(PURLS_V1), indent=1))
    argv = ["push", "sbom", str(sbom), "--server", server_url, "--key", DIGEST_A, "--name", "shop",
            "--version", "1.0", "--created", "2026-02-03T04:05:06Z"]  # fmt: skip
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"created artifact #1 {DIGEST_A} (3 components)\n"
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"updated artifact #1 {DIGEST_A} (3 components)\n"
    with database.session_scope(write=False) as session:
        artifact = session.execute(select(Artifact)).scalar_one()
    from garrison.server.db.artifacts import decompress_sbom

    assert decompress_sbom(artifact.sbom, 10**6) == sbom.read_bytes()
    assert (artifact.version, artifact.created_at) == (
        "1.0", datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC),
    )  # fmt: skip


def test_push_sbom_of_a_directory_makes_the_sbom(
    server_url: str, token: str, tmp_path: Path, database: Database
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("requests==2.31.0\nurllib3==2.0.7\n")
    argv = ["push", "sbom", str(project), "--server", server_url, "--key", "build-42"]
    assert cli.main(argv) == 0
    with database.session_scope(write=False) as session:
        name = session.execute(select(Artifact.name)).scalar_one()
        rows = session.execute(
            select(Component.name_key, Component.version).order_by(Component.name_key)
        )
        components = [tuple(row) for row in rows]
    assert (name, components) == ("project", [("requests", "2.31.0"), ("urllib3", "2.0.7")])


def test_push_deployment_and_gate(
    server_url: str, token: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = tmp_path / "bom.json"
    sbom.write_text(json.dumps(cyclonedx(PURLS_V1)))
    assert cli.main(["push", "sbom", str(sbom), "--server", server_url, "--key", DIGEST_A]) == 0
    argv = ["push", "deployment", "--server", server_url, "--environment", "prod",
            "--cluster", "eu-1", "--workload", "shop", "--artifact", DIGEST_A]  # fmt: skip
    capsys.readouterr()
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"prod/eu-1/shop: created (runs {DIGEST_A})\n"
    on_a_host = ["push", "deployment", "--server", server_url, "--environment", "prod",
                 "--host", "db-7.internal", "--workload", "backup.service",
                 "--artifact", DIGEST_A]  # fmt: skip
    assert cli.main(on_a_host) == 0
    assert capsys.readouterr().out == (
        f"prod/db-7.internal/backup.service: created (runs {DIGEST_A})\n"
    )
    assert cli.main(["gate", DIGEST_A, "--server", server_url]) == 0
    assert capsys.readouterr().out == f"{DIGEST_A}: PASS: ok\n"
    assert cli.main(["gate", "bad", "--server", server_url]) == 1
    assert capsys.readouterr().out == "bad: BLOCKED: 2 blocking findings\n  HIGH GHSA-xxxx\n"


def test_client_errors_are_one_line_and_never_show_the_token(
    server_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sbom = tmp_path / "bom.json"
    sbom.write_text(json.dumps(cyclonedx(PURLS_V1)))
    push = ["push", "sbom", str(sbom), "--server", server_url, "--key", DIGEST_A]
    monkeypatch.delenv("GARRISON_TOKEN", raising=False)
    assert cli.main(push) == 2
    assert capsys.readouterr().err == (
        "garrison: error: the token is read from $GARRISON_TOKEN, which is not set\n"
    )
    wrong = "gar_" + "W" * 43
    monkeypatch.setenv("CI_TOKEN", wrong)
    assert cli.main([*push, "--token-env", "CI_TOKEN"]) == 2
    err = capsys.readouterr().err
    assert err == f"garrison: error: {server_url}: HTTP 401: missing or invalid bearer token\n"
    assert wrong not in err
    monkeypatch.setenv("GARRISON_TOKEN", wrong)
    no_key = ["push", "sbom", str(tmp_path), "--server", server_url]
    assert cli.main(no_key) == 2
    assert "--key is needed" in capsys.readouterr().err


def test_unreachable_server_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("GARRISON_TOKEN", "gar_" + "x" * 43)
    monkeypatch.setattr("garrison.cli.push.time.sleep", lambda _seconds: None)
    url = f"http://127.0.0.1:{port}"
    assert cli.main(["gate", "x", "--server", url]) == 2
    assert capsys.readouterr().err == (
        f"garrison: error: {url}: cannot reach the server: ConnectError\n"
    )


def _config(tmp_path: Path, settings: ServerSettings) -> Path:
    path = tmp_path / "server.yaml"
    path.write_text(yaml.safe_dump({"database_url": settings.database_url, "teams": {"alpha": {}}}))
    return path


def test_token_create_prints_the_token_once(
    tmp_path: Path, settings: ServerSettings, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, settings)
    argv = ["token", "create", "--role", "viewer", "--team", "alpha", "--config", str(config)]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    secret = captured.out.strip()
    assert captured.out == secret + "\n" and secret.startswith("gar_")
    assert secret not in captured.err
    assert (
        captured.err == "garrison: created viewer token #1 'viewer-alpha'; it is shown only now:\n"
    )
    with database.session_scope(write=False) as session:
        stored = session.execute(select(Token.token_hash)).scalar_one()
    assert stored == hash_token(secret)
    assert cli.main(["token", "create", "--role", "uploader", "--config", str(config)]) == 2
    assert capsys.readouterr().err == (
        "garrison: error: a uploader token needs a team (only admin tokens span all teams)\n"
    )


def test_audit_verify_exit_codes(
    tmp_path: Path, settings: ServerSettings, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, settings)
    assert cli.main(["token", "create", "--role", "admin", "--config", str(config)]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--config", str(config)]) == 0
    assert capsys.readouterr().out == "audit log intact: 3 entries\n"
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
    assert cli.main(["audit", "verify", "--config", str(config)]) == 1
    assert capsys.readouterr().out == (
        "audit log BROKEN at entry #2: its content does not match its hash\n"
    )


@pytest.fixture
def full_server_url(settings: ServerSettings, database: Database) -> Iterator[str]:
    with serve_in_thread(create_app(settings, database=database)) as url:
        yield url


def test_push_advisories_uploads_a_folder_and_the_demo_app_is_found(
    full_server_url: str,
    make_token: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GARRISON_TOKEN", make_token("admin", None))
    demo = REPO / "examples" / "demo-app" / "sbom.cdx.json"
    push = ["push", "sbom", str(demo), "--server", full_server_url, "--key", "demo-1"]
    assert cli.main([*push, "--team", "alpha"]) == 0
    capsys.readouterr()
    advisories = ["push", "advisories", str(REPO / "examples" / "advisories"),
                  "--server", full_server_url]  # fmt: skip
    assert cli.main(advisories) == 0
    assert capsys.readouterr().out == (
        "8 files: 8 advisories changed, 5 findings created, 5 issues opened\n"
    )
    assert cli.main(advisories) == 0
    assert capsys.readouterr().out == (
        "8 files: 0 advisories changed, 0 findings created, 0 issues opened\n"
    )
    headers = {"Authorization": f"Bearer {os.environ['GARRISON_TOKEN']}"}
    listed = httpx.get(f"{full_server_url}/api/v1/findings", headers=headers).json()["items"]
    assert sorted((f["rule_id"], f["package"], f["severity"]) for f in listed) == [
        ("GO-2022-1059", "Go:golang.org/x/text", "HIGH"),
        ("PYSEC-2021-142", "PyPI:pyyaml", "CRITICAL"),  # merged with GHSA-8q59-q68h-6hv4
        ("PYSEC-2023-192", "PyPI:urllib3", "HIGH"),
        ("PYSEC-2023-74", "PyPI:requests", "MEDIUM"),  # merged with GHSA-j8r2-6x86-q33q
        ("RUSTSEC-2022-0013", "crates.io:regex", "HIGH"),
    ]  # the same five findings as `garrison scan` of the SBOM (make demo)
    assert cli.main(["gate", "demo-1", "--server", full_server_url]) == 1


def test_push_advisories_refuses_a_path_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["push", "advisories", str(tmp_path / "none"), "--server", "http://127.0.0.1:9"]
    assert cli.main(argv) == 2
    assert (
        capsys.readouterr().err == f"garrison: error: {tmp_path / 'none'}: no such file or folder\n"
    )
    (tmp_path / "notes.txt").write_text("x")
    assert cli.main([*argv[:2], str(tmp_path), *argv[3:]]) == 2
    assert capsys.readouterr().err.startswith("garrison: error: no OSV files (.json, .yaml, .yml)")
