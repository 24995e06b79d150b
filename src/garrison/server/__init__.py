"""The monitoring server (`garrison serve`): an inventory of artifacts and deployments,
continuous re-evaluation against the advisory database, issues for teams, the build gate and
freshness. FastAPI on uvicorn, SQLAlchemy 2 with Alembic migrations (SQLite or PostgreSQL).

Entry points: `garrison.server.config.load_server_settings`, `garrison.server.app.create_app`,
`garrison.server.app.prepare_database`.
"""
