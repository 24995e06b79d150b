"""Freshness: ages, behind golden, reverse uptime and the findings limits make (pure), and
the freshness API (both DBs)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from garrison.policy.model import FreshnessPolicy
from garrison.server import sync
from garrison.server.config import FreshnessLimits, ServerSettings, TeamSettings
from garrison.server.db.models import GoldenImageRow
from garrison.server.db.session import Database
from garrison.server.freshness import (
    BASE_AGE,
    BASE_BEHIND,
    IMAGE_AGE,
    RULES,
    UPTIME,
    ArtifactTimes,
    DeploymentTimes,
    GoldenState,
    artifact_freshness,
    deployment_freshness,
    golden_by_name,
    limits_for,
    stale_findings,
)
from tests.server.conftest import auth
from tests.server.evaluation_helpers import NOW as HELPER_NOW
from tests.server.evaluation_helpers import (
    add_artifact,
    context,
    deploy,
    evaluation_client,
    findings_table,
)

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
OLD_BASE = {"sha256:old": NOW - 90 * DAY}
GOLDEN = golden_by_name([GoldenState("debian:12-slim", "sha256:new", NOW - 3 * DAY)])


def _artifact(created: datetime | None, base: str | None = "sha256:old") -> ArtifactTimes:
    return ArtifactTimes(7, "sha256:app", created, "debian:12-slim", base)


def _deployment(ident: int, deployed: datetime, restarted: datetime | None) -> DeploymentTimes:
    return DeploymentTimes(ident, "prod", "eu-1", f"api-{ident}", 7, deployed, restarted)


def test_image_age_base_age_and_behind_golden() -> None:
    fresh = artifact_freshness(_artifact(NOW - 40 * DAY), GOLDEN, OLD_BASE, NOW)
    assert (fresh.image_age, fresh.base_age, fresh.behind_golden, fresh.golden_digest) == (
        40 * DAY, 90 * DAY, True, "sha256:new",
    )  # fmt: skip


def test_on_the_golden_digest_base_age_is_the_golden_images_age() -> None:
    fresh = artifact_freshness(_artifact(NOW - DAY, "sha256:new"), GOLDEN, {}, NOW)
    assert (fresh.image_age, fresh.base_age, fresh.behind_golden) == (DAY, 3 * DAY, False)


def test_unknown_base_or_created_time_is_unknown_not_fresh() -> None:
    unknown = ArtifactTimes(7, "sha256:app", None, None, None)
    fresh = artifact_freshness(unknown, GOLDEN, {}, NOW)
    assert (fresh.image_age, fresh.base_age, fresh.behind_golden) == (None, None, None)
    future = artifact_freshness(_artifact(NOW + DAY), GOLDEN, {}, NOW)
    assert future.image_age == timedelta(0)


def test_reverse_uptime_counts_from_the_last_restart() -> None:
    plain = deployment_freshness(_deployment(1, NOW - 20 * DAY, None), NOW)
    assert (plain.uptime, plain.started_at) == (20 * DAY, NOW - 20 * DAY)
    restarted = deployment_freshness(_deployment(2, NOW - 20 * DAY, NOW - 2 * DAY), NOW)
    assert (restarted.uptime, restarted.started_at) == (2 * DAY, NOW - 2 * DAY)


def test_limits_turn_stale_artifacts_into_findings_in_rule_order() -> None:
    limits = FreshnessLimits(max_image_age=30 * DAY, max_base_age=60 * DAY, max_uptime=14 * DAY)
    fresh = artifact_freshness(_artifact(NOW - 40 * DAY), GOLDEN, OLD_BASE, NOW)
    deployments = [
        _deployment(2, NOW - 15 * DAY, None),
        _deployment(1, NOW - 20 * DAY, None),
        _deployment(3, NOW - DAY, None),
    ]
    pairs = [(d, deployment_freshness(d, NOW)) for d in deployments]
    found = stale_findings(fresh, pairs, limits)
    assert [(f.artifact_id, f.rule.id, f.summary) for f in found] == [
        (7, "GAR-FRESH-001", "the image was created 2024-05-21, more than 30d 0h ago (the limit)"),
        (7, "GAR-FRESH-002", "the base image is behind the golden image's digest sha256:new"),
        (7, "GAR-FRESH-003", "the base image was created 2024-04-01, more than 60d 0h ago "
                             "(the limit)"),
        (7, "GAR-FRESH-004", "running without a restart for more than 14d 0h: prod/eu-1/api-1 "
                             "since 2024-06-10, prod/eu-1/api-2 since 2024-06-15"),
    ]  # fmt: skip


def test_within_limits_or_without_limits_nothing_is_stale() -> None:
    fresh = artifact_freshness(_artifact(NOW - 40 * DAY, "sha256:new"), GOLDEN, {}, NOW)
    pair = _deployment(1, NOW - 20 * DAY, None)
    assert stale_findings(fresh, [(pair, deployment_freshness(pair, NOW))], FreshnessLimits()) == []
    exact = FreshnessLimits(max_image_age=40 * DAY, max_uptime=20 * DAY)
    assert stale_findings(fresh, [(pair, deployment_freshness(pair, NOW))], exact) == []


def test_behind_golden_can_be_switched_off() -> None:
    fresh = artifact_freshness(_artifact(NOW - DAY), GOLDEN, {}, NOW)
    assert [f.rule for f in stale_findings(fresh, [], FreshnessLimits())] == [BASE_BEHIND]
    assert stale_findings(fresh, [], FreshnessLimits(behind_golden=False)) == []


def test_team_limits_replace_server_limits() -> None:
    server, team = FreshnessLimits(max_uptime=14 * DAY), FreshnessLimits(max_uptime=7 * DAY)
    assert limits_for(team, server) is team
    assert limits_for(None, server) is server


def test_the_team_policy_files_limits_replace_one_limit_each() -> None:
    server = FreshnessLimits(max_uptime=14 * DAY, max_image_age=90 * DAY)
    policy = FreshnessPolicy(max_image_age=30 * DAY, behind_golden=False)
    assert limits_for(None, server, policy) == FreshnessLimits(
        max_image_age=30 * DAY, max_uptime=14 * DAY, behind_golden=False
    )
    team = FreshnessLimits(max_uptime=7 * DAY)
    assert limits_for(team, server, policy) == FreshnessLimits(
        max_image_age=30 * DAY, max_uptime=7 * DAY, behind_golden=False
    )
    assert limits_for(team, server, FreshnessPolicy()) is team


def test_rule_ids_are_unique_and_every_rule_is_listed() -> None:
    assert RULES == (IMAGE_AGE, BASE_BEHIND, BASE_AGE, UPTIME)
    assert len({r.id for r in RULES}) == len({r.slug for r in RULES}) == len(RULES)


# --- GET /api/v1/freshness (both DBs) ----------------------------------------------------


def test_the_freshness_api_lists_deployments_then_idle_live_builds(
    settings: ServerSettings, database: Database, make_token: Callable[..., str]
) -> None:
    limits = FreshnessLimits(max_image_age=30 * DAY, max_uptime=14 * DAY)
    teams = {"alpha": TeamSettings(freshness=limits), "beta": TeamSettings()}
    server_settings = settings.model_copy(update={"teams": teams})
    with database.session_scope() as session:
        golden = GoldenImageRow(name="debian", digest="sha256:g2", updated_at=HELPER_NOW)
        golden.created_at = HELPER_NOW - 5 * DAY
        session.add(golden)
        old = add_artifact(session, "sha256:old", "shop", [], created_at=HELPER_NOW - 40 * DAY,
                           base=("debian", "sha256:g1"))  # fmt: skip
        add_artifact(session, "sha256:idle", "tool", [], created_at=HELPER_NOW - DAY)
        add_artifact(session, "sha256:b1", "cart", [], team="beta", created_at=HELPER_NOW - DAY)
        deploy(session, old, "api", at=HELPER_NOW - 20 * DAY)
    with evaluation_client(server_settings, database) as client:
        items = client.get("/api/v1/freshness", headers=auth(make_token("viewer", "alpha"))).json()[
            "items"
        ]
        prod = client.get("/api/v1/freshness", params={"environment": "prod"},
                          headers=auth(make_token("viewer", "alpha"))).json()["items"]  # fmt: skip
    assert items == [
        {"environment": "prod", "cluster": "eu-1", "workload": "api", "artifact": "sha256:old",
         "artifact_name": "shop", "artifact_version": "1.0", "team": "alpha",
         "image_age_seconds": 40 * 86400.0, "base_age_seconds": None, "behind_golden": True,
         "golden_digest": "sha256:g2", "uptime_seconds": 20 * 86400.0,
         "stale": ["GAR-FRESH-001", "GAR-FRESH-002", "GAR-FRESH-004"]},
        {"environment": None, "cluster": None, "workload": None, "artifact": "sha256:idle",
         "artifact_name": "tool", "artifact_version": "1.0", "team": "alpha",
         "image_age_seconds": 86400.0, "base_age_seconds": None, "behind_golden": None,
         "golden_digest": None, "uptime_seconds": None, "stale": []},
    ]  # fmt: skip
    assert [item["artifact"] for item in prod] == ["sha256:old"]


def test_the_team_policy_file_sets_freshness_limits_and_is_read_again_when_it_changes(
    settings: ServerSettings, database: Database, make_token: Callable[..., str], tmp_path: Path
) -> None:
    policy = tmp_path / "beta.yaml"
    policy.write_text("version: 1\nfreshness:\n  max_image_age: 10d\n")
    teams = {"alpha": TeamSettings(), "beta": TeamSettings(policy=policy)}
    server_settings = settings.model_copy(update={"teams": teams})
    with database.session_scope() as session:
        add_artifact(
            session, "sha256:b1", "cart", [], team="beta", created_at=HELPER_NOW - 20 * DAY
        )
        add_artifact(session, "sha256:a1", "shop", [], created_at=HELPER_NOW - 20 * DAY)
    viewer = auth(make_token("admin", None))
    with evaluation_client(server_settings, database) as client:
        stale = {
            i["artifact"]: i["stale"]
            for i in client.get("/api/v1/freshness", headers=viewer).json()["items"]
        }
        assert stale == {"sha256:a1": [], "sha256:b1": ["GAR-FRESH-001"]}
        sync.reconcile(context(server_settings, database))
        with database.session_scope(write=False) as session:
            assert findings_table(session) == [("sha256:b1", None, "GAR-FRESH-001", "new", None)]
        policy.write_text("version: 1\nfreshness:\n  max_image_age: 30d\n")
        os.utime(policy, ns=(time.time_ns(), time.time_ns() + 10**9))  # a later mtime for sure
        stale = {
            i["artifact"]: i["stale"]
            for i in client.get("/api/v1/freshness", headers=viewer).json()["items"]
        }
        assert stale == {"sha256:a1": [], "sha256:b1": []}
        sync.reconcile(context(server_settings, database))
        with database.session_scope(write=False) as session:
            assert [row[2:4] for row in findings_table(session)] == [("GAR-FRESH-001", "resolved")]
