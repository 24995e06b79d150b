"""A real PostgreSQL server for tests: a private cluster (`initdb` + `pg_ctl` from Debian's
/usr/lib/postgresql/*/bin) in a temporary directory, listening on 127.0.0.1 on a free port.

PostgreSQL refuses to run as root, so as root every command runs as the `postgres` OS user
(`runuser -u postgres --`). When no PostgreSQL is installed the caller skips with the reason
(`.ci/run` installs Debian's `postgresql`). `GARRISON_TEST_POSTGRES_URL` (a superuser URL such
as `postgresql://user@127.0.0.1:5432/postgres`) uses an existing server instead.

Each test gets a fresh, empty database (`PostgresCluster.create_database`), dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

BIN_GLOB = "/usr/lib/postgresql/*/bin"
ENV_URL = "GARRISON_TEST_POSTGRES_URL"
SUPERUSER = "garrison"
_counter = itertools.count(1)


def find_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory (with initdb and pg_ctl), or None."""
    found = sorted(
        (p for p in Path("/").glob(BIN_GLOB.lstrip("/")) if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    """A running server; `admin_url` is a psycopg-style URL to its `postgres` database."""

    host: str
    port: int
    user: str
    password: str = ""
    databases: list[str] = field(default_factory=list)

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        secret = f":{quote(self.password, safe='')}" if self.password else ""
        return f"{driver}://{quote(self.user, safe='')}{secret}@{self.host}:{self.port}/{database}"

    @property
    def admin_url(self) -> str:
        return self.url("postgres", driver="postgresql")

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL (psycopg 3 driver)."""
        name = f"garrison_test_{os.getpid()}_{next(_counter)}"
        self._execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.databases:
            self.databases.remove(name)

    def _execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement.encode())


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    if shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' OS user to run PostgreSQL")
    return ["runuser", "-u", "postgres", "--", *argv]


def _prepare_dir() -> Path:
    """A temporary directory the server's OS user owns (tmp_path is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="garrison-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    return root


def _run(argv: list[str], log: Path) -> None:
    result = subprocess.run(_as_postgres(argv), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{Path(argv[0]).name} failed ({result.returncode}): {result.stderr}\n"
            f"{log.read_text(errors='replace') if log.exists() else ''}"
        )


def _start(bindir: Path, data: Path, sockets: Path, log: Path) -> int:
    """Start the server on a free port (a few tries: another process may take the port)."""
    last: Exception | None = None
    for _ in range(5):
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sockets} "
            "-c fsync=off -c full_page_writes=off -c max_connections=200 -c log_min_messages=error"
        )
        try:
            _run(
                [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
                 "-t", "60", "start"],
                log,
            )  # fmt: skip
            return port
        except RuntimeError as exc:
            last = exc
            time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL did not start: {last}")


@contextmanager
def run_postgres() -> Iterator[PostgresCluster]:
    """Start a private cluster (or use GARRISON_TEST_POSTGRES_URL); skip when not installed."""
    external = os.environ.get(ENV_URL)
    if external:
        yield _external(external)
        return
    bindir = find_bin()
    if bindir is None:
        pytest.skip(
            f"PostgreSQL is not installed (no {BIN_GLOB}/initdb; apt-get install postgresql)"
        )
    root = _prepare_dir()
    data, log = root / "data", root / "server.log"
    _run(
        [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
        log,
    )  # fmt: skip
    port = _start(bindir, data, root, log)
    try:
        yield PostgresCluster("127.0.0.1", port, SUPERUSER)
    finally:
        subprocess.run(
            _as_postgres(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def _external(url: str) -> PostgresCluster:
    parts = urlsplit(url)
    return PostgresCluster(
        parts.hostname or "127.0.0.1",
        parts.port or 5432,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )
