"""Schema migrations (Alembic, configured in code): upgrade to head, what revision is current."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from garrison.errors import DatabaseError
from garrison.server import migrations
from garrison.server.db.session import Database, describe_url

SCRIPT_LOCATION = Path(migrations.__file__).parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(SCRIPT_LOCATION / "versions"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise DatabaseError("the server has no schema migrations (broken installation)")
    return head


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction (all or nothing)."""
    config = alembic_config()
    try:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except DBAPIError as exc:
        raise DatabaseError(
            f"{describe_url(database.url)}: cannot migrate the server database: "
            f"{type(exc.orig or exc).__name__}: {str(exc.orig or exc).splitlines()[0]}"
        ) from None
