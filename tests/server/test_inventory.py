"""The inventory API: uploads (validation, idempotence, components), deployments, lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from garrison.server.config import ServerSettings
from garrison.server.db.models import Artifact, Component
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.helpers import (
    DIGEST_A,
    DIGEST_B,
    PURLS_V1,
    PURLS_V2,
    artifact_body,
    cyclonedx,
    sbom_bytes,
    upload,
)

Headers = dict[str, str]


@pytest.fixture
def ci(make_token: Callable[..., str]) -> Headers:
    return auth(make_token("uploader", "alpha", name="ci-alpha"))


def _components(database: Database, key: str) -> list[tuple[Any, ...]]:
    with database.session_scope(write=False) as session:
        rows = session.execute(
            select(Component.id, Component.ecosystem, Component.release, Component.name_key,
                   Component.name, Component.version)
            .join(Artifact, Artifact.id == Component.artifact_id)
            .where(Artifact.key == key)
            .order_by(Component.ecosystem, Component.name_key, Component.name)
        )  # fmt: skip
        return [tuple(row) for row in rows]


def _count(database: Database, model: type[Any]) -> int:
    with database.session_scope(write=False) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_upload_indexes_components_by_normalised_name(
    client: TestClient, ci: Headers, database: Database
) -> None:
    response = upload(
        client, ci, DIGEST_A, PURLS_V2, name="shop", version="1.4.0",
        source_repo="https://git.example/shop", source_commit="0" * 40,
        created_at="2026-01-02T03:04:05+02:00", base_name="debian:12", base_digest=DIGEST_B,
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    shown = ("key", "name", "version", "team", "uploaded_by", "components")
    assert {k: body[k] for k in shown} == {
        "key": DIGEST_A, "name": "shop", "version": "1.4.0", "team": "alpha",
        "uploaded_by": "ci-alpha", "components": 3,
    }  # fmt: skip
    assert (body["created"], body["added"], body["removed"]) == (True, 3, 0)
    assert body["created_at"] == "2026-01-02T01:04:05Z"
    rows = [row[1:] for row in _components(database, DIGEST_A)]
    assert rows == [
        ("Debian", "12", "openssl", "openssl", "3.0.11-1"),
        ("PyPI", None, "flask-login", "Flask_Login", "0.6.3"),
        ("PyPI", None, "requests", "requests", "2.32.3"),
    ]


def test_reupload_of_a_key_updates_in_place(
    client: TestClient, ci: Headers, database: Database
) -> None:
    first = upload(client, ci, DIGEST_A, PURLS_V1, version="1")
    before = {row[3]: row[0] for row in _components(database, DIGEST_A)}
    again = upload(client, ci, DIGEST_A, PURLS_V1, version="1")
    assert (again.status_code, again.json()["added"], again.json()["removed"]) == (200, 0, 0)
    second = upload(client, ci, DIGEST_A, PURLS_V2, version="2")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert (second.json()["version"], second.json()["added"], second.json()["removed"]) == (
        "2",
        2,
        2,
    )
    after = {row[3]: row for row in _components(database, DIGEST_A)}
    assert sorted(after) == ["flask-login", "openssl", "requests"]
    assert after["flask-login"][0] == before["flask-login"]  # unchanged: same row, same id
    assert after["requests"][5] == "2.32.3"
    assert (_count(database, Artifact), _count(database, Component)) == (1, 3)


def test_duplicate_components_in_one_sbom_are_stored_once(
    client: TestClient, ci: Headers, database: Database
) -> None:
    purls = ("pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21", "pkg:npm/Lodash@4.17.21")
    assert upload(client, ci, DIGEST_A, purls).json()["components"] == 2
    assert [row[3:] for row in _components(database, DIGEST_A)] == [
        ("lodash", "Lodash", "4.17.21"), ("lodash", "lodash", "4.17.21"),
    ]  # fmt: skip


def test_multipart_upload_keeps_the_sbom_bytes(client: TestClient, ci: Headers) -> None:
    data = json.dumps(cyclonedx(PURLS_V1), indent=2).encode()
    metadata = json.dumps({"key": DIGEST_A, "name": "shop"})
    response = client.post(
        "/api/v1/artifacts", data={"metadata": metadata},
        files={"sbom": ("bom.json", data, "application/json")}, headers=ci,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    sbom = client.get(f"/api/v1/artifacts/{response.json()['id']}/sbom", headers=ci)
    assert sbom.content == data
    assert sbom.headers["content-type"] == "application/vnd.cyclonedx+json"


def _spdx() -> dict[str, Any]:
    return {
        "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
        "dataLicense": "CC0-1.0", "documentNamespace": "https://example.com/x",
        "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: t"]},
        "packages": [],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("sbom", "detail"),
    [
        (_spdx(), "the SBOM must be CycloneDX JSON (this is spdx)"),
        ({"hello": "world"}, "sbom: not a CycloneDX or SPDX JSON document"),
        (
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": "many"},
            "sbom: 'components' is not a JSON array",
        ),
        (
            {"bomFormat": "CycloneDX", "specVersion": "1.6",
             "components": [{"type": "library", "name": "a\u0000b", "purl": "pkg:npm/a%00b@1"}]},
            "sbom: component 'a\\x00b': name contains a NUL character",
        ),
    ],
)  # fmt: skip
def test_unreadable_sboms_get_422_with_the_reason(
    client: TestClient, ci: Headers, sbom: dict[str, Any], detail: str, database: Database
) -> None:
    body = {"key": DIGEST_A, "name": "shop", "sbom": sbom}
    response = client.post("/api/v1/artifacts", json=body, headers=ci)
    assert (response.status_code, response.json()) == (422, {"detail": detail})
    assert _count(database, Artifact) == 0


def test_xml_sbom_in_multipart_gets_422(client: TestClient, ci: Headers) -> None:
    response = client.post(
        "/api/v1/artifacts", data={"metadata": json.dumps({"key": DIGEST_A, "name": "x"})},
        files={"sbom": ("bom.xml", b"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'/>")},
        headers=ci,
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json() == {"detail": "the SBOM must be CycloneDX JSON (this looks like XML)"}


def test_lone_surrogates_in_a_multipart_sbom_get_422(client: TestClient, ci: Headers) -> None:
    document = json.dumps(cyclonedx(["pkg:npm/left-pad@1.0.0"])).replace("left-pad", "\\ud800")
    response = client.post(
        "/api/v1/artifacts", data={"metadata": json.dumps({"key": DIGEST_A, "name": "x"})},
        files={"sbom": ("bom.json", document.encode())}, headers=ci,
    )  # fmt: skip
    assert (response.status_code, response.json()) == (
        422, {"detail": "sbom: component '\\ud800': name is not valid Unicode (a lone surrogate)"},
    )  # fmt: skip


def test_malformed_bodies_get_400_or_422_naming_the_problem(
    client: TestClient, ci: Headers
) -> None:
    headers = {**ci, "Content-Type": "application/json"}
    broken = client.post("/api/v1/artifacts", content=b'{"key": "x", ', headers=headers)
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("the request body is not valid JSON: ")
    missing = client.post("/api/v1/artifacts", json={"key": DIGEST_A}, headers=ci)
    assert missing.status_code == 422
    assert [(e["loc"], e["type"]) for e in missing.json()["detail"]] == [
        (["name"], "missing"), (["sbom"], "missing"),
    ]  # fmt: skip
    control = client.post("/api/v1/artifacts", json=artifact_body("a\nb"), headers=ci)
    assert [e["loc"] for e in control.json()["detail"]] == [["key"]]
    naive = client.post(
        "/api/v1/artifacts", json=artifact_body(DIGEST_A, created_at="2026-01-01T00:00:00"),
        headers=ci,
    )  # fmt: skip
    assert [(e["loc"], e["type"]) for e in naive.json()["detail"]] == [
        (["created_at"], "timezone_aware")
    ]
    other = client.post(
        "/api/v1/artifacts", content=b"key=x", headers={**ci, "Content-Type": "text/plain"}
    )
    assert (other.status_code, other.json()) == (
        415, {"detail": "send application/json or multipart/form-data"},
    )  # fmt: skip


def test_validation_errors_do_not_echo_the_input(client: TestClient, ci: Headers) -> None:
    marker = "echo-me-" * 10
    response = client.post("/api/v1/artifacts", json={"key": 5, "name": marker}, headers=ci)
    assert response.status_code == 422
    assert marker not in response.text


def test_oversized_uploads_get_413(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    from garrison.server.app import create_app

    small = settings.model_copy(update={"max_upload_bytes": 4096})
    headers = auth(make_token("uploader", "alpha"))
    purls = [f"pkg:npm/package-number-{i}@1.0.{i}" for i in range(200)]
    with TestClient(create_app(small, database=database)) as client:
        response = client.post(
            "/api/v1/artifacts", json=artifact_body(DIGEST_A, purls), headers=headers
        )
        assert response.status_code == 413
        assert response.json() == {
            "detail": "the request body is larger than the limit of 4096 bytes"
        }

        def chunks() -> Any:  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b" " * 1000

        streamed = client.post(
            "/api/v1/artifacts",
            content=chunks(),
            headers={**headers, "Content-Type": "application/json"},
        )
        assert streamed.status_code == 413
        assert upload(client, headers, DIGEST_A).status_code == 201


def test_unknown_team_for_admin_upload(client: TestClient, admin_headers: Headers) -> None:
    response = upload(client, admin_headers, DIGEST_A, team="gamma")
    assert (response.status_code, response.json()) == (422, {"detail": "unknown team 'gamma'"})
    assert upload(client, admin_headers, DIGEST_A, team="beta").json()["team"] == "beta"


def test_deployments_replace_refresh_and_restart(
    client: TestClient, ci: Headers, database: Database
) -> None:
    upload(client, ci, DIGEST_A, version="1")
    upload(client, ci, DIGEST_B, version="2")
    push = {"environment": "prod", "cluster": "eu-1", "workload": "shop", "artifact": DIGEST_A,
            "deployed_at": "2026-03-01T10:00:00Z"}  # fmt: skip
    created = client.post("/api/v1/deployments", json=push, headers=ci)
    assert (created.status_code, created.json()["change"]) == (201, "created")
    assert created.json()["deployed_at"] == "2026-03-01T10:00:00Z"
    refreshed = client.post("/api/v1/deployments", json={**push, "deployed_at": None}, headers=ci)
    assert (refreshed.status_code, refreshed.json()["change"]) == (200, "refreshed")
    assert refreshed.json()["deployed_at"] == "2026-03-01T10:00:00Z"
    restart = {**push, "restarted_at": "2026-03-05T00:00:00Z"}
    assert (
        client.post("/api/v1/deployments", json=restart, headers=ci).json()["change"] == "restarted"
    )
    replaced = client.post("/api/v1/deployments", json={**push, "artifact": DIGEST_B}, headers=ci)
    body = replaced.json()
    assert (body["change"], body["artifact"], body["artifact_version"], body["restarted_at"]) == (
        "replaced", DIGEST_B, "2", None,
    )  # fmt: skip
    listed = client.get("/api/v1/deployments", headers=ci).json()
    assert listed["total"] == 1
    assert [(d["workload"], d["artifact"], d["team"]) for d in listed["items"]] == [
        ("shop", DIGEST_B, "alpha")
    ]
    unknown = client.post("/api/v1/deployments", json={**push, "artifact": "sha256:00"}, headers=ci)
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "artifact not found"})


def test_lists_filter_and_page(client: TestClient, ci: Headers, admin_headers: Headers) -> None:
    for index in range(5):
        upload(client, ci, f"build-{index}", name="api" if index % 2 else "web")
    upload(client, admin_headers, "build-beta", team="beta", name="api")
    page = client.get("/api/v1/artifacts?name=api&limit=1&offset=1", headers=ci).json()
    assert page["total"] == 2 and [a["key"] for a in page["items"]] == ["build-1"]
    everything = client.get("/api/v1/artifacts?name=api", headers=admin_headers).json()
    assert sorted(a["key"] for a in everything["items"]) == ["build-1", "build-3", "build-beta"]
    by_key = client.get("/api/v1/artifacts", params={"key": "build-2"}, headers=ci).json()
    assert [a["name"] for a in by_key["items"]] == ["web"]
    assert client.get("/api/v1/artifacts?limit=0", headers=ci).status_code == 422
    assert client.get("/api/v1/artifacts/99999999999", headers=ci).status_code == 422
    assert client.get("/api/v1/artifacts/2147483647", headers=ci).status_code == 404


def test_sbom_bytes_helper_is_cyclonedx() -> None:
    assert json.loads(sbom_bytes(PURLS_V1))["bomFormat"] == "CycloneDX"
