"""Alembic migrations of the server database (env.py, versions/), shipped in the package.

They run through garrison.server.db.migrate, which builds the Alembic configuration in code
(there is no alembic.ini). A new revision is a new file in versions/ whose `down_revision` is
the previous head; tests/server/test_migrate.py checks that head creates exactly the schema of
garrison.server.db.models on SQLite and PostgreSQL.
"""
