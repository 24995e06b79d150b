"""Fuzz the whole API from its own OpenAPI document (schemathesis): no request gets a 5xx.

Every operation of /api/v1/openapi.json gets generated requests with an admin token, through
the ASGI transport, on SQLite and PostgreSQL: valid ones and invalid ones (wrong types,
missing fields, bad parameters). Every answer must be one the document lists for the
operation, with the documented media type and body schema, errors included
(`{"detail": ...}`, ErrorOut). Generation is derandomized (the same examples every run) and
bounded per operation: deterministic and quick. The OSV source is an empty mirror on
127.0.0.1, so a sync works offline (a failed download is an honest 502, not a defect). A
failure lists each operation with its first bad case.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from garrison.server.app import create_app, prepare_database
from garrison.server.auth import create_token
from garrison.server.config import ServerSettings, TeamSettings
from tests.server.conftest import TEAMS, auth
from tests.support.httpserver import serve

MAX_EXAMPLES = 40  # per operation; keeps the whole test well under a minute on SQLite
OPENAPI_PATH = "/api/v1/openapi.json"
DOCUMENT_CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass(frozen=True, slots=True)
class Fuzzed:
    """The schema loaded from the app, and the admin headers every case is sent with."""

    schema: Any
    headers: dict[str, str]


def _empty_osv_mirror(root: Path) -> Path:
    (root / "PyPI").mkdir(parents=True)
    with zipfile.ZipFile(root / "PyPI" / "all.zip", "w"):
        pass
    return root


@pytest.fixture
def osv_url(tmp_path: Path) -> Iterator[str]:
    with serve(_empty_osv_mirror(tmp_path / "osv")) as (url, _state):
        yield url


@pytest.fixture
def fuzzed(tmp_path: Path, osv_url: str, database_url: str) -> Iterator[Fuzzed]:
    server_settings = ServerSettings(
        database_url=database_url,
        advisory_db=tmp_path / "vulndb.sqlite3",
        osv_base_url=osv_url,
        osv_ecosystems=("PyPI",),
        teams={name: TeamSettings() for name in TEAMS},
        background=False,
    )
    database = prepare_database(server_settings)
    try:
        with database.session_scope() as session:
            secret = create_token(session, name="fuzz-admin", role="admin", team=None).secret
        app = create_app(server_settings, database=database)
        headers = auth(secret)
        schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, app, headers=dict(headers))
        yield Fuzzed(schema, headers)
    finally:
        database.dispose()


def _describe(operation: Any, case: Any, response: Any, why: str) -> str:
    return (
        f"{operation.label} [{why}] -> {response.status_code}: query={case.query!r} "
        f"path={case.path_parameters!r} body={case.body!r:.300} response={response.text[:300]!r}"
    )


def _problem(case: Any, response: Any) -> str | None:
    """Why this answer is wrong: a 5xx, a status the document does not list for the
    operation, or a body (success or error) off its documented schema and media type."""
    if response.status_code >= 500:
        return "server error"
    try:
        case.validate_response(response, checks=DOCUMENT_CHECKS)
    except FailureGroup as error:
        return f"off the document: {str(error)[:300]}"
    return None


def first_failure(operation: Any, headers: dict[str, str], mode: GenerationMode) -> str | None:
    """Run the operation's bounded, derandomized examples; the first bad answer, described."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if found:
            return
        response = case.call(headers=dict(headers))  # schemathesis adds to the dict it gets
        if (why := _problem(case, response)) is not None:
            found.append(_describe(operation, case, response, why))

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (e.g. no parameters, no body)
        assert mode is GenerationMode.NEGATIVE, operation.label
    return found[0] if found else None


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_no_operation_answers_a_server_error(fuzzed: Fuzzed, mode: GenerationMode) -> None:
    operations = [result.ok() for result in fuzzed.schema.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert "POST /api/v1/artifacts" in labels  # the document really describes the API
    assert "GET /api/v1/gate" in labels
    failures = [
        failure
        for operation in operations
        if (failure := first_failure(operation, fuzzed.headers, mode)) is not None
    ]
    assert failures == []


@pytest.mark.parametrize(
    ("status", "reported"),
    [(500, "GET /x [server error] -> 500"), (418, "GET /x [off the document")],
    ids=["server-error", "undocumented-status"],
)
def test_the_harness_reports_bad_answers(status: int, reported: str) -> None:
    """A route that crashes, or answers a status its document does not list, is reported:
    a clean run above means something, errors included."""
    broken = FastAPI()

    @broken.get("/x")
    def answer(n: int) -> JSONResponse:
        return JSONResponse({"detail": f"answered {status} to {n}"}, status_code=status)

    schema: Any = schemathesis.openapi.from_asgi("/openapi.json", broken)
    [operation] = [result.ok() for result in schema.get_all_operations()]
    failure = first_failure(operation, {}, GenerationMode.POSITIVE)
    assert failure is not None
    assert failure.startswith(reported)
