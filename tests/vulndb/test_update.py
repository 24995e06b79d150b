"""`db update` against a real HTTP server on 127.0.0.1 (no mocked client)."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from garrison.errors import FetchError
from garrison.vulndb.store import VulnDB
from garrison.vulndb.update import update
from tests.conftest import DATA, shared_path
from tests.support.httpserver import serve


def _mirror(tmp_path: Path) -> Path:
    """A small export layout: PyPI/all.zip with two entries."""
    root = tmp_path / "mirror"
    (root / "PyPI").mkdir(parents=True)
    with zipfile.ZipFile(root / "PyPI" / "all.zip", "w") as zf:
        zf.write(DATA / "vulndb" / "bad-entries" / "good.json", "PYSEC-2099-7.json")
        zf.write(DATA / "vulndb" / "bad-entries" / "bad-version.json", "PYSEC-2099-6.json")
    return root


def test_update_then_unchanged_uses_conditional_requests(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    with serve(_mirror(tmp_path)) as (url, state):
        first = update(db_path, url, ["PyPI"])
        second = update(db_path, url, ["PyPI"])
    assert (first.downloaded, first.unchanged) == (("PyPI",), ())
    assert (second.downloaded, second.unchanged) == ((), ("PyPI",))
    assert [r.status for r in state.requests] == [200, 304]
    assert state.requests[0].path == "/PyPI/all.zip"
    assert "If-None-Match" not in state.requests[0].headers
    assert state.requests[1].headers["If-None-Match"].startswith('"')
    assert "If-Modified-Since" in state.requests[1].headers
    with VulnDB(db_path) as db:
        assert db.stats().ecosystems[0].advisories == 2


def test_truncated_download_keeps_previous_database(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    mirror = _mirror(tmp_path)
    with serve(mirror) as (url, state):
        update(db_path, url, ["PyPI"])
        before = db_path.read_bytes()
        (mirror / "PyPI" / "all.zip").write_bytes((mirror / "PyPI" / "all.zip").read_bytes() * 2)
        state.truncate.add("/PyPI/all.zip")
        with pytest.raises(FetchError, match=r"PyPI/all\.zip"):
            update(db_path, url, ["PyPI"])
    assert db_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_ecosystem_is_a_clear_error(tmp_path: Path) -> None:
    with serve(_mirror(tmp_path)) as (url, _), pytest.raises(FetchError, match="HTTP 404"):
        update(tmp_path / "db.sqlite3", url, ["npm"])
    assert not (tmp_path / "db.sqlite3").exists()


def test_update_from_shared_export_served_over_http(tmp_path: Path) -> None:
    advisories = shared_path("advisories")
    root = tmp_path / "export"
    shutil.copytree(advisories, root)
    db_path = tmp_path / "db.sqlite3"
    with serve(root) as (url, state):
        result = update(db_path, url, ["PyPI", "Go", "crates.io"])
        again = update(db_path, url, ["PyPI", "Go", "crates.io"])
    assert result.downloaded == ("PyPI", "Go", "crates.io")
    assert again.unchanged == ("PyPI", "Go", "crates.io")
    assert [r.path for r in state.requests][:3] == [
        "/PyPI/all.zip", "/Go/all.zip", "/crates.io/all.zip",
    ]  # fmt: skip
    assert [r.status for r in state.requests] == [200, 200, 200, 304, 304, 304]
    with sqlite3.connect(db_path) as conn:
        rows = dict(conn.execute("SELECT ecosystem, etag FROM sources").fetchall())
    assert set(rows) == {"PyPI", "Go", "crates.io"}
    assert all(rows.values())
