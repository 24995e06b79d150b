"""The engine: SQLite pragmas and transaction modes, URL handling (no database needed for the
URL tests; the transaction tests use SQLite files)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from garrison.errors import ConfigError
from garrison.server.db.session import Database, describe_url, parse_url


def test_urls() -> None:
    assert parse_url("postgresql://u:pw@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:///x.db").drivername == "sqlite"
    assert (
        describe_url(parse_url("postgresql://u:hunter2@h/db")) == "postgresql+psycopg://u:***@h/db"
    )
    with pytest.raises(ConfigError, match="'mysql' is not supported"):
        parse_url("mysql://u@h/db")
    with pytest.raises(ConfigError, match="not a database URL"):
        parse_url("not a url")


def test_sqlite_pragmas(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'x.db'}")
    with database.session_scope(write=False) as session:
        values = [session.execute(text(f"PRAGMA {p}")).scalar() for p in
                  ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")]  # fmt: skip
    database.dispose()
    assert values == ["wal", 1, 2, 30000]


def test_sqlite_writers_take_the_lock_up_front_readers_do_not(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    database = Database(f"sqlite:///{path}")
    with database.session_scope() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with database.session_scope(write=False) as session:
        session.execute(text("SELECT count(*) FROM t"))
        other.execute("BEGIN IMMEDIATE")  # a deferred reader holds no write lock
        other.execute("ROLLBACK")
    with database.session_scope() as session:
        session.execute(text("SELECT count(*) FROM t"))  # nothing written yet, but locked
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.close()
    database.dispose()


def test_session_scope_rolls_back_on_error(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.session_scope() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    with pytest.raises(RuntimeError), database.session_scope() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("abort")
    with database.session_scope(write=False) as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
    database.dispose()
