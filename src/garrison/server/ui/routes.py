"""The UI's pages (GET only, read-only): overview, artifacts, one artifact, deployments with
freshness bars, findings, issues and the audit log. Every page needs a token (the bearer
header, or the cookie the login form sets); a team token sees its own team only, and another
team's artifact is "not found". Filters come from the query string; a value that cannot be
one answers 400 with the reason.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from garrison.server.api.deps import MAX_ID, Caller, ReadSession, ServerDep
from garrison.server.db.models import FINDING_KINDS, FINDING_STATES, ISSUE_STATES
from garrison.server.db.queries import ArtifactFilter, DeploymentFilter
from garrison.server.ui import charts, queries, render
from garrison.server.views import FindingFilter, list_findings, list_issues

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_FILTER_LENGTH = 300
IMAGE_AGE_SCALE = timedelta(days=90)  # a bar's full width when no limit is set
UPTIME_SCALE = timedelta(days=30)


class BadFilter(Exception):
    """A query-string value the page cannot use (answered 400 with this message)."""


def _text(value: str | None, what: str) -> str | None:
    """The value ('' and None: no filter); control characters or overlong values refused."""
    if not value:
        return None
    printable = all(ord(c) >= 32 and ord(c) != 127 for c in value)
    encodable = value.encode("utf-8", "replace").decode("utf-8") == value
    if len(value) > MAX_FILTER_LENGTH or not printable or not encodable:
        raise BadFilter(f"{what}: not a value this page can filter by")
    return value


def _choice(value: str | None, allowed: Collection[str], what: str) -> str | None:
    chosen = _text(value, what)
    if chosen is not None and chosen not in allowed:
        raise BadFilter(f"{what} must be one of {', '.join(allowed)}")
    return chosen


def _page_number(value: str | None) -> int:
    if not value:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise BadFilter(f"page must be a number from 1 to {MAX_PAGE}")
    return int(value)


def _pager(request: Request, filters: dict[str, str | None], number: int, total: int
           ) -> dict[str, Any]:  # fmt: skip
    pages = max(1, -(-total // PAGE_SIZE))
    path = request.url.path
    return {
        "number": number, "pages": pages, "total": total,
        "previous": render.page_link(path, filters, number - 1) if number > 1 else None,
        "next": render.page_link(path, filters, number + 1) if number < pages else None,
    }  # fmt: skip


def _window(number: int) -> tuple[int, int]:
    return PAGE_SIZE, (number - 1) * PAGE_SIZE


def _bad(request: Request, principal: Any, exc: BadFilter) -> HTMLResponse:
    return render.error_page(request, principal, 400, str(exc))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, server: ServerDep, principal: Caller, session: ReadSession
             ) -> HTMLResponse:  # fmt: skip
    scope, now = principal.team_id, server.clock()
    over_time = queries.open_findings_over_time(session, scope, now)
    ages = queries.running_image_ages(session, scope, now)
    golden, registries = queries.watched(session)
    context = {
        "title": "Overview", "active": "overview", "counts": queries.overview(session, scope),
        "golden": golden, "registries": registries,
        "findings_chart": charts.line_chart("Open findings, last 30 days", over_time),
        "ages_chart": charts.column_chart("Image age of running deployments", ages),
        "limits": server.settings.freshness, "now": now,
    }  # fmt: skip
    return render.page(request, "overview.html.j2", context, principal=principal)


@router.get("/artifacts", response_class=HTMLResponse)
def artifacts(
    request: Request, server: ServerDep, principal: Caller, session: ReadSession,
    team: str | None = None, name: str | None = None, page: str | None = None,
) -> HTMLResponse:  # fmt: skip
    try:
        filters = {"team": _text(team, "team"), "name": _text(name, "name")}
        number = _page_number(page)
    except BadFilter as exc:
        return _bad(request, principal, exc)
    wanted = ArtifactFilter(principal.team_id, filters["team"], filters["name"])
    rows, total = queries.artifact_rows(
        session, server.settings, wanted, _window(number), server.clock()
    )
    context = {
        "title": "Artifacts", "active": "artifacts", "rows": rows, "filters": filters,
        "teams": queries.visible_teams(session, principal.team_id),
        "pager": _pager(request, filters, number, total),
    }  # fmt: skip
    return render.page(request, "artifacts.html.j2", context, principal=principal)


@router.get("/artifacts/{artifact_id}", response_class=HTMLResponse)
def artifact(
    request: Request, artifact_id: str, server: ServerDep, principal: Caller,
    session: ReadSession,
) -> HTMLResponse:  # fmt: skip
    found = None
    if artifact_id.isdigit() and 1 <= int(artifact_id) <= MAX_ID:
        found = queries.artifact_detail(
            session, server.settings, int(artifact_id), principal.team_id, server.clock()
        )
    if found is None:
        return render.error_page(request, principal, 404, "artifact not found")
    context = {
        "title": f"Artifact {found.view.artifact.name}", "active": "artifacts", "detail": found,
        "meter": _meter,
    }  # fmt: skip
    return render.page(request, "artifact.html.j2", context, principal=principal)


def _meter(title: str, value: timedelta | None, limit: timedelta | None, scale: str) -> Markup:
    """A freshness bar for the templates ('image' or 'uptime' picks the no-limit scale)."""
    full = IMAGE_AGE_SCALE if scale == "image" else UPTIME_SCALE
    return charts.meter(
        title,
        None if value is None else value.total_seconds(),
        None if limit is None else limit.total_seconds(),
        full.total_seconds(),
    )


def _level(value: timedelta | None, limit: timedelta | None) -> str:
    """'ok', 'warn', 'over', 'nolimit' or 'unknown' (no value)."""
    if value is None:
        return "unknown"
    return charts.meter_level(value.total_seconds(), limit.total_seconds() if limit else None)


@router.get("/deployments", response_class=HTMLResponse)
def deployments(
    request: Request, server: ServerDep, principal: Caller, session: ReadSession,
    team: str | None = None, environment: str | None = None, page: str | None = None,
) -> HTMLResponse:  # fmt: skip
    try:
        filters = {"team": _text(team, "team"), "environment": _text(environment, "environment")}
        number = _page_number(page)
    except BadFilter as exc:
        return _bad(request, principal, exc)
    wanted = DeploymentFilter(principal.team_id, filters["team"], filters["environment"])
    rows, total = queries.deployment_rows(
        session, server.settings, wanted, _window(number), server.clock()
    )
    context = {
        "title": "Deployments", "active": "deployments", "rows": rows, "filters": filters,
        "teams": queries.visible_teams(session, principal.team_id),
        "environments": queries.environments(session, principal.team_id),
        "pager": _pager(request, filters, number, total), "meter": _meter,
        "level": _level,
    }  # fmt: skip
    return render.page(request, "deployments.html.j2", context, principal=principal)


@router.get("/findings", response_class=HTMLResponse)
def findings(
    request: Request, principal: Caller, session: ReadSession, team: str | None = None,
    severity: str | None = None, state: str | None = None, kind: str | None = None,
    page: str | None = None,
) -> HTMLResponse:  # fmt: skip
    try:
        filters = {
            "team": _text(team, "team"),
            "severity": _choice(severity, queries.SEVERITY_ORDER, "severity"),
            "state": _choice(state, FINDING_STATES, "state"),
            "kind": _choice(kind, FINDING_KINDS, "kind"),
        }
        number = _page_number(page)
    except BadFilter as exc:
        return _bad(request, principal, exc)
    wanted = FindingFilter(principal.team_id, filters["team"], filters["state"],
                           filters["kind"], filters["severity"])  # fmt: skip
    rows, total = list_findings(session, wanted, *_window(number))
    context = {
        "title": "Findings", "active": "findings", "rows": rows, "filters": filters,
        "teams": queries.visible_teams(session, principal.team_id),
        "severities": queries.SEVERITY_ORDER, "states": FINDING_STATES, "kinds": FINDING_KINDS,
        "pager": _pager(request, filters, number, total),
    }  # fmt: skip
    return render.page(request, "findings.html.j2", context, principal=principal)


@router.get("/issues", response_class=HTMLResponse)
def issues(
    request: Request, principal: Caller, session: ReadSession, team: str | None = None,
    state: str | None = None, page: str | None = None,
) -> HTMLResponse:  # fmt: skip
    try:
        filters = {"team": _text(team, "team"), "state": _choice(state, ISSUE_STATES, "state")}
        number = _page_number(page)
    except BadFilter as exc:
        return _bad(request, principal, exc)
    rows, total = list_issues(
        session, principal.team_id, filters["team"], filters["state"], *_window(number)
    )
    context = {
        "title": "Issues", "active": "issues", "rows": rows, "filters": filters,
        "teams": queries.visible_teams(session, principal.team_id), "states": ISSUE_STATES,
        "pager": _pager(request, filters, number, total),
    }  # fmt: skip
    return render.page(request, "issues.html.j2", context, principal=principal)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, principal: Caller, session: ReadSession,
              page: str | None = None) -> HTMLResponse:  # fmt: skip
    """The audit log (global admin tokens only, as in the API), newest first, with the
    verification of the whole hash chain."""
    if not principal.is_global_admin:
        message = "the audit log needs an admin token that is not limited to a team"
        return render.error_page(request, principal, 403, message)
    try:
        number = _page_number(page)
    except BadFilter as exc:
        return _bad(request, principal, exc)
    found = queries.audit_page(session, *_window(number))
    context = {
        "title": "Audit log", "active": "audit", "log": found,
        "pager": _pager(request, {}, number, found.total),
    }  # fmt: skip
    return render.page(request, "audit.html.j2", context, principal=principal)
