"""A server process killed (SIGKILL) in the middle of an upload or of an advisory sync restarts
with a consistent database. Upload: every accepted upload is there whole, the interrupted one
is not there at all, the audit chain holds, and the same key can be uploaded again. Sync: the
batches committed before the kill are there, the restarted server's first scheduled sync
finishes the rest (even with the OSV download failing), and nothing is doubled. Real uvicorn in
a subprocess, on SQLite and PostgreSQL.

The kill lands inside a transaction for certain: the launcher's after-upload hook (which runs
after the artifact and its components are written, before the commit) blocks for the key
"crash-me", and its patched sync blocks in the second batch (one advisory per batch); each
writes a marker file first, and the test kills the server once the marker exists.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from garrison.server.app import prepare_database
from garrison.server.auth import create_token
from garrison.server.config import load_server_settings
from tests.server.evaluation_helpers import osv
from tests.server.helpers import PURLS_V1, artifact_body

LAUNCHER = """
import pathlib, sys, threading
import uvicorn
from garrison.server import sync
from garrison.server.app import create_app
from garrison.server.config import load_server_settings
from garrison.server.db.models import Artifact

config, port, marker = pathlib.Path(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])

def hang_once(why):
    if not marker.exists():
        marker.write_text(why)
        threading.Event().wait()

def hang_in_crash_me_upload(server, session, artifact_id):
    if session.get(Artifact, artifact_id).key == "crash-me":
        hang_once("inside the upload transaction")

sync.BATCH = 1  # one advisory per committed batch
batches = []
real_batch = sync._rematch_batch

def hang_in_second_batch(session, ev, advisories, ids):
    batches.append(ids)
    if len(batches) == 2:
        hang_once("inside the second batch's transaction")
    return real_batch(session, ev, advisories, ids)

sync._rematch_batch = hang_in_second_batch
app = create_app(load_server_settings(config), after_upload=[hang_in_crash_me_upload])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(
    check: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 60  # a wait, not an assertion on speed
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited ({proc.returncode}): {log.read_text()}")
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within 60 s: {log.read_text()}")


@contextmanager
def _server(
    tmp_path: Path, config: Path, marker: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    script = tmp_path / "launch.py"
    script.write_text(LAUNCHER)
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(script), str(config), str(port), str(marker)],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _healthy(base), "the server answering /healthz", proc, log_path)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_during_an_upload_restarts_consistent(database_url: str, tmp_path: Path) -> None:
    config = _write_config(tmp_path, database_url, background=False)
    ci, admin = _tokens(config)
    marker = tmp_path / "marker"
    accepted = [f"build-{n}" for n in range(3)]
    big = [f"pkg:npm/dependency-{n}@1.0.{n}" for n in range(400)]
    with _server(tmp_path, config, marker) as (base, proc):
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ci}"}, timeout=60)
        for key in accepted:
            assert client.post("/api/v1/artifacts", json=artifact_body(key)).status_code == 201
        interrupted: list[BaseException] = []
        thread = threading.Thread(target=_upload_expecting_failure, args=(client, big, interrupted))
        thread.start()
        _wait_for(
            marker.exists, "the crash-me upload reaching its transaction", proc, tmp_path / "x"
        )
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        thread.join()
        client.close()
    assert len(interrupted) == 1 and isinstance(interrupted[0], httpx.HTTPError)
    with _server(tmp_path, config, marker) as (base, _proc):
        _check_consistent(base, ci, admin, accepted, big)


def _write_config(tmp_path: Path, database_url: str, *, background: bool) -> Path:
    config = tmp_path / "server.yaml"
    config.write_text(yaml.safe_dump({
        "database_url": database_url, "advisory_db": str(tmp_path / "adv.sqlite3"),
        "teams": {"alpha": {}}, "background": background,
        "osv_base_url": "http://127.0.0.1:9", "osv_ecosystems": ["PyPI"],
    }))  # fmt: skip
    return config


def _tokens(config: Path) -> tuple[str, str]:
    """An uploader token of team alpha and a global admin token."""
    database = prepare_database(load_server_settings(config))
    with database.session_scope() as session:
        ci = create_token(session, name="ci", role="uploader", team="alpha").secret
        admin = create_token(session, name="admin", role="admin", team=None).secret
    database.dispose()
    return ci, admin


def _upload_expecting_failure(
    client: httpx.Client, purls: list[str], out: list[BaseException]
) -> None:
    try:
        client.post("/api/v1/artifacts", json=artifact_body("crash-me", purls))
    except httpx.HTTPError as exc:
        out.append(exc)


def _check_consistent(base: str, ci: str, admin: str, accepted: list[str], big: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        as_admin = {"Authorization": f"Bearer {admin}"}
        listed = client.get("/api/v1/artifacts", headers=as_admin).json()
        assert sorted(a["key"] for a in listed["items"]) == accepted
        assert [a["components"] for a in listed["items"]] == [len(PURLS_V1)] * len(accepted)
        verified = client.get("/api/v1/audit/verify", headers=as_admin).json()
        assert verified["ok"] is True, verified
        actions = [
            e["action"] for e in client.get("/api/v1/audit", headers=as_admin).json()["items"]
        ]
        assert actions.count("artifact.created") == len(accepted)
        again = client.post(
            "/api/v1/artifacts", json=artifact_body("crash-me", big),
            headers={"Authorization": f"Bearer {ci}"},
        )  # fmt: skip
        assert (again.status_code, again.json()["components"]) == (201, len(big))


ADVISORIES = (
    osv("GHSA-1111", "requests", "2.32.0"),
    osv("GHSA-2222", "Flask-Login", "0.7.0"),
    osv("GHSA-3333", "requests", "2.31.1"),
)
BUILDS = ("build-0", "build-1", "build-2")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_during_a_sync_resumes_on_restart(database_url: str, tmp_path: Path) -> None:
    config = _write_config(tmp_path, database_url, background=False)
    ci, admin = _tokens(config)
    marker = tmp_path / "marker"
    with _server(tmp_path, config, marker) as (base, proc):
        with httpx.Client(base_url=base, timeout=60) as client:
            for key in BUILDS:
                answer = client.post("/api/v1/artifacts", json=artifact_body(key), headers=_as(ci))
                assert answer.status_code == 201
        interrupted: list[BaseException] = []
        thread = threading.Thread(
            target=_upload_osv_expecting_failure, args=(base, admin, interrupted)
        )
        thread.start()
        _wait_for(marker.exists, "the sync reaching its second batch", proc, tmp_path / "x")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        thread.join()
    assert len(interrupted) == 1 and isinstance(interrupted[0], httpx.HTTPError)
    with _server(tmp_path, config, marker) as (base, _proc):
        assert _findings(base, admin) == [(key, "GHSA-1111") for key in BUILDS]
    restarted = _write_config(tmp_path, database_url, background=True)
    with _server(tmp_path, restarted, marker) as (base, proc):
        everything = sorted((key, a[0].removesuffix(".json")) for key in BUILDS for a in ADVISORIES)
        _wait_for(
            lambda: _findings(base, admin) == everything, "the resumed sync", proc, tmp_path / "x"
        )
        with httpx.Client(base_url=base, timeout=60, headers=_as(admin)) as client:
            verified = client.get("/api/v1/audit/verify").json()
            assert verified["ok"] is True, verified
            syncs = [
                e
                for e in client.get("/api/v1/audit").json()["items"]
                if e["action"] == "advisories.sync"
            ]
    assert len(syncs) == 1  # the killed sync recorded nothing; the resumed one once
    assert syncs[0]["details"]["changed_advisories"] == 2


def _as(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _upload_osv_expecting_failure(base: str, admin: str, out: list[BaseException]) -> None:
    files = [("files", (label, data, "application/json")) for label, data in ADVISORIES]
    try:
        httpx.post(f"{base}/api/v1/advisories", files=files, headers=_as(admin), timeout=60)
    except httpx.HTTPError as exc:
        out.append(exc)


def _findings(base: str, admin: str) -> list[tuple[str, str]]:
    answer = httpx.get(f"{base}/api/v1/findings?limit=100", headers=_as(admin), timeout=60)
    return sorted((f["artifact"], f["rule_id"]) for f in answer.json()["items"])
