"""Alembic's environment: migrate over the connection garrison hands over (in one
transaction; on PostgreSQL under an advisory lock so two servers starting at once do not race).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from garrison.server.db.models import Base

_MIGRATION_LOCK = 7_281_446_201  # pg_advisory_xact_lock key for schema migrations


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        transactional_ddl=True,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations through garrison.server.db.migrate")
    _run(connection)


_main()
