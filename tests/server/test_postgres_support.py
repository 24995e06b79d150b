"""The test PostgreSQL cluster itself: a real server answering SQL on 127.0.0.1."""

from __future__ import annotations

import psycopg

from tests.support.postgres import PostgresCluster


def test_cluster_gives_fresh_empty_databases(postgres_cluster: PostgresCluster) -> None:
    first = postgres_cluster.create_database()
    second = postgres_cluster.create_database()
    assert first != second
    plain = first.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        version = conn.execute("SHOW server_version_num").fetchone()
    assert tables == (0,)
    assert version is not None and int(version[0]) >= 130000
    postgres_cluster.drop_database(first)
    postgres_cluster.drop_database(second)
    assert postgres_cluster.databases == []
