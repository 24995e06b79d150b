"""The one body every non-2xx answer of the API has, and the OpenAPI document that says so.

Every error is JSON `{"detail": ...}`: one line of text, or (for a request that fails
validation) a list of problems naming where (`loc`) and what (`msg`, `type`) without echoing
the input. FastAPI would document only its own 422 model; `document_errors` replaces that with
`ErrorOut` under every status an operation can answer, so clients and fuzzers see the truth.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Problem(BaseModel):
    """One reason a request failed validation."""

    model_config = ConfigDict(extra="forbid")

    loc: list[str | int]
    msg: str
    type: str | None


class ErrorOut(BaseModel):
    """Every 4xx and 5xx answer."""

    model_config = ConfigDict(extra="forbid")

    detail: str | list[Problem]


EVERY_OPERATION = {
    "401": "no bearer token, or one that is unknown, revoked or expired",
    "403": "the token's role or team does not allow this",
    "422": "the request is well-formed but invalid; `detail` names the field or the reason",
    "500": "an unexpected error (logged on the server; no detail is given)",
    "503": "the database is unavailable; try again",
}
WITH_PARAMETERS = {"404": "no such object, or one the token's team cannot see"}
WITH_BODY = {
    "400": "the body is not valid JSON, or its Content-Length is malformed",
    "409": "the request conflicts with the stored state",
    "413": "the body is larger than the server's max_upload_bytes",
    "415": "the body's media type is not one this operation takes",
}
EXTRA = {("post", "/api/v1/advisories/sync"): {"502": "the advisory download failed"}}
OPEN_PATHS = frozenset({"/healthz"})


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with `ErrorOut` under every error status each operation answers,
    in place of FastAPI's unused validation-error models."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    full = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(full.pop("$defs", {}))
    schemas["ErrorOut"] = full
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, why in _statuses(path, method, operation).items():
                responses[status] = {
                    "description": why,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                    },
                }
    return document


def _statuses(path: str, method: str, operation: dict[str, Any]) -> dict[str, str]:
    if path in OPEN_PATHS:
        return {"503": EVERY_OPERATION["503"], "500": EVERY_OPERATION["500"]}
    statuses = dict(EVERY_OPERATION)
    if operation.get("parameters") or "requestBody" in operation:
        statuses.update(WITH_PARAMETERS)
    if method in {"post", "put", "patch", "delete"}:
        statuses.update(WITH_BODY)
    statuses.update(EXTRA.get((method, path), {}))
    return statuses
