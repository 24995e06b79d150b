"""Bulk inserts (I/O module): on PostgreSQL, rows stream through COPY in the session's own
transaction (one round trip instead of one statement per row); elsewhere, and for a few rows,
one executemany."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, insert
from sqlalchemy.orm import Session

COPY_FROM = 50  # fewer rows: an executemany is as quick


def bulk_insert(session: Session, model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, Python values as the ORM takes them)."""
    if not rows:
        return
    table = model.__table__
    names = list(rows[0])
    defaulted = {c.name for c in table.columns if c.default is not None and not c.primary_key}
    if (
        session.get_bind().dialect.name != "postgresql"
        or len(rows) < COPY_FROM
        or not defaulted <= set(names)  # COPY would not apply the ORM's Python defaults
    ):
        session.execute(insert(model), list(rows))
        return
    as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
    listed = ", ".join(f'"{name}"' for name in names)
    driver: Any = session.connection().connection.driver_connection  # psycopg's, in our tx
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({listed}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([_value(row[name], name in as_json) for name in names])


def _value(value: Any, is_json: bool) -> Any:
    return json.dumps(value) if is_json and value is not None else value
