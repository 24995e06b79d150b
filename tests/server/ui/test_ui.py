"""The web UI's pages through TestClient, on SQLite and PostgreSQL: every page with a token,
exact content (counts, charts' series, table rows, freshness levels), filters and paging,
team scoping, the audit chain's state, hostile names escaped."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from garrison.server.db.models import AuditEntry, Registry
from garrison.server.db.session import Database
from tests.server.conftest import auth
from tests.server.evaluation_helpers import add_artifact
from tests.server.ui.helpers import (
    DAY,
    HOSTILE,
    NOW,
    PAGES,
    chart_points,
    get,
    rows_of,
    text_of,
    text_of_dd,
)  # fmt: skip


@pytest.fixture
def admin(make_token: Callable[..., str]) -> dict[str, str]:
    return auth(make_token("admin", name="root"))


@pytest.fixture
def alpha(make_token: Callable[..., str]) -> dict[str, str]:
    return auth(make_token("viewer", "alpha", name="alpha-viewer"))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_a_token_and_401_without(
    client: TestClient, admin: dict[str, str], path: str
) -> None:
    html = get(client, path, admin)
    assert "<title>" in html and 'id="who">root · admin · all teams<' in html
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "missing or invalid bearer token"}


def test_pages_forbid_scripts_and_framing(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/ui/", headers=admin)
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and f'<style nonce="{nonce.group(1)}">' in response.text
    assert policy.startswith("default-src 'none'; style-src 'nonce-")
    assert "<script" not in response.text and " style=" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_overview_counts_and_charts_for_an_admin(client: TestClient, admin: dict[str, str]) -> None:
    html = get(client, "/ui/", admin)
    counts = [text_of(html, f"count-{k}") for k in ("artifacts", "deployments", "issues")]
    assert counts == ["3", "3", "2"]
    assert text_of(html, "count-findings") == "4"
    assert rows_of(html, "by-severity") == [["2", "1", "0", "1", "0"]]  # CRITICAL..UNKNOWN
    points = chart_points(html, "chart-findings")
    assert len(points) == 30
    assert points[0] == "2024-06-02: 0"
    assert points[-12:] == [
        "2024-06-20: 1", "2024-06-21: 2", "2024-06-22: 2", "2024-06-23: 3", "2024-06-24: 3",
        "2024-06-25: 3", "2024-06-26: 4", "2024-06-27: 4", "2024-06-28: 3", "2024-06-29: 3",
        "2024-06-30: 4", "2024-07-01: 4",
    ]  # fmt: skip
    assert chart_points(html, "chart-ages") == [
        "< 7 d: 1", "7-30 d: 0", "30-90 d: 1", "90-180 d: 1", "180-365 d: 0", "> 1 y: 0",
        "unknown: 0",
    ]  # fmt: skip


def test_overview_lists_golden_images_and_watched_registries(
    client: TestClient, admin: dict[str, str], database: Database
) -> None:
    assert "No registry is watched." in get(client, "/ui/", admin)
    with database.session_scope() as session:
        session.add(Registry(url="registry.internal:5000", repository="apps/*"))
    html = get(client, "/ui/", admin)
    [[name, digest, built, age, _updated]] = rows_of(html, "golden")
    assert (name, built, age) == ("debian:12", "2024-06-01 00:00 UTC", "30 d")
    assert digest.startswith("sha256:")
    assert rows_of(html, "registries") == [["registry.internal:5000", "apps/*", "never"]]


def test_overview_of_a_team_token_counts_its_team_only(
    client: TestClient, alpha: dict[str, str]
) -> None:
    html = get(client, "/ui/", alpha)
    counts = [text_of(html, f"count-{k}") for k in ("artifacts", "deployments", "issues")]
    assert counts == ["2", "2", "1"]
    assert rows_of(html, "by-severity") == [["1", "1", "0", "1", "0"]]
    assert chart_points(html, "chart-findings")[-1] == "2024-07-01: 3"
    assert 'href="/ui/audit"' not in html  # no audit link for a team token


def test_artifacts_list_with_freshness_and_open_findings(
    client: TestClient, admin: dict[str, str]
) -> None:
    html = get(client, "/ui/artifacts", admin)
    assert rows_of(html, "artifacts") == [
        ["billing", "2.0", "build-billing", "beta", "1", "1", "—", "100 d",
         "2024-06-30 12:00 UTC"],
        [HOSTILE, "1<b>", "build-evil", "alpha", "1", "1", "debian:12 current", "3 d",
         "2024-06-30 12:00 UTC"],
        ["shop", "1.0", "sha256:a1a1a1a1a1a1", "alpha", "2", "2", "debian:12 behind golden",
         "40 d", "2024-06-30 12:00 UTC"],
    ]  # fmt: skip
    assert text_of(html, "pager") == "3 in all · page 1 of 1"
    filtered = get(client, "/ui/artifacts?team=beta", admin)
    assert [row[0] for row in rows_of(filtered, "artifacts")] == ["billing"]
    assert '<option value="beta" selected>beta</option>' in filtered


def test_artifact_page_shows_components_findings_and_golden_state(
    client: TestClient, admin: dict[str, str]
) -> None:
    html = get(client, "/ui/artifacts/1", admin)
    assert "<title>Artifact shop · Garrison</title>" in html
    assert text_of(html, "component-count") == "2"
    assert " ".join(re.sub("<[^>]+>", "", text_of_dd(html, "golden")).split()) == (
        "behind: the golden image is now sha256:c3c3c3c3c3c3"
    )
    assert rows_of(html, "components") == [
        ["PyPI", "requests", "2.31.0", "—"], ["npm", "lodash", "4.17.20", "—"],
    ]  # fmt: skip
    assert rows_of(html, "findings") == [
        ["MEDIUM", "GHSA-0003", "requests", "2.31.0", "—", "resolved", "GHSA-0003 summary"],
        ["CRITICAL", "GHSA-0002", "lodash", "4.17.20", "—", "acknowledged",
         "GHSA-0002 summary"],
        ["HIGH", "GHSA-0001", "requests", "2.31.0", "2.32.0", "open", "GHSA-0001 summary"],
    ]  # fmt: skip
    assert rows_of(html, "deployments") == [
        ["prod", "eu-1", "shop", "2024-06-11 12:00 UTC", "20 d"]
    ]


def test_deployments_show_freshness_against_the_limits(
    client: TestClient, admin: dict[str, str]
) -> None:
    html = get(client, "/ui/deployments", admin)
    assert rows_of(html, "deployments") == [
        ["prod", "eu-1", "billing", "billing 2.0", "beta", "100 d / 30 d", "1 d / 14 d", "—",
         "GAR-FRESH-001"],
        ["prod", "eu-1", "shop", "shop 1.0", "alpha", "40 d / 30 d", "20 d / 14 d",
         "behind golden", "GAR-FRESH-001, GAR-FRESH-002, GAR-FRESH-004"],
        ["staging", "eu-1", "evil", f"{HOSTILE} 1<b>", "alpha", "3 d / 30 d", "2 d / 14 d",
         "current", "—"],
    ]  # fmt: skip
    levels = re.findall(r'class="(image-age|uptime)" data-level="(\w+)"', html)
    assert levels == [
        ("image-age", "over"), ("uptime", "ok"), ("image-age", "over"), ("uptime", "over"),
        ("image-age", "ok"), ("uptime", "ok"),
    ]  # fmt: skip
    # a bar is drawn to scale: 40 d of a 45 d (1.5 x 30 d) full width of 160 px
    assert '<rect class="fill meter-over" x="0" y="0" width="142.2" height="14"/>' in html
    staging = get(client, "/ui/deployments?environment=staging", admin)
    assert [row[2] for row in rows_of(staging, "deployments")] == ["evil"]


def test_findings_filters_by_severity_state_and_team(
    client: TestClient, admin: dict[str, str]
) -> None:
    def rules(query: str) -> list[str]:
        rows = rows_of(get(client, f"/ui/findings{query}", admin), "findings")
        return [row[1] for row in rows if len(row) > 1]

    assert rules("") == ["CVE-2024-0006", "CVE-2024-0005", "GHSA-0004", "GHSA-0003",
                         "GHSA-0002", "GHSA-0001"]  # fmt: skip
    assert rules("?severity=CRITICAL") == ["CVE-2024-0005", "GHSA-0002"]
    assert rules("?state=resolved") == ["GHSA-0003"]
    assert rules("?team=beta&state=open") == ["CVE-2024-0005"]
    assert rules("?severity=&state=&team=&kind=vulnerability") == rules("")
    assert rules("?kind=freshness") == []
    html = get(client, "/ui/findings?state=acknowledged", admin)
    assert rows_of(html, "findings") == [
        ["CRITICAL", "GHSA-0002", "shop 1.0", "alpha", "npm:lodash 4.17.20", "—",
         "acknowledged waiting for <upstream>", "2024-06-26 12:00 UTC", "GHSA-0002 summary"],
    ]  # fmt: skip


def test_issues_list_and_filter(client: TestClient, admin: dict[str, str]) -> None:
    html = get(client, "/ui/issues?state=open", admin)
    rows = rows_of(html, "issues")
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("CRITICAL", "beta", "billing", "Debian:openssl", "open", "0"),
        ("HIGH", "alpha", "shop", "PyPI:requests", "open", "1"),
    ]
    assert "<summary>requests in shop: 1 vulnerability</summary>" in html
    closed = get(client, "/ui/issues?state=closed", admin)
    assert [r[4] for r in rows_of(closed, "issues")] == ["PyPI:x"]


def test_a_team_token_sees_its_team_only(client: TestClient, alpha: dict[str, str]) -> None:
    assert [r[0] for r in rows_of(get(client, "/ui/artifacts", alpha), "artifacts")] == [
        HOSTILE, "shop",
    ]  # fmt: skip
    deployments = rows_of(get(client, "/ui/deployments", alpha), "deployments")
    assert [r[2] for r in deployments] == ["shop", "evil"]
    findings = rows_of(get(client, "/ui/findings", alpha), "findings")
    assert [r[1] for r in findings] == ["GHSA-0004", "GHSA-0003", "GHSA-0002", "GHSA-0001"]
    assert rows_of(get(client, "/ui/findings?team=beta", alpha), "findings") == [
        ["No findings match."]
    ]
    assert [r[4] for r in rows_of(get(client, "/ui/issues", alpha), "issues")] == [
        "PyPI:x", "PyPI:requests",
    ]  # fmt: skip
    other = get(client, "/ui/artifacts/3", alpha, status=404)  # beta's billing
    assert text_of(other, "error") == "artifact not found"
    assert "billing" not in other
    teams = get(client, "/ui/findings", alpha)
    assert '<option value="beta"' not in teams and '<option value="alpha">' in teams


def test_audit_log_needs_a_global_admin(
    client: TestClient, alpha: dict[str, str], make_token: Callable[..., str]
) -> None:
    html = get(client, "/ui/audit", alpha, status=403)
    assert text_of(html, "error") == (
        "the audit log needs an admin token that is not limited to a team"
    )
    team_admin = auth(make_token("admin", "alpha"))
    get(client, "/ui/audit", team_admin, status=403)


def test_audit_log_shows_the_chain_verified_then_broken(
    client: TestClient, admin: dict[str, str], database: Database
) -> None:
    html = get(client, "/ui/audit", admin)
    assert text_of(html, "chain") == "Hash chain verified: all 6 entries hold."
    rows = rows_of(html, "audit")
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("6", "cli", "token.created", "token 1"),
        ("5", "ci-alpha", "artifact.uploaded", "artifact 2"),
        ("4", "ci-alpha", "artifact.uploaded", "artifact 1"),
        ("3", "config", "golden_image.created", "golden_image 1"),
        ("2", "config", "team.created", "team 2"),
        ("1", "config", "team.created", "team 1"),
    ]
    assert rows[1][5] == '{"name": "<script>alert(1)</script>"}'
    assert "{&#34;name&#34;: &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;}" in html
    with database.session_scope() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 4).values(actor="mallory"))
    broken = get(client, "/ui/audit", admin)
    assert text_of(broken, "chain") == (
        "Hash chain BROKEN at entry #4: its content does not match its hash "
        "(3 entries before it hold)."
    )
    assert '<tr class="broken">\n<td class="num">4</td>' in broken


def test_lists_are_paged(client: TestClient, admin: dict[str, str], database: Database) -> None:
    with database.session_scope() as session:
        for index in range(50):
            add_artifact(session, f"build-{index:02d}", f"app-{index:02d}", [],
                         uploaded_at=NOW - DAY * (index + 2))  # fmt: skip
    first = get(client, "/ui/artifacts", admin)
    assert len(rows_of(first, "artifacts")) == 50
    assert text_of(first, "pager") == "53 in all · page 1 of 2"
    assert '<a href="/ui/artifacts?page=2" rel="next">' in first
    second = get(client, "/ui/artifacts?page=2", admin)
    assert [r[0] for r in rows_of(second, "artifacts")] == ["app-47", "app-48", "app-49"]
    assert '<a href="/ui/artifacts?page=1" rel="prev">' in second
    named = get(client, "/ui/artifacts?name=app-07&page=1", admin)
    assert [r[0] for r in rows_of(named, "artifacts")] == ["app-07"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/ui/findings?severity=bogus",
         "severity must be one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN"),
        ("/ui/findings?team=a%00b", "team: not a value this page can filter by"),
        ("/ui/issues?state=%0A", "state: not a value this page can filter by"),
        ("/ui/artifacts?page=0", "page must be a number from 1 to 100000"),
        ("/ui/audit?page=x", "page must be a number from 1 to 100000"),
        ("/ui/deployments?environment=" + "e" * 301,
         "environment: not a value this page can filter by"),
    ],
)  # fmt: skip
def test_bad_filters_answer_400_with_the_reason(
    client: TestClient, admin: dict[str, str], query: str, message: str
) -> None:
    assert text_of(get(client, query, admin, status=400), "error") == message


@pytest.mark.parametrize("path", ["/ui/artifacts/999", "/ui/artifacts/x", "/ui/artifacts/0",
                                  "/ui/artifacts/99999999999"])  # fmt: skip
def test_unknown_artifacts_are_not_found(
    client: TestClient, admin: dict[str, str], path: str
) -> None:
    assert text_of(get(client, path, admin, status=404), "error") == "artifact not found"


@pytest.mark.parametrize("path", [*PAGES, "/ui/artifacts/2"])
def test_hostile_names_are_escaped(client: TestClient, admin: dict[str, str], path: str) -> None:
    html = get(client, path, admin)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "<upstream>" not in html
    if path in ("/ui/artifacts", "/ui/deployments", "/ui/findings", "/ui/artifacts/2"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
