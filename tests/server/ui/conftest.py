"""The web UI's tests share one seeded app: freshness limits, a golden image, every page's data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from garrison.server.config import ServerSettings
from garrison.server.db.session import Database
from tests.server.ui.helpers import seed, ui_app, ui_settings


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> ServerSettings:
    return ui_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: ServerSettings, database: Database) -> FastAPI:
    seed(database)
    return ui_app(settings, database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
