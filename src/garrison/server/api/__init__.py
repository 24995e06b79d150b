"""The versioned REST API (/api/v1). ROUTERS is the explicit list the app includes, in order."""

from __future__ import annotations

from fastapi import APIRouter

from garrison.server.api import admin, inventory

ROUTERS: tuple[APIRouter, ...] = (inventory.router, admin.router)
