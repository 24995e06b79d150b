"""Benchmark: the monitoring server's API latency under a bounded load on 127.0.0.1.

    .venv/bin/python bench/server_load_bench.py [--db sqlite|postgresql|both]
        [--artifacts 300] [--components 20] [--duration 10] [--connections 8] [--threads 2]
        [--tool auto|wrk|httpx] [--out bench/out/server-load.md]

Starts `garrison serve` (a uvicorn subprocess, one worker) on a fresh SQLite database or on a
private PostgreSQL cluster started like the tests do (tests/support/postgres.py), seeds it
through the API (synthetic advisories, then N artifacts of C PyPI components each, some of them
vulnerable, so findings exist), then drives each endpoint in turn for --duration seconds with
--connections concurrent keep-alive connections: GET /healthz, /api/v1/artifacts,
/api/v1/findings and /api/v1/gate?artifact=KEY, with an admin token. The driver is `wrk` when
installed (a Lua `done` hook prints p50/p95/p99 and the error counts), else a closed-loop httpx
client in threads. Reported per endpoint: requests/s, p50/p95/p99 (ms) and errors (transport
errors + non-2xx answers). The load generator shares the machine's cores with the server, and
other work on a shared machine shows in the numbers: re-run it alone for release numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.server_bench import database_url  # noqa: E402

from garrison.server.app import prepare_database  # noqa: E402
from garrison.server.auth import create_token  # noqa: E402
from garrison.server.config import load_server_settings  # noqa: E402

VULNERABLE = ("requests", "flask", "jinja2", "urllib3", "pyyaml")  # advisories fixed in 99.0
# summary.errors.status is wrk's count of answers >= 400 (its "Non-2xx or 3xx responses")
WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50\\": %d, \\"p95\\": %d, " ..
    "\\"p99\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare(work: Path, url: str) -> tuple[Path, str]:
    """A config file for a fresh server on `url`, and an admin token created in its database."""
    config = work / "server.yaml"
    config.write_text(
        json.dumps(  # YAML is a superset of JSON
            {
                "database_url": url,
                "advisory_db": str(work / "advisories.sqlite3"),
                "teams": {"alpha": {}, "beta": {}},
                "background": False,
            }
        )
    )
    database = prepare_database(load_server_settings(config, env={}))
    try:
        with database.session_scope() as session:
            secret = create_token(session, name="load-bench", role="admin", team=None).secret
    finally:
        database.dispose()
    return config, secret


@contextlib.contextmanager
def running_server(config: Path) -> Iterator[str]:
    """`garrison serve` in a subprocess on a free port; its base URL once /healthz answers."""
    port = _free_port()
    command = [str(REPO / ".venv/bin/garrison"), "serve", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            if process.poll() is not None:
                raise RuntimeError(f"garrison serve exited with {process.returncode}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _osv(ident: str, name: str) -> bytes:
    affected = {"package": {"ecosystem": "PyPI", "name": name},
                "ranges": [{"type": "ECOSYSTEM",
                            "events": [{"introduced": "0"}, {"fixed": "99.0"}]}]}  # fmt: skip
    document = {"id": ident, "modified": "2024-01-01T00:00:00Z", "summary": f"synthetic {ident}",
                "affected": [affected]}  # fmt: skip
    return json.dumps(document).encode()


def _artifact(index: int, components: int) -> dict[str, Any]:
    names = [VULNERABLE[index % len(VULNERABLE)]]
    names += [f"bench-pkg-{(index + k) % 500}" for k in range(components - 1)]
    sbom_components = [
        {"type": "library", "bom-ref": f"c{k}", "name": name, "version": f"1.{index % 7}.0",
         "purl": f"pkg:pypi/{name}@1.{index % 7}.0"}
        for k, name in enumerate(names)
    ]  # fmt: skip
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "serialNumber": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
            "components": sbom_components}  # fmt: skip
    key = f"sha256:{index:064x}"
    return {"key": key, "name": f"service-{index % 40}", "version": f"1.0.{index}",
            "team": ("alpha", "beta")[index % 2], "sbom": sbom}  # fmt: skip


def seed(base: str, headers: dict[str, str], artifacts: int, components: int) -> str:
    """Advisories, then the artifacts, through the API; the key of one vulnerable artifact."""
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        files = [("files", (f"{n}.json", _osv(f"GHSA-bnch-{n[:4]}-0000", n), "application/json"))
                 for n in VULNERABLE]  # fmt: skip
        answer = client.post("/api/v1/advisories", files=files)
        if answer.status_code != 200:
            raise SystemExit(f"advisory upload: {answer.status_code} {answer.text[:300]}")
        for index in range(artifacts):
            client.post("/api/v1/artifacts", json=_artifact(index, components)).raise_for_status()
        findings = client.get("/api/v1/findings").json()
    print(f"seeded {artifacts} artifacts; GET /api/v1/findings: {_count(findings)} entries")
    return str(_artifact(0, components)["key"])


def _count(body: Any) -> int:
    if isinstance(body, list):
        return len(body)
    items: Any = body.get("items", body.get("findings", [])) if isinstance(body, dict) else []
    return len(items)


def run_wrk(url: str, token: str, args: argparse.Namespace, work: Path) -> dict[str, float]:
    script = work / "done.lua"
    script.write_text(WRK_DONE)
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "-s", str(script), "-H", f"Authorization: Bearer {token}", url]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(text for text in output.splitlines() if text.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    return {"rps": raw["requests"] / (raw["duration_us"] / 1e6), "p50": raw["p50"] / 1000,
            "p95": raw["p95"] / 1000, "p99": raw["p99"] / 1000,
            "errors": raw["errors"], "requests": raw["requests"]}  # fmt: skip


def run_httpx(url: str, token: str, args: argparse.Namespace, _work: Path) -> dict[str, float]:
    """Closed loop: --connections threads, each with its own keep-alive client."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + args.duration

    def worker() -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            while (start := time.perf_counter()) < stop_at:
                try:
                    failed = client.get(url).status_code >= 300
                except httpx.HTTPError:
                    failed = True
                with lock:
                    latencies.append((time.perf_counter() - start) * 1000)
                    errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / (time.perf_counter() - began), "p50": cuts[49],
            "p95": cuts[94], "p99": cuts[98], "errors": errors[0],
            "requests": len(latencies)}  # fmt: skip


def report(all_results: dict[str, dict[str, dict[str, float]]], args: argparse.Namespace,
           tool: str) -> str:  # fmt: skip
    lines = [
        "# Server API load bench (bench/server_load_bench.py)",
        "",
        f"Command: `.venv/bin/python bench/server_load_bench.py --db {args.db} "
        f"--artifacts {args.artifacts} --components {args.components} "
        f"--duration {args.duration} --connections {args.connections} "
        f"--threads {args.threads} --tool {args.tool}`",
        f"Driver: {tool}; server: `garrison serve` (uvicorn, 1 process), 127.0.0.1;",
        f"machine: {platform.machine()}, {_cpus()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}.",
        "The load generator shares the machine's cores with the server.",
        "",
        "| database | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, results in all_results.items():
        for path, row in results.items():
            lines.append(
                f"| {kind} | {path} | {row['requests']:.0f} | {row['rps']:.0f} | "
                f"{row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | {row['errors']:.0f} |"
            )
    return "\n".join(lines) + "\n"


def _cpus() -> str:
    import os

    models = [line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")]
    return f"{os.cpu_count()} x {models[0] if models else 'unknown CPU'}"


def _cpuinfo() -> list[str]:
    with contextlib.suppress(OSError):
        return Path("/proc/cpuinfo").read_text().splitlines()
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--artifacts", type=int, default=300)
    parser.add_argument("--components", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--out", type=Path, default=REPO / "bench/out/server-load.md")
    args = parser.parse_args()
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    all_results = {}
    for kind in kinds:
        with (
            tempfile.TemporaryDirectory(prefix="garrison-load-") as scratch,
            database_url(kind, Path(scratch)) as url,
        ):
            if url is not None:
                all_results[kind] = load(Path(scratch), url, args, tool)
    text = report(all_results, args, tool)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


def load(work: Path, url: str, args: argparse.Namespace, tool: str) -> dict[str, dict[str, float]]:
    """Seed a server on `url`, then drive each endpoint in turn."""
    drive = run_wrk if tool == "wrk" else run_httpx
    config, token = prepare(work, url)
    with running_server(config) as base:
        key = seed(base, {"Authorization": f"Bearer {token}"}, args.artifacts, args.components)
        paths = {"/healthz": "/healthz", "/api/v1/artifacts": "/api/v1/artifacts",
                 "/api/v1/findings": "/api/v1/findings",
                 "/api/v1/gate?artifact=KEY": f"/api/v1/gate?artifact={key}"}  # fmt: skip
        return {label: drive(base + path, token, args, work) for label, path in paths.items()}


if __name__ == "__main__":
    main()
