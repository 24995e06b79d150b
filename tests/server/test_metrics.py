"""/metrics: Prometheus text from the database, per environment and team, behind a token
(both DBs)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client.parser import text_string_to_metric_families

from garrison.server import sync
from garrison.server.config import ServerSettings, TeamSettings
from garrison.server.db.models import GoldenImageRow, Registry
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.evaluation_helpers import (
    DAY,
    NOW,
    add_artifact,
    context,
    deploy,
    evaluation_client,
    osv,
)

HIGH = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _inventory(settings: ServerSettings, database: Database) -> ServerSettings:
    teams = {"alpha": TeamSettings(), "beta": TeamSettings()}
    server_settings = settings.model_copy(update={"teams": teams})
    with database.session_scope() as session:
        session.add(
            GoldenImageRow(
                name="debian", digest="sha256:g2", created_at=NOW - 5 * DAY, updated_at=NOW
            )
        )
        session.add(Registry(url="registry.internal", repository="apps/*", last_polled_at=NOW))
        shop = add_artifact(session, "sha256:s1", "shop", [("PyPI", "PyYAML", "5.3")],
                            created_at=NOW - 10 * DAY, base=("debian", "sha256:g1"))  # fmt: skip
        cart = add_artifact(session, "sha256:c1", "cart", [("PyPI", "PyYAML", "5.3")], team="beta",
                            created_at=NOW - 3 * DAY, base=("debian", "sha256:g2"))  # fmt: skip
        deploy(session, shop, "api", at=NOW - 2 * DAY)
        deploy(session, shop, "api", environment="staging", at=NOW - DAY)
        deploy(session, cart, "cart", at=NOW - 4 * DAY, restarted=NOW - 3600 * DAY / 86400)
    sync.upload_advisories(
        context(server_settings, database),
        [osv("GHSA-y1", "PyYAML", "5.4", severity=HIGH)],
        actor="t",
    )
    return server_settings


def test_metrics_per_environment_and_team(
    settings: ServerSettings, database: Database, admin_headers: dict[str, str]
) -> None:
    server_settings = _inventory(settings, database)
    with evaluation_client(server_settings, database) as client:
        answer = client.get("/metrics", headers=admin_headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    samples = _samples(answer.text)
    wanted = {
        ("garrison_deployments", (("environment", "prod"), ("team", "alpha"))): 1.0,
        ("garrison_deployments", (("environment", "prod"), ("team", "beta"))): 1.0,
        ("garrison_deployments", (("environment", "staging"), ("team", "alpha"))): 1.0,
        ("garrison_image_age_seconds", (("environment", "prod"), ("team", "alpha"))): 10 * 86400.0,
        ("garrison_image_age_seconds", (("environment", "prod"), ("team", "beta"))): 3 * 86400.0,
        ("garrison_base_age_seconds", (("environment", "prod"), ("team", "beta"))): 5 * 86400.0,
        ("garrison_behind_golden_deployments", (("environment", "prod"), ("team", "alpha"))): 1.0,
        ("garrison_behind_golden_deployments", (("environment", "prod"), ("team", "beta"))): 0.0,
        ("garrison_uptime_seconds", (("environment", "prod"), ("team", "alpha"))): 2 * 86400.0,
        ("garrison_uptime_seconds", (("environment", "prod"), ("team", "beta"))): 3600.0,
        ("garrison_uptime_seconds", (("environment", "staging"), ("team", "alpha"))): 86400.0,
        ("garrison_open_findings", (("severity", "HIGH"), ("team", "alpha"))): 1.0,
        ("garrison_open_findings", (("severity", "HIGH"), ("team", "beta"))): 1.0,
        (
            "garrison_open_findings_deployed",
            (("environment", "prod"), ("severity", "HIGH"), ("team", "alpha")),
        ): 1.0,
        (
            "garrison_open_findings_deployed",
            (("environment", "staging"), ("severity", "HIGH"), ("team", "alpha")),
        ): 1.0,
        ("garrison_open_issues", (("team", "alpha"),)): 1.0,
        ("garrison_last_sync_timestamp_seconds", ()): NOW.timestamp(),
        ("garrison_golden_image_age_seconds", (("golden_image", "debian"),)): 5 * 86400.0,
        (
            "garrison_registry_last_poll_timestamp_seconds",
            (("registry", "registry.internal"), ("repository", "apps/*")),
        ): NOW.timestamp(),
    }
    assert {key: samples.get(key) for key in wanted} == wanted
    assert (
        "garrison_base_age_seconds",
        (("environment", "prod"), ("team", "alpha")),
    ) not in samples
    assert samples[("garrison_last_sync_duration_seconds", ())] >= 0
    assert ("garrison_advisory_db_age_seconds", ()) in samples


def test_metrics_need_a_token_and_a_team_token_sees_its_team_only(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    server_settings = _inventory(settings, database)
    with evaluation_client(server_settings, database) as client:
        assert client.get("/metrics").status_code == 401
        text = client.get("/metrics", headers=auth(make_token("viewer", "beta"))).text
    teams = {dict(labels).get("team") for (_, labels) in _samples(text)} - {None}
    assert teams == {"beta"}
    assert "garrison_registry_last_poll" not in text  # server-wide: global tokens only
