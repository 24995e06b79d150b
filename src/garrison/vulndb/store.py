"""The vulnerability database: one SQLite file, read side (I/O module).

Readers open the file read-only and refuse a file that is not a garrison database; writes
go through `vulndb.writer.Writer` (built aside, swapped in).
"""

from __future__ import annotations

import contextlib
import json
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


def check_format(conn: sqlite3.Connection, path: Path) -> None:
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
        check_format(self._conn, path)

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


@contextlib.contextmanager
def open_db(path: Path) -> Iterator[VulnDB]:
    db = VulnDB(path)
    try:
        yield db
    finally:
        db.close()
