"""Writing the vulnerability database: build aside, then swap (I/O module).

`Writer` copies the current database to a temporary file beside it (SQLite backup API),
applies the import there, and replaces the original with os.replace() only on commit. A crash
or Ctrl-C leaves the previous database untouched; the temporary file is removed, or, after a
kill, by the next writer.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from garrison.errors import DatabaseError
from garrison.vulndb.advisory import Advisory, AffectedPackage
from garrison.vulndb.store import FORMAT, SCHEMA_VERSION, check_format

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  ecosystem TEXT PRIMARY KEY, url TEXT, etag TEXT, last_modified TEXT, checked_at TEXT
);
CREATE TABLE advisories (
  id TEXT PRIMARY KEY, modified TEXT NOT NULL, published TEXT, withdrawn TEXT,
  ecosystems TEXT NOT NULL, summary TEXT NOT NULL, severity INTEGER NOT NULL,
  score REAL, vector TEXT, aliases TEXT NOT NULL, refs TEXT NOT NULL, document BLOB NOT NULL
);
CREATE TABLE aliases (alias TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX aliases_alias ON aliases (alias);
CREATE INDEX aliases_id ON aliases (id);
CREATE TABLE affected (
  id TEXT NOT NULL, ecosystem TEXT NOT NULL, release TEXT, name TEXT NOT NULL,
  key TEXT NOT NULL, ranges TEXT NOT NULL, versions TEXT NOT NULL
);
CREATE INDEX affected_package ON affected (ecosystem, key);
CREATE INDEX affected_id ON affected (id);
"""


class Writer:
    """Builds the next version of the database aside; commit() swaps it in atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        _remove_abandoned(path)
        self._conn = sqlite3.connect(self._tmp, isolation_level=None)
        try:
            self._start_from_current()
        except BaseException:
            self.abort()
            raise
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute("PRAGMA journal_mode = OFF")
        self._conn.execute("BEGIN")

    def _start_from_current(self) -> None:
        if not self.path.exists():
            self._conn.executescript(_SCHEMA)
            self._conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("format", FORMAT), ("schema_version", SCHEMA_VERSION)],
            )
            return
        try:
            source = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise DatabaseError(f"{self.path}: cannot open: {exc}") from None
        with contextlib.closing(source):
            check_format(source, self.path)
            source.backup(self._conn)

    def add(self, advisory: Advisory, document: bytes) -> None:
        """Insert or replace one advisory (withdrawn ones are kept for 'show', never matched)."""
        conn = self._conn
        conn.execute("DELETE FROM affected WHERE id = ?", (advisory.id,))
        conn.execute("DELETE FROM aliases WHERE id = ?", (advisory.id,))
        ecos = sorted({a.ecosystem for a in advisory.affected})
        conn.execute(
            "INSERT OR REPLACE INTO advisories VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                advisory.id, advisory.modified, advisory.published, advisory.withdrawn,
                "\n".join(ecos), advisory.summary, int(advisory.rating.severity),
                advisory.rating.score, advisory.rating.vector, json.dumps(advisory.aliases),
                json.dumps(advisory.references), zlib.compress(document, 6),
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO aliases VALUES (?, ?)",
            [(ident, advisory.id) for ident in dict.fromkeys((advisory.id, *advisory.aliases))],
        )
        if advisory.withdrawn:
            return
        conn.executemany(
            "INSERT INTO affected VALUES (?,?,?,?,?,?,?)",
            [_affected_row(advisory.id, package) for package in advisory.affected],
        )

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def set_source(
        self, ecosystem: str, url: str, etag: str | None, last_modified: str | None, when: str
    ) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            (ecosystem, url, etag, last_modified, when),
        )

    def commit(self) -> None:
        self._conn.execute("COMMIT")
        self._conn.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _remove_abandoned(path: Path) -> None:
    """Delete temporary files left by writers that were killed (their process is gone)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        pid = leftover.name.removeprefix(f".{path.name}.").removesuffix(".tmp")
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _affected_row(advisory_id: str, package: AffectedPackage) -> tuple[Any, ...]:
    ranges = [[r.type, [list(event) for event in r.events]] for r in package.ranges]
    return (
        advisory_id, package.ecosystem, package.release, package.name, package.key,
        json.dumps(ranges), json.dumps(package.versions),
    )  # fmt: skip
