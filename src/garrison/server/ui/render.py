"""Rendering the UI's pages: one Jinja2 environment (autoescape on, strict undefined), the
template filters, and the security headers every page gets.

Each response carries a Content-Security-Policy that allows no script at all, no external
resource, and only the page's own style block (by a per-response nonce): a name that slipped
past the escaping could still not run anything.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from garrison.server.auth import Principal

CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
NAVIGATION = (
    ("overview", "/ui/", "Overview"),
    ("artifacts", "/ui/artifacts", "Artifacts"),
    ("deployments", "/ui/deployments", "Deployments"),
    ("findings", "/ui/findings", "Findings"),
    ("issues", "/ui/issues", "Issues"),
    ("audit", "/ui/audit", "Audit log"),
)


def when(value: datetime | None) -> str:
    """'2024-07-01 12:00 UTC' ('—' for None)."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def age(value: timedelta | None) -> str:
    """'45 d', '3 d 5 h', '3 d', '5 h', '12 min' ('unknown' for None)."""
    if value is None:
        return "unknown"
    minutes = int(value.total_seconds() // 60)
    hours, days = minutes // 60, minutes // 1440
    if days >= 1:
        return f"{days} d {hours % 24} h" if days < 10 and hours % 24 else f"{days} d"
    return f"{hours} h" if hours >= 1 else f"{minutes} min"


def short_digest(value: str | None) -> str:
    """'sha256:a1b2c3d4e5f6' (the first 12 hex digits of a digest; other keys as they are)."""
    if value is None:
        return "—"
    algorithm, _, digest = value.partition(":")
    if digest and len(digest) > 12 and algorithm.startswith("sha"):
        return f"{algorithm}:{digest[:12]}"
    return value


def as_json(value: Any) -> str:
    """Canonical JSON text (escaped by the template like any other text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("garrison.server.ui", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, age=age, short_digest=short_digest, as_json=as_json)
    return env


def security_headers(nonce: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP.format(nonce=nonce),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    principal: Principal | None,
    status: int = 200,
) -> HTMLResponse:
    """Render `template` with the layout's context (who is signed in, the navigation)."""
    nonce = secrets.token_urlsafe(16)
    values = {
        "nonce": nonce,
        "principal": principal,
        "navigation": [
            item for item in NAVIGATION
            if item[0] != "audit" or (principal is not None and principal.is_global_admin)
        ],
        "path": request.url.path,
        **context,
    }  # fmt: skip
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=security_headers(nonce))


def error_page(request: Request, principal: Principal | None, status: int, message: str
               ) -> HTMLResponse:  # fmt: skip
    titles = {400: "Bad request", 403: "Not allowed", 404: "Not found"}
    context = {"title": titles.get(status, "Error"), "message": message, "active": ""}
    return page(request, "error.html.j2", context, principal=principal, status=status)


def page_link(path: str, params: Mapping[str, str | None], page_number: int) -> str:
    """The URL of another page of the same list, with the same filters."""
    query = {k: v for k, v in params.items() if v} | {"page": str(page_number)}
    return f"{path}?{urlencode(query)}"
