"""The web UI's test data and page readers (shared by test_ui*.py): settings with freshness
limits and a golden image, the app with the UI's router and a fixed clock, a seeded inventory
(findings in every state, issues, audit entries, hostile names), and HTML table readers."""

from __future__ import annotations

import dataclasses
import html as html_module
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison.server import audit
from garrison.server.config import (
    FreshnessLimits,
    GoldenImageSettings,
    ServerSettings,
    TeamSettings,
)
from garrison.server.db.models import Component, Finding, Issue, IssueFinding
from garrison.server.db.session import Database
from tests.server.conftest import TEAMS
from tests.server.evaluation_helpers import add_artifact, deploy, team_id

NOW = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
GOLDEN_NOW = "sha256:" + "c3" * 32
GOLDEN_OLD = "sha256:" + "d4" * 32
SHOP_KEY = "sha256:" + "a1" * 32
HOSTILE = "<script>alert(1)</script>"
HOSTILE_SUMMARY = "<img src=x onerror=alert(2)>"
PAGES = ("/ui/", "/ui/artifacts", "/ui/deployments", "/ui/findings", "/ui/issues", "/ui/audit")


def ui_settings(database_url: str, tmp_path: Path) -> ServerSettings:
    """Freshness limits and one golden image (debian:12 at GOLDEN_NOW)."""
    return ServerSettings(
        database_url=database_url,
        advisory_db=tmp_path / "vulndb.sqlite3",
        teams={name: TeamSettings() for name in TEAMS},
        freshness=FreshnessLimits(max_image_age=30 * DAY, max_uptime=14 * DAY),
        golden_images=(GoldenImageSettings(name="debian:12", digest=GOLDEN_NOW,
                                           created="2024-06-01T00:00:00Z"),),
        background=False,
    )  # fmt: skip


def ui_app(settings: ServerSettings, database: Database) -> FastAPI:
    """The app with the UI's router and a fixed clock (NOW)."""
    from garrison.server.api import ROUTERS
    from garrison.server.app import create_app
    from garrison.server.ui import router

    app = create_app(settings, database=database, routers=(*ROUTERS, router))
    app.state.server = dataclasses.replace(app.state.server, clock=lambda: NOW)
    return app


def _finding(session: Session, artifact: int, component: int | None, rule: str, severity: str,
             state: str, first_seen: datetime, **extra: Any) -> int:  # fmt: skip
    row = Finding(
        artifact_id=artifact, component_id=component, kind=extra.pop("kind", "vulnerability"),
        rule_id=rule, severity=severity, summary=extra.pop("summary", f"{rule} summary"),
        fixed_versions=extra.pop("fixed", []), state=state, first_seen_at=first_seen,
        last_seen_at=NOW, **extra,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _component_ids(session: Session, artifact: int) -> dict[str, int]:
    rows = session.execute(select(Component.name, Component.id).where(
        Component.artifact_id == artifact))  # fmt: skip
    return dict(rows.all())


def _issue(session: Session, team: str, artifact: str, package: str, state: str, title: str,
           severity: str, findings: tuple[int, ...] = ()) -> None:  # fmt: skip
    row = Issue(
        team_id=team_id(session, team), artifact_name=artifact, package=package, state=state,
        title=title, body=f"{title}\n\n| finding |", severity=severity, opened_at=NOW - 9 * DAY,
        updated_at=NOW - DAY, closed_at=None if state == "open" else NOW - DAY,
        dedupe_key=f"{team}|{artifact}|{package}",
    )  # fmt: skip
    session.add(row)
    session.flush()
    session.add_all(IssueFinding(issue_id=row.id, finding_id=f) for f in findings)


def seed(database: Database) -> dict[str, int]:
    """Three artifacts (alpha: shop, behind golden and stale; a hostile name; beta: billing),
    their deployments, findings in every state, issues and audit entries."""
    with database.session_scope() as session:
        shop = add_artifact(
            session, SHOP_KEY, "shop",
            [("PyPI", "requests", "2.31.0"), ("npm", "lodash", "4.17.20")],
            created_at=NOW - 40 * DAY, base=("debian:12", GOLDEN_OLD),
        )  # fmt: skip
        evil = add_artifact(
            session, "build-evil", HOSTILE, [("PyPI", HOSTILE, "1")], version="1<b>",
            created_at=NOW - 3 * DAY, base=("debian:12", GOLDEN_NOW),
        )  # fmt: skip
        billing = add_artifact(
            session, "build-billing", "billing", [("Debian:12", "openssl", "3.0.11-1")],
            team="beta", version="2.0", created_at=NOW - 100 * DAY,
        )  # fmt: skip
        deploy(session, shop, "shop", at=NOW - 20 * DAY)
        deploy(session, evil, "evil", at=NOW - 2 * DAY, environment="staging")
        deploy(session, billing, "billing", at=NOW - DAY)
        shop_c, evil_c = _component_ids(session, shop), _component_ids(session, evil)
        billing_c = _component_ids(session, billing)
        high = _finding(session, shop, shop_c["requests"], "GHSA-0001", "HIGH", "open",
                 NOW - 10 * DAY, fixed=["2.32.0"])  # fmt: skip
        _finding(session, shop, shop_c["lodash"], "GHSA-0002", "CRITICAL", "acknowledged",
                 NOW - 5 * DAY, state_reason="waiting for <upstream>")  # fmt: skip
        _finding(session, shop, shop_c["requests"], "GHSA-0003", "MEDIUM", "resolved",
                 NOW - 20 * DAY, resolved_at=NOW - 3 * DAY)  # fmt: skip
        _finding(session, evil, evil_c[HOSTILE], "GHSA-0004", "LOW", "new", NOW - DAY,
                 summary=HOSTILE_SUMMARY)  # fmt: skip
        _finding(session, billing, billing_c["openssl"], "CVE-2024-0005", "CRITICAL", "open",
                 NOW - 8 * DAY)  # fmt: skip
        _finding(session, billing, billing_c["openssl"], "CVE-2024-0006", "MEDIUM",
                 "suppressed", NOW - 8 * DAY)  # fmt: skip
        _issue(session, "alpha", "shop", "PyPI:requests", "open",
               "requests in shop: 1 vulnerability", "HIGH", (high,))  # fmt: skip
        _issue(session, "alpha", HOSTILE, "PyPI:x", "closed", f"{HOSTILE} fixed", "LOW")
        _issue(session, "beta", "billing", "Debian:openssl", "open",
               "openssl in billing: 1 vulnerability", "CRITICAL")  # fmt: skip
        audit.append(
            session,
            actor="ci-alpha",
            action="artifact.uploaded",
            object_type="artifact",
            object_id=str(shop),
            details={"key": SHOP_KEY},
        )
        audit.append(
            session,
            actor="ci-alpha",
            action="artifact.uploaded",
            object_type="artifact",
            object_id=str(evil),
            details={"name": HOSTILE},
        )
    return {"shop": shop, "evil": evil, "billing": billing}  # fmt: skip


# --- reading pages --------------------------------------------------------------------


class _Tables(HTMLParser):
    """The text of each body row's cells of the table with `id` (SVG text left out)."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.in_svg, self.in_head = table_id, 0, 0, False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and (self.depth or ("id", self.table_id) in attrs):
            self.depth += 1
        elif self.depth and tag == "thead":
            self.in_head = True
        elif self.depth and tag == "tr" and not self.in_head:
            self.rows.append([])
        elif self.depth and tag == "td":
            self.cell = []
        elif tag == "svg":
            self.in_svg += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "thead":
            self.in_head = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        elif tag == "svg":
            self.in_svg -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.in_svg:
            self.cell.append(data)


def rows_of(html: str, table_id: str) -> list[list[str]]:
    parser = _Tables(table_id)
    parser.feed(html)
    return parser.rows


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return " ".join(str(match.group(1)).split())


def chart_points(html: str, chart_id: str) -> list[str]:
    """The tooltips of a chart (its points or columns), in order."""
    start = html.index(f'id="{chart_id}"')
    svg = html[start : html.index("</svg>", start)]
    tips = re.findall(r"<(?:circle|rect)[^>]*><title>([^<]*)</title>", svg)
    return [html_module.unescape(tip) for tip in tips]


def get(client: TestClient, path: str, headers: dict[str, str], status: int = 200) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return str(response.text)


def text_of_dd(html: str, element_id: str) -> str:
    match = re.search(rf'<dd id="{element_id}">(.*?)</dd>', html, re.S)
    assert match, element_id
    return str(match.group(1))
