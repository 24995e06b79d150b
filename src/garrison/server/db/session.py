"""The engine and transactions: one `Database` per server process.

SQLite (the zero set-up default): WAL journal, foreign keys on, synchronous=FULL (an accepted
upload survives a crash), a 30 s busy timeout, and transactions that will write start with
`BEGIN IMMEDIATE` — writers queue for the lock up front instead of failing half-way with
"database is locked", and a read-then-write (the audit chain) never sees a stale snapshot.
PostgreSQL (by URL, psycopg 3): READ COMMITTED, a pre-pinged connection pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from garrison.errors import ConfigError

_WRITE = "garrison_write"
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=30000",
)


def parse_url(text: str) -> URL:
    """A SQLAlchemy URL for SQLite or PostgreSQL; `postgresql://` uses psycopg 3."""
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigError(
            "database_url: not a database URL (sqlite:///FILE or postgresql://...)"
        ) from None
    backend = url.get_backend_name()
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"database_url: {backend!r} is not supported (use sqlite or postgresql)")
    return url


def describe_url(url: URL) -> str:
    """The URL as shown in messages: never the password."""
    return url.render_as_string(hide_password=True)


class Database:
    """An engine plus session factories for read-only and writing transactions."""

    def __init__(self, url: str | URL, *, pool_size: int = 10) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        self.engine = _engine(self.url, pool_size)
        self.dialect: str = self.engine.dialect.name
        writer = self.engine.execution_options(**{_WRITE: True})
        self._write = sessionmaker(bind=writer, expire_on_commit=False)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def session_scope(self, *, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back when it
        raises. `write=False` for reads (on SQLite they then do not take the write lock)."""
        session = self._write() if write else self._read()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _engine(url: URL, pool_size: int) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url, pool_size)
        return create_engine(
            url,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
            pool_pre_ping=True,
            pool_recycle=1800,
            connect_args={"connect_timeout": 10},
        )
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"database_url {describe_url(url)}: {exc}") from None


def _sqlite_engine(url: URL, pool_size: int) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=2 * pool_size,
        connect_args={"check_same_thread": False, "timeout": 30},
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
