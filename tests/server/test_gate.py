"""The build gate: judged now with the team's policy, base images included, fail closed; and
the `garrison gate` client's exit codes (both DBs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from garrison import cli
from garrison.errors import GarrisonError
from garrison.server import sync
from garrison.server.config import ServerSettings, TeamSettings
from garrison.server.db.models import GoldenImageRow
from garrison.server.db.session import Database
from garrison.server.gate_client import render_answer
from tests.server.conftest import auth, serve_in_thread
from tests.server.evaluation_helpers import (
    DAY,
    NOW,
    add_artifact,
    context,
    evaluation_client,
    osv,
)

HIGH = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]
GOLDEN = "debian:12-slim"


def _settings(settings: ServerSettings, policy: Path | None = None) -> ServerSettings:
    teams = {"alpha": TeamSettings(policy=policy), "beta": TeamSettings()}
    return settings.model_copy(update={"teams": teams})


@pytest.fixture
def inventory(settings: ServerSettings, database: Database) -> None:
    with database.session_scope() as session:
        add_artifact(session, "sha256:base", "debian", [("PyPI", "PyYAML", "5.3")], team=None)
        add_artifact(
            session, "sha256:app", "shop", [("PyPI", "rich", "13.0")], base=(GOLDEN, "sha256:base")
        )
        add_artifact(session, "sha256:vuln", "cart", [("PyPI", "PyYAML", "5.3")])
        add_artifact(
            session, "sha256:lone", "lone", [("PyPI", "rich", "13.0")], base=(GOLDEN, "sha256:gone")
        )
    sync.upload_advisories(
        context(settings, database),
        [osv("GHSA-y1", "PyYAML", "5.4", severity=HIGH, aliases=["CVE-2024-1"])],
        actor="t",
    )


@pytest.fixture
def client(settings: ServerSettings, database: Database) -> Iterator[Any]:
    with evaluation_client(_settings(settings), database) as test_client:
        yield test_client


BLOCKING_Y1 = {
    "kind": "vulnerability", "id": "GHSA-y1", "severity": "HIGH",
    "summary": "summary of GHSA-y1", "aliases": ["CVE-2024-1"], "package": "PyPI:PyYAML",
    "version": "5.3", "fixed_versions": ["5.4"],
}  # fmt: skip


def test_a_vulnerable_artifact_is_blocked(
    client: Any, inventory: None, make_token: Callable[..., str]
) -> None:
    answer = client.get(
        "/api/v1/gate",
        params={"artifact": "sha256:vuln"},
        headers=auth(make_token("viewer", "alpha")),
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "passed": False, "reason": "1 finding(s) at HIGH or above (default policy)",
        "artifact": "sha256:vuln", "blocking": [{**BLOCKING_Y1, "artifact": "sha256:vuln"}],
        "suppressed": [], "notices": [],
    }  # fmt: skip


def test_the_base_image_it_builds_on_counts(
    client: Any, inventory: None, admin_headers: dict[str, str]
) -> None:
    answer = client.get(
        "/api/v1/gate", params={"artifact": "sha256:app"}, headers=admin_headers
    ).json()
    assert (answer["passed"], answer["blocking"]) == (
        False,
        [{**BLOCKING_Y1, "artifact": "sha256:base"}],
    )


def test_a_base_image_that_is_not_inventoried_is_named(
    client: Any, inventory: None, admin_headers: dict[str, str]
) -> None:
    answer = client.get(
        "/api/v1/gate", params={"artifact": "sha256:lone"}, headers=admin_headers
    ).json()
    assert answer == {
        "passed": True, "reason": "no findings at HIGH or above (default policy)",
        "artifact": "sha256:lone", "blocking": [], "suppressed": [],
        "notices": ["the base image sha256:gone is not inventoried: it was not judged"],
    }  # fmt: skip


def test_a_policy_exception_lets_it_pass_and_freshness_is_judged(
    settings: ServerSettings,
    database: Database,
    inventory: None,
    tmp_path: Path,
    admin_headers: dict[str, str],
) -> None:
    policy = tmp_path / "alpha.yaml"
    policy.write_text(
        "version: 1\nexceptions:\n"
        "  - id: CVE-2024-1\n    reason: not reachable\n    owner: alpha\n"
        "    expires: 2099-01-01\n"
        "  - id: GAR-FRESH-002\n    reason: rebuild planned\n    owner: alpha\n"
        "    expires: 2099-01-01\n"
    )
    with database.session_scope() as session:
        session.add(
            GoldenImageRow(name=GOLDEN, digest="sha256:new", created_at=NOW - DAY, updated_at=NOW)
        )
    with evaluation_client(_settings(settings, policy), database) as client:
        answer = client.get(
            "/api/v1/gate", params={"artifact": "sha256:app"}, headers=admin_headers
        ).json()
    assert (answer["passed"], answer["reason"]) == (True, f"no blocking findings (policy {policy})")
    assert [(s["id"], s["by"], s["reason"], s["artifact"]) for s in answer["suppressed"]] == [
        ("GHSA-y1", "exception", "not reachable", "sha256:base"),
        ("GAR-FRESH-002", "exception", "rebuild planned", "sha256:app"),
    ]


def test_fail_closed_without_advisories_or_with_a_broken_policy(
    settings: ServerSettings, database: Database, tmp_path: Path, admin_headers: dict[str, str]
) -> None:
    with database.session_scope() as session:
        add_artifact(session, "sha256:app", "shop", [("PyPI", "rich", "13.0")])
    with evaluation_client(_settings(settings), database) as client:
        answer = client.get(
            "/api/v1/gate", params={"artifact": "sha256:app"}, headers=admin_headers
        ).json()
    assert (answer["passed"], answer["reason"]) == (
        False,
        "the server has no advisory database yet: sync it first",
    )
    sync.upload_advisories(
        context(settings, database), [osv("GHSA-y1", "PyYAML", "5.4")], actor="t"
    )
    broken = tmp_path / "alpha.yaml"
    broken.write_text("version: 1\nfail_on: [nonsense]\n")
    with evaluation_client(_settings(settings, broken), database) as client:
        answer = client.get(
            "/api/v1/gate", params={"artifact": "sha256:app"}, headers=admin_headers
        ).json()
    assert answer["passed"] is False
    assert answer["reason"].startswith(f"the team's policy cannot be used: {broken}:2: fail_on")


def test_unknown_and_other_teams_artifacts_are_not_found(
    client: Any, inventory: None, make_token: Callable[..., str]
) -> None:
    beta = auth(make_token("viewer", "beta"))
    assert (
        client.get("/api/v1/gate", params={"artifact": "sha256:vuln"}, headers=beta).status_code
        == 404
    )
    assert client.get("/api/v1/gate", params={"artifact": "sha256:nope"}, headers=beta).json() == {
        "detail": "artifact not found"
    }
    assert client.get("/api/v1/gate", params={"artifact": "sha256:vuln"}).status_code == 401


def _gate(capsys: pytest.CaptureFixture[str], url: str, artifact: str) -> tuple[int, str, str]:
    code = cli.main(["gate", artifact, "--server", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_client_exits_1_when_blocked_and_0_when_passed(
    client: Any, inventory: None, make_token: Callable[..., str],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    token = make_token("viewer", "alpha")
    monkeypatch.setenv("GARRISON_TOKEN", token)
    with serve_in_thread(client.app) as url:  # the real `garrison gate` over HTTP
        code, out, _ = _gate(capsys, url, "sha256:vuln")
        assert code == 1
        assert out == (
            "sha256:vuln: BLOCKED: 1 finding(s) at HIGH or above (default policy)\n"
            "  HIGH GHSA-y1 in PyPI:PyYAML@5.3 (fixed in 5.4) [sha256:vuln]: summary of GHSA-y1\n"
        )
        code, out, err = _gate(capsys, url, "sha256:lone")
        assert code == 0
        assert out.startswith("sha256:lone: PASS: no findings at HIGH or above")
        assert token not in out + err


def test_the_client_never_passes_without_a_verdict(
    client: Any, inventory: None, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("GARRISON_TOKEN", "gar_wrong")
    with serve_in_thread(client.app) as url:
        code, _, err = _gate(capsys, url, "sha256:vuln")
        assert code == 2 and "HTTP 401: missing or invalid bearer token" in err
    with pytest.raises(GarrisonError, match="no 'passed' verdict"):
        render_answer("k", {"passed": "yes"})
    code, _, err = _gate(capsys, "http://127.0.0.1:9", "k")
    assert code == 2 and "cannot reach the server: ConnectError" in err
