"""The error model: the OpenAPI document lists `ErrorOut` under every error status an
operation answers (not FastAPI's unused list-of-errors model), and the app's real answers —
from the middleware, the routes and validation — are all that model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from garrison.server.api.errors import ErrorOut, document_errors
from garrison.server.config import ServerSettings
from tests.server.conftest import auth

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def _error_statuses(operation: dict[str, Any]) -> list[str]:
    return sorted(
        status
        for status, answer in operation["responses"].items()
        if answer.get("content", {}).get("application/json", {}).get("schema") == ERROR_REF
    )


def test_the_document_lists_the_error_model_per_operation(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    document = client.get("/api/v1/openapi.json", headers=auth(make_token("viewer", "alpha")))
    body = document.json()
    paths = body["paths"]
    assert "HTTPValidationError" not in body["components"]["schemas"]
    assert "ValidationError" not in body["components"]["schemas"]
    assert body["components"]["schemas"]["Problem"]["required"] == ["loc", "msg", "type"]
    assert _error_statuses(paths["/healthz"]["get"]) == ["500", "503"]
    assert _error_statuses(paths["/api/v1/tokens"]["get"]) == ["401", "403", "422", "500", "503"]
    assert _error_statuses(paths["/api/v1/findings"]["get"]) == [
        "401", "403", "404", "422", "500", "503",
    ]  # fmt: skip
    assert _error_statuses(paths["/api/v1/artifacts"]["post"]) == [
        "400", "401", "403", "404", "409", "413", "415", "422", "500", "503",
    ]  # fmt: skip
    assert "502" in _error_statuses(paths["/api/v1/advisories/sync"]["post"])
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "401" in _error_statuses(operation) or path == "/healthz", (method, path)


def test_documenting_twice_changes_nothing() -> None:
    document: dict[str, Any] = {"paths": {"/api/v1/x": {"get": {"responses": {"200": {}}}}}}
    once = document_errors(document)
    snapshot = repr(once)
    assert repr(document_errors(once)) == snapshot
    assert sorted(once["paths"]["/api/v1/x"]["get"]["responses"]) == [
        "200", "401", "403", "422", "500", "503",
    ]  # fmt: skip


def test_every_kind_of_error_answer_is_the_documented_model(
    settings: ServerSettings,
    client: TestClient,
    make_token: Callable[..., str],
    admin_headers: dict[str, str],
) -> None:
    oversized = b"x" * (settings.max_upload_bytes + 1)
    viewer = auth(make_token("viewer", "alpha"))
    answers = {
        "no token": client.get("/api/v1/artifacts"),
        "wrong role": client.post("/api/v1/deployments", json={}, headers=viewer),
        "validation": client.get("/api/v1/artifacts?limit=-1", headers=viewer),
        "not found": client.get("/api/v1/artifacts/999999", headers=viewer),
        "bad json": client.post(
            "/api/v1/artifacts",
            content=b"{",
            headers={**admin_headers, "content-type": "application/json"},
        ),
        "media type": client.post(
            "/api/v1/artifacts",
            content=b"x",
            headers={**admin_headers, "content-type": "text/plain"},
        ),
        "too large": client.post("/api/v1/artifacts", content=oversized, headers=admin_headers),
    }
    statuses = {why: answer.status_code for why, answer in answers.items()}
    assert statuses == {
        "no token": 401, "wrong role": 403, "validation": 422, "not found": 404,
        "bad json": 400, "media type": 415, "too large": 413,
    }  # fmt: skip
    for why, answer in answers.items():
        error = ErrorOut.model_validate(answer.json())
        assert error.detail, why
    problems = ErrorOut.model_validate(answers["validation"].json()).detail
    assert isinstance(problems, list) and problems[0].loc == ["query", "limit"]
