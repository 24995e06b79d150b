"""Tokens and the authorization matrix, on SQLite and PostgreSQL.

Decision (documented in docs/architecture.md): another team's object answers 404, exactly as
a missing one, so a team token cannot even learn what other teams have.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from garrison.errors import InputError
from garrison.server.auth import (
    PREFIX,
    authenticate,
    bearer_secret,
    create_token,
    hash_token,
    revoke_token,
)
from garrison.server.db.models import Token
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.helpers import DIGEST_A, upload

TOKEN_SHAPE = re.compile(r"^gar_[A-Za-z0-9_-]{43}$")


def test_token_is_random_shown_once_and_stored_as_its_sha256_only(database: Database) -> None:
    with database.session_scope() as session:
        first = create_token(session, name="ci", role="uploader", team="alpha")
        second = create_token(session, name="ci", role="uploader", team="alpha")
    assert TOKEN_SHAPE.match(first.secret) and first.secret != second.secret
    assert first.secret not in repr(first)
    with database.session_scope(write=False) as session:
        stored = session.execute(select(Token).where(Token.id == first.id)).scalar_one()
        dump = " ".join(str(v) for v in session.execute(text("SELECT * FROM tokens")).all())
    assert stored.token_hash == hashlib.sha256(first.secret.encode()).hexdigest()
    assert first.secret not in dump and first.secret[len(PREFIX) :] not in dump


def test_authenticate_accepts_active_tokens_only(database: Database) -> None:
    with database.session_scope() as session:
        made = create_token(session, name="viewer-a", role="viewer", team="alpha")
    with database.session_scope(write=False) as session:
        principal = authenticate(session, made.secret)
        assert authenticate(session, made.secret + "x") is None
        assert authenticate(session, "gar_" + "A" * 43) is None
        assert authenticate(session, "not-a-garrison-token") is None
        assert authenticate(session, "gar_" + "A" * 500) is None
    assert principal is not None
    assert (principal.name, principal.role, principal.team) == ("viewer-a", "viewer", "alpha")
    with database.session_scope() as session:
        assert revoke_token(session, made.id, actor="admin") is True
        assert revoke_token(session, made.id, actor="admin") is False
    with database.session_scope(write=False) as session:
        assert authenticate(session, made.secret) is None


def test_token_rules(database: Database) -> None:
    with database.session_scope() as session:
        with pytest.raises(InputError, match="a viewer token needs a team"):
            create_token(session, name="v", role="viewer", team=None)
        with pytest.raises(InputError, match="unknown team 'gamma'"):
            create_token(session, name="v", role="viewer", team="gamma")
        with pytest.raises(InputError, match="role 'root' is not one of"):
            create_token(session, name="v", role="root", team="alpha")


def test_bearer_header_parsing() -> None:
    assert bearer_secret("Bearer gar_x") == "gar_x"
    assert bearer_secret("bearer   gar_x ") == "gar_x"
    assert bearer_secret("Basic Zm9vOmJhcg==") is None
    assert bearer_secret("Bearer") is None
    assert bearer_secret(None) is None
    assert hash_token("gar_x") == hashlib.sha256(b"gar_x").hexdigest()


def _api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, concrete path) of the OpenAPI document (ids filled in with 1), and the
    document itself."""
    found = [("GET", "/api/v1/openapi.json")]
    for path, operations in app.openapi()["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        found += [(method.upper(), concrete) for method in sorted(operations)]
    return found


def test_every_route_but_healthz_needs_a_token(app: FastAPI, client: TestClient) -> None:
    routes = _api_routes(app)
    assert ("GET", "/api/v1/openapi.json") in routes and ("POST", "/api/v1/artifacts") in routes
    for method, path in routes:
        response = client.request(method, path)
        if path == "/healthz":
            assert response.status_code == 200, path
            continue
        assert response.status_code == 401, (method, path, response.text)
        assert response.json() == {"detail": "missing or invalid bearer token"}
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/no/such/path").status_code == 401  # not even 404 without a token


@pytest.mark.parametrize(
    "header",
    ["Bearer gar_" + "A" * 43, "Bearer nonsense", "Basic Zm9vOmJhcg==", "Bearer ", "gar_x"],
)
def test_bad_tokens_get_401(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/artifacts", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": "missing or invalid bearer token"}


def test_revoked_token_gets_401(
    client: TestClient, database: Database, make_token: Callable[..., str]
) -> None:
    secret = make_token("viewer", "alpha")
    assert client.get("/api/v1/artifacts", headers=auth(secret)).status_code == 200
    with database.session_scope() as session:
        token_id = session.execute(select(Token.id).where(Token.token_hash == hash_token(secret)))
        revoke_token(session, token_id.scalar_one(), actor="test")
    assert client.get("/api/v1/artifacts", headers=auth(secret)).status_code == 401


def test_viewer_cannot_upload_or_push(client: TestClient, make_token: Callable[..., str]) -> None:
    viewer = auth(make_token("viewer", "alpha"))
    response = upload(client, viewer, DIGEST_A)
    assert response.status_code == 403
    assert response.json() == {"detail": "this needs a token with role admin or uploader"}
    deployment = {"environment": "prod", "cluster": "c1", "workload": "w", "artifact": DIGEST_A}
    assert client.post("/api/v1/deployments", json=deployment, headers=viewer).status_code == 403
    assert client.get("/api/v1/artifacts", headers=viewer).json() == {"items": [], "total": 0}


def test_other_teams_objects_are_not_found(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    alpha, beta = auth(make_token("uploader", "alpha")), auth(make_token("viewer", "beta"))
    artifact_id = upload(client, alpha, DIGEST_A).json()["id"]
    push = {"environment": "prod", "cluster": "c1", "workload": "shop", "artifact": DIGEST_A}
    assert client.post("/api/v1/deployments", json=push, headers=alpha).status_code == 201
    for path in (f"/api/v1/artifacts/{artifact_id}", f"/api/v1/artifacts/{artifact_id}/sbom"):
        response = client.get(path, headers=beta)
        assert (response.status_code, response.json()) == (404, {"detail": "artifact not found"})
    assert client.get("/api/v1/artifacts", headers=beta).json() == {"items": [], "total": 0}
    assert client.get("/api/v1/deployments", headers=beta).json() == {"items": [], "total": 0}
    assert client.get(f"/api/v1/artifacts/{artifact_id}", headers=alpha).status_code == 200
    beta_uploader = auth(make_token("uploader", "beta"))
    denied = client.post("/api/v1/deployments", json=push, headers=beta_uploader)
    assert (denied.status_code, denied.json()) == (404, {"detail": "artifact not found"})


def test_team_token_cannot_upload_for_another_team_or_take_its_key(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    alpha, beta = auth(make_token("uploader", "alpha")), auth(make_token("uploader", "beta"))
    response = upload(client, alpha, DIGEST_A, team="beta")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "this token uploads for team 'alpha' only"},
    )
    assert upload(client, alpha, DIGEST_A).status_code == 201
    taken = upload(client, beta, DIGEST_A)
    assert taken.status_code == 409
    assert taken.json() == {"detail": "this artifact key belongs to a team this token cannot write"}


def test_admin_endpoints_need_a_global_admin(
    client: TestClient, make_token: Callable[..., str], admin_headers: dict[str, str]
) -> None:
    team_admin = auth(make_token("admin", "alpha"))
    uploader = auth(make_token("uploader", "alpha"))
    for headers in (team_admin, uploader):
        assert client.get("/api/v1/tokens", headers=headers).status_code == 403
        assert client.get("/api/v1/audit", headers=headers).status_code == 403
        body = {"name": "x", "role": "viewer", "team": "alpha"}
        assert client.post("/api/v1/tokens", json=body, headers=headers).status_code == 403
    made = client.post(
        "/api/v1/tokens", json={"name": "ci-beta", "role": "uploader", "team": "beta"},
        headers=admin_headers,
    )  # fmt: skip
    assert made.status_code == 201
    secret = made.json()["token"]
    assert TOKEN_SHAPE.match(secret)
    listed = client.get("/api/v1/tokens", headers=admin_headers).json()
    assert secret not in str(listed) and "ci-beta" in [t["name"] for t in listed]
    assert client.get("/api/v1/teams", headers=auth(secret)).json() == [{"id": 2, "name": "beta"}]
    revoked = client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=admin_headers)
    assert revoked.status_code == 204
    assert client.get("/api/v1/teams", headers=auth(secret)).status_code == 401
