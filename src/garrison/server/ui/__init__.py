"""The web UI: server-rendered pages under /ui (Jinja2 templates, inline SVG charts, no
script). `router` holds every page; `PUBLIC_PATHS` are the sign-in and sign-out paths the
authentication middleware must let through without a token."""

from __future__ import annotations

from fastapi import APIRouter

from garrison.server.ui import login, routes

PUBLIC_PATHS = login.PUBLIC_PATHS

router = APIRouter()
router.include_router(login.router)
router.include_router(routes.router)

__all__ = ("PUBLIC_PATHS", "router")
