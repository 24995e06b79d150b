"""The vulnerability database: one SQLite file (I/O module).

Writes are built aside and swapped in: `Writer` copies the current database to a temporary
file beside it, applies the import there, and replaces the original with os.replace() only on
commit. A crash or Ctrl-C leaves the previous database untouched and the temporary file is
removed. Readers open the file read-only.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from garrison.errors import DatabaseError
from garrison.model import Severity
from garrison.vulndb.advisory import Advisory, AffectedPackage, Range, Rating

FORMAT = "garrison-vulndb"
SCHEMA_VERSION = "1"
_CHUNK = 500
_WHOLE_ECOSYSTEM_FROM = 5000

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


@dataclass(frozen=True, slots=True)
class EcosystemStats:
    ecosystem: str
    advisories: int
    withdrawn: int


@dataclass(frozen=True, slots=True)
class Stats:
    path: str
    updated_at: str | None
    newest_modified: str | None
    ecosystems: tuple[EcosystemStats, ...]


def _foreign(path: Path, reason: str) -> DatabaseError:
    return DatabaseError(f"{path}: not a garrison vulnerability database ({reason})")


def _check_format(conn: sqlite3.Connection, path: Path) -> None:
    try:
        rows = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise _foreign(path, str(exc)) from None
    if rows.get("format") != FORMAT:
        raise _foreign(path, "no garrison format marker")
    if rows.get("schema_version") != SCHEMA_VERSION:
        raise DatabaseError(
            f"{path}: database schema {rows.get('schema_version')!r} is not the supported "
            f"{SCHEMA_VERSION!r}; rebuild it with 'garrison db update' or 'garrison db import'"
        )


class VulnDB:
    """Read access to an existing database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise DatabaseError(
                f"{path}: no vulnerability database; run 'garrison db update' "
                "or 'garrison db import SOURCE'"
            )
        try:
            self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise DatabaseError(f"{path}: cannot open: {exc}") from None
        _check_format(self._conn, path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> VulnDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def updated_at(self) -> datetime | None:
        value = self.meta("updated_at")
        return None if value is None else datetime.fromisoformat(value)

    def source_state(self, ecosystem: str) -> tuple[str | None, str | None]:
        row = self._conn.execute(
            "SELECT etag, last_modified FROM sources WHERE ecosystem = ?", (ecosystem,)
        ).fetchone()
        return (None, None) if row is None else (row[0], row[1])

    def advisories_for(
        self, ecosystem: str, keys: Collection[str]
    ) -> Mapping[str, Sequence[Advisory]]:
        """Non-withdrawn advisories per package key, each narrowed to that package."""
        rows: list[tuple[Any, ...]] = []
        if len(keys) > _WHOLE_ECOSYSTEM_FROM:
            # Many keys: one pass over the ecosystem beats hundreds of IN (...) queries.
            wanted = set(keys)
            cursor = self._conn.execute(_ECOSYSTEM_ROWS, (ecosystem,))
            return _advisories_from_rows(ecosystem, [r for r in cursor if r[11] in wanted])
        ordered = sorted(keys)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows.extend(self._conn.execute(_CANDIDATES.format(marks=marks), (ecosystem, *chunk)))
        return _advisories_from_rows(ecosystem, rows)

    def documents(self, ident: str) -> list[dict[str, Any]]:
        """The stored OSV documents whose id or alias is `ident` (a CVE finds PYSEC and GHSA)."""
        ids = [
            row[0]
            for row in self._conn.execute(
                "SELECT DISTINCT id FROM aliases WHERE alias = ? ORDER BY id", (ident,)
            )
        ]
        docs = []
        for advisory_id in ids:
            row = self._conn.execute(
                "SELECT document FROM advisories WHERE id = ?", (advisory_id,)
            ).fetchone()
            docs.append(json.loads(zlib.decompress(row[0])))
        return docs

    def stats(self) -> Stats:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for ecos, withdrawn in self._conn.execute("SELECT ecosystems, withdrawn FROM advisories"):
            for eco in str(ecos).split("\n"):
                counts[eco][1 if withdrawn else 0] += 1
        newest = self._conn.execute("SELECT max(modified) FROM advisories").fetchone()[0]
        return Stats(
            path=str(self.path),
            updated_at=self.meta("updated_at"),
            newest_modified=newest,
            ecosystems=tuple(
                EcosystemStats(eco, live + gone, gone)
                for eco, (live, gone) in sorted(counts.items())
            ),
        )


_CANDIDATES = """
SELECT a.id, a.modified, a.published, a.summary, a.severity, a.score, a.vector, a.aliases,
       a.refs, f.release, f.name, f.key, f.ranges, f.versions
FROM affected f JOIN advisories a ON a.id = f.id
WHERE f.ecosystem = ? AND f.key IN ({marks})
ORDER BY a.id, f.rowid
"""
_ECOSYSTEM_ROWS = _CANDIDATES.replace("AND f.key IN ({marks})", "")


def _advisories_from_rows(ecosystem: str, rows: list[tuple[Any, ...]]) -> dict[str, list[Advisory]]:
    grouped: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        grouped[(row[11], row[0])].append(row)
    result: dict[str, list[Advisory]] = defaultdict(list)
    for (key, _), package_rows in grouped.items():
        result[key].append(_advisory_from_rows(ecosystem, package_rows))
    return result


def _advisory_from_rows(ecosystem: str, rows: list[tuple[Any, ...]]) -> Advisory:
    first = rows[0]
    affected = tuple(
        AffectedPackage(
            ecosystem=ecosystem,
            release=row[9],
            name=row[10],
            key=row[11],
            ranges=tuple(
                Range(kind, tuple((e[0], e[1]) for e in events))
                for kind, events in json.loads(row[12])
            ),
            versions=tuple(json.loads(row[13])),
        )
        for row in rows
    )
    return Advisory(
        id=first[0],
        modified=first[1],
        published=first[2],
        withdrawn=None,
        aliases=tuple(json.loads(first[7])),
        summary=first[3],
        rating=Rating(Severity(first[4]), first[5], first[6]),
        affected=affected,
        references=tuple(json.loads(first[8])),
    )


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
            _check_format(source, self.path)
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


@contextlib.contextmanager
def open_db(path: Path) -> Iterator[VulnDB]:
    db = VulnDB(path)
    try:
        yield db
    finally:
        db.close()
