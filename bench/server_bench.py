"""Benchmark: the monitoring server's re-evaluation on SQLite and PostgreSQL.

    .venv/bin/python bench/server_bench.py [--db sqlite|postgresql|both] [--artifacts 10000]
        [--components 300] [--ingest-sample 300] [--hot 1000] [--advisories 20000]
        [--out /tmp/i8/s2-bench.md]

An inventory of N artifacts x C components (synthetic PyPI packages, 4 builds per artifact
name, the newest deployed; 10 teams, each with a webhook sink) and an advisory database of A
synthetic advisories over the same packages. Measured, per database:

1. ingest: SBOMs per second through the server's ingest function (CycloneDX JSON parsed,
   components stored, audit entry, the upload hook matching the artifact against every
   advisory) for the first --ingest-sample artifacts; the rest is bulk-loaded (not timed);
2. a full re-match of the whole index (every package against the advisory database);
3. a sync that changes nothing (the diff of `modified` against advisory_state);
4. a new advisory touching --hot artifacts: import into the advisory database, then the
   re-match until every finding, issue and delivery row is committed (the goal is < 1 s).

PostgreSQL is a private cluster started like the tests do (tests/support/postgres.py), or
$GARRISON_TEST_POSTGRES_URL. The machine's other load shows in the numbers: re-run it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from garrison.server import sync  # noqa: E402
from garrison.server.advisories import import_documents  # noqa: E402
from garrison.server.api.deps import ServerContext  # noqa: E402
from garrison.server.app import prepare_database  # noqa: E402
from garrison.server.auth import Principal  # noqa: E402
from garrison.server.config import ServerSettings, TeamSettings  # noqa: E402
from garrison.server.db.ingest import ArtifactFields, ingest_artifact  # noqa: E402
from garrison.server.db.models import (  # noqa: E402
    Artifact,
    Component,
    Delivery,
    Deployment,
    Finding,
    Issue,
    Team,
)
from garrison.server.db.session import Database  # noqa: E402
from garrison.server.evaluate import after_upload  # noqa: E402

NOW = datetime(2024, 7, 1, tzinfo=UTC)
TEAMS = 10
BUILDS = 4
HOT = "bench-hot"


class Universe:
    """Deterministic synthetic packages, advisories and artifacts."""

    def __init__(self, seed: int, packages: int) -> None:
        self.rng = random.Random(seed)
        self.names = [f"pkg-{i:05d}" for i in range(packages)]

    def version(self) -> str:
        return f"1.{self.rng.randrange(20)}.{self.rng.randrange(10)}"

    def advisory(self, index: int) -> dict[str, Any]:
        fixed = f"1.0.{self.rng.randrange(1, 10)}"  # ~2.5% of versions affected
        return _osv(f"OSV-BENCH-{index:06d}", self.rng.choice(self.names), fixed)

    def packages(self, count: int) -> list[tuple[str, str]]:
        return [(name, self.version()) for name in self.rng.sample(self.names, count)]


def _osv(ident: str, name: str, fixed: str) -> dict[str, Any]:
    return {
        "id": ident, "modified": "2024-01-01T00:00:00Z", "summary": f"synthetic {ident}",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
        "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                      "ranges": [{"type": "ECOSYSTEM",
                                  "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
    }  # fmt: skip


def _sbom(packages: list[tuple[str, str]]) -> bytes:
    components = [
        {"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n}@{v}"}
        for n, v in packages
    ]
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": components}).encode()  # fmt: skip


def _settings(url: str, work: Path) -> ServerSettings:
    sinks = {
        "hook": {"type": "webhook", "url": "http://127.0.0.1:9/", "secret_env": "BENCH_SECRET"}
    }
    teams = {f"team-{t}": TeamSettings(sinks=sinks) for t in range(TEAMS)}
    return ServerSettings(
        database_url=url, advisory_db=work / "advisories.sqlite3", teams=teams, background=False
    )


class Bench:
    def __init__(self, args: argparse.Namespace, url: str, work: Path) -> None:
        self.args = args
        self.settings = _settings(url, work)
        self.database: Database = prepare_database(self.settings)
        self.context = ServerContext(self.settings, self.database, clock=lambda: NOW,
                                     after_upload=(after_upload,))  # fmt: skip
        self.universe = Universe(8, args.packages)
        self.hot = set(self._hot_artifacts())
        self.results: dict[str, Any] = {}

    def _hot_artifacts(self) -> list[int]:
        """Indexes of the artifacts carrying the vulnerable hot package: newest builds first."""
        newest = [i for i in range(self.args.artifacts) if i % BUILDS == BUILDS - 1]
        older = [i for i in range(self.args.artifacts) if i % BUILDS != BUILDS - 1]
        return (newest + older)[: self.args.hot]

    def packages_of(self, index: int) -> list[tuple[str, str]]:
        packages = self.universe.packages(self.args.components)
        if index in self.hot:
            packages[0] = (HOT, "1.0.0")
        return packages

    def fields(self, index: int) -> ArtifactFields:
        name = f"app-{index // BUILDS:05d}"
        team = f"team-{(index // BUILDS) % TEAMS}"
        uploaded = NOW - timedelta(days=30) + timedelta(seconds=index)
        return ArtifactFields(f"sha256:{index:064x}", name, f"{index % BUILDS}.0", None, None,
                              uploaded, None, None, team)  # fmt: skip

    def advisories(self) -> None:
        started = time.perf_counter()
        batch = [self.universe.advisory(i) for i in range(self.args.advisories)]
        data = json.dumps(batch).encode()
        outcome = import_documents(self.settings.advisory_db, [("bench.json", data)])
        if outcome.imported != len(batch):
            raise SystemExit(f"advisories not imported: {outcome.problems[:3]}")
        self.results["advisory_import_s"] = time.perf_counter() - started

    def ingest_sample(self) -> None:
        principal = Principal(0, "bench", "admin", None, None)
        sample = min(self.args.ingest_sample, self.args.artifacts)
        documents = [(self.fields(i), _sbom(self.packages_of(i))) for i in range(sample)]
        started = time.perf_counter()
        for fields, sbom in documents:
            ingest_artifact(self.context, principal, fields, sbom)
        elapsed = time.perf_counter() - started
        self.results["ingest_sample"] = sample
        self.results["ingest_per_s"] = sample / elapsed if elapsed else 0.0

    def bulk_load(self) -> None:
        started = time.perf_counter()
        teams = {name: ident for ident, name in self._rows(select(Team.id, Team.name))}
        for first in range(self.args.ingest_sample, self.args.artifacts, 200):
            with self.database.session_scope() as session:
                for index in range(first, min(first + 200, self.args.artifacts)):
                    self._insert(session, index, teams)
        with self.database.session_scope() as session:
            newest = session.execute(
                select(Artifact.id, Artifact.name).where(Artifact.version == f"{BUILDS - 1}.0")
            )
            rows = [{"environment": "prod", "cluster": "c1", "workload": name,
                     "artifact_id": ident, "deployed_at": NOW - timedelta(days=3),
                     "last_seen_at": NOW, "restarted_at": None}
                    for ident, name in newest]  # fmt: skip
            session.execute(insert(Deployment), rows)
        self.results["bulk_load_s"] = time.perf_counter() - started

    def _rows(self, query: Any) -> list[Any]:
        with self.database.session_scope(write=False) as session:
            return list(session.execute(query))

    def _insert(self, session: Any, index: int, teams: dict[str, int]) -> None:
        f = self.fields(index)
        ident = session.scalar(insert(Artifact).returning(Artifact.id), [{
            "key": f.key, "name": f.name, "version": f.version, "source_repo": None,
            "source_commit": None, "created_at": f.created_at, "base_name": None,
            "base_digest": None, "team_id": teams[f.team or ""], "sbom": b"",
            "uploaded_at": f.created_at, "uploaded_by": "bench",
        }])  # fmt: skip
        rows = [{"artifact_id": ident, "ecosystem": "PyPI", "name_key": n, "name": n, "version": v,
                 "purl": f"pkg:pypi/{n}@{v}", "release": None, "source_package": None}
                for n, v in self.packages_of(index)]  # fmt: skip
        session.execute(insert(Component), rows)

    def timed(self, label: str, action: Any) -> Any:
        started = time.perf_counter()
        value = action()
        self.results[label] = time.perf_counter() - started
        return value

    def run(self) -> dict[str, Any]:
        self.advisories()
        self.ingest_sample()
        self.bulk_load()
        full = self.timed("full_rematch_s", lambda: sync.full_rematch(self.context))
        self.results["full_rematch_findings"] = full.findings_created
        self.timed("no_change_sync_s", lambda: sync.rematch_changed(self.context))
        hot = json.dumps(_osv("OSV-BENCH-HOT-1", HOT, "1.1.0")).encode()
        self.timed(
            "hot_import_s", lambda: import_documents(self.settings.advisory_db, [("hot.json", hot)])
        )
        report = self.timed("hot_rematch_s", lambda: sync.rematch_changed(self.context))
        self.results["hot_total_s"] = self.results["hot_import_s"] + self.results["hot_rematch_s"]
        self.results["hot_findings"] = report.findings_created
        self.results["hot_issues"] = len(report.issues.opened)
        self.results["counts"] = self.counts()
        return self.results

    def counts(self) -> dict[str, int]:
        with self.database.session_scope(write=False) as session:
            return {
                model.__tablename__: int(
                    session.scalar(select(func.count()).select_from(model)) or 0
                )
                for model in (Artifact, Component, Finding, Issue, Delivery)
            }


@contextlib.contextmanager
def database_url(kind: str, work: Path) -> Iterator[str | None]:
    if kind == "sqlite":
        yield f"sqlite:///{work / 'server.db'}"
        return
    from tests.support.postgres import run_postgres

    try:
        with run_postgres() as cluster:
            yield cluster.create_database()
    except BaseException as exc:  # pytest.skip when PostgreSQL is not installed
        if type(exc).__name__ == "Skipped":
            print(f"postgresql: skipped ({exc})")
            yield None
        else:
            raise


def report(all_results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"# Server re-evaluation benchmark ({args.artifacts} artifacts x {args.components} "
        f"components, {args.advisories} advisories, hot advisory touching {args.hot} artifacts)",
        "",
        "| database | ingest (SBOMs/s, with matching) | full re-match (s) | no-change sync (s) "
        "| new advisory: import + re-match = total (s) | findings / issues from it |",
        "|---|---|---|---|---|---|",
    ]
    for kind, r in all_results.items():
        hot = f"{r['hot_import_s']:.2f} + {r['hot_rematch_s']:.2f} = {r['hot_total_s']:.2f}"
        lines.append(
            f"| {kind} | {r['ingest_per_s']:.1f} (n={r['ingest_sample']}) "
            f"| {r['full_rematch_s']:.1f} | {r['no_change_sync_s']:.2f} | {hot} "
            f"| {r['hot_findings']} / {r['hot_issues']} |"
        )
    lines.append("")
    for kind, r in all_results.items():
        lines.append(
            f"- {kind}: rows {r['counts']}; advisory import {r['advisory_import_s']:.1f} s; "
            f"bulk load {r['bulk_load_s']:.1f} s; the full re-match created "
            f"{r['full_rematch_findings']} findings"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--artifacts", type=int, default=10_000)
    parser.add_argument("--components", type=int, default=300)
    parser.add_argument("--packages", type=int, default=6_000)
    parser.add_argument("--ingest-sample", type=int, default=300)
    parser.add_argument("--hot", type=int, default=1_000)
    parser.add_argument("--advisories", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=REPO / "bench/out/server-bench.md")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        with (
            tempfile.TemporaryDirectory(prefix="garrison-server-bench-") as tmp,
            database_url(kind, Path(tmp)) as url,
        ):
            if url is None:
                continue
            bench = Bench(args, url, Path(tmp))
            try:
                results[kind] = bench.run()
            finally:
                bench.database.dispose()
            print(kind, json.dumps(results[kind], default=str), flush=True)
    text = report(results, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
