"""Benchmark: import the shared OSV archives, then match SBOMs of 1k..100k components.

    .venv/bin/python bench/vulndb_bench.py [--shared ../shared] [--sizes 1000,10000,100000]

Everything runs through the installed `garrison` command (end to end, as a user runs it).
Prints one Markdown table per measurement; copy the figures into docs/benchmarks.md.
No peer tool can run this offline (Trivy/Grype need their own online databases), so the
peer column is omitted here and explained in the doc.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PURL_TYPES = {"PyPI": "pypi", "Go": "golang", "crates.io": "cargo"}


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed


def best_of(times: int, cmd: list[str], env: dict[str, str]) -> float:
    return min(run(cmd, env) for _ in range(times))


def packages(db_path: Path) -> list[tuple[str, str, list[str]]]:
    """(ecosystem, name, candidate versions) for every package the database knows."""
    by_pkg: dict[tuple[str, str], set[str]] = {}
    with sqlite3.connect(db_path) as conn:
        for eco, name, ranges in conn.execute("SELECT ecosystem, name, ranges FROM affected"):
            versions = by_pkg.setdefault((eco, name), set())
            for kind, events in json.loads(ranges):
                if kind != "GIT":
                    versions.update(v for _, v in events if v not in ("0", "*"))
    return [(eco, name, sorted(v) or ["1.0.0"]) for (eco, name), v in sorted(by_pkg.items())]


def purl(eco: str, name: str, version: str) -> str:
    if eco == "Go":
        return f"pkg:golang/{name}@{version}"
    return f"pkg:{PURL_TYPES[eco]}/{name}@{version}"


def pick(
    rng: random.Random, index: int, known: list[tuple[str, str, list[str]]], mix: str
) -> tuple[str, str, str]:
    """One component. 'worst': every component is a package with advisories, at a version
    taken from its ranges (most are vulnerable). 'typical': 1 in 10 components is such a
    package, the rest are packages the database has never heard of, as in a real SBOM."""
    if mix == "typical" and index % 10:
        eco = ("PyPI", "Go", "crates.io")[index % 3]
        return eco, f"internal-lib-{index}", f"1.{index % 40}.{index % 7}"
    eco, name, versions = known[index % len(known)]
    return eco, name, rng.choice([*versions, "0.0.1", "99.0.0"])


def make_sbom(
    path: Path, size: int, known: list[tuple[str, str, list[str]]], seed: int, mix: str
) -> None:
    rng = random.Random(seed)
    components = []
    for index in range(size):
        eco, name, version = pick(rng, index, known, mix)
        if eco == "Go" and not version.startswith("v"):
            version = "v" + version
        ref = purl(eco, name, version)
        components.append({"type": "library", "bom-ref": f"{ref}#{index}", "name": name,
                           "version": version, "purl": ref})  # fmt: skip
    document = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                "components": components}  # fmt: skip
    path.write_text(json.dumps(document))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mix", default="typical,worst")
    args = parser.parse_args()
    garrison = str(Path(sys.executable).with_name("garrison"))
    advisories = Path(args.shared) / "advisories"
    with tempfile.TemporaryDirectory(prefix="garrison-bench-") as tmp:
        db_path = Path(tmp) / "db.sqlite3"
        env = dict(os.environ, GARRISON_DB=str(db_path))
        import_times = []
        for _ in range(args.repeat):
            db_path.unlink(missing_ok=True)
            import_times.append(run([garrison, "db", "import", str(advisories)], env))
        machine = f"{platform.machine()}, {os.cpu_count()} cores"
        print(f"machine: {machine}, Python {platform.python_version()}")
        print(f"\n| step | best of {args.repeat} | all runs |\n|---|---|---|")
        print(f"| db import PyPI+Go+crates.io ({advisories}) | {min(import_times):.2f} s | "
              + ", ".join(f"{t:.2f}" for t in import_times) + " |")  # fmt: skip
        known = packages(db_path)
        print(f"\n{len(known)} distinct packages in the database\n")
        print(f"| SBOM mix | components | findings | scan (best of {args.repeat}) | components/s |")
        print("|---|---|---|---|---|")
        for mix in args.mix.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                sbom = Path(tmp) / f"sbom-{mix}-{size}.cdx.json"
                make_sbom(sbom, size, known, seed=size, mix=mix)
                report = Path(tmp) / "report.json"
                cmd = [garrison, "scan", str(sbom), "--format", "json", "-o", str(report)]
                elapsed = best_of(args.repeat, cmd, env)
                found = json.loads(report.read_text())["summary"]["findings"]
                print(f"| {mix} | {size:,} | {found:,} | {elapsed:.2f} s | {size / elapsed:,.0f} |")


if __name__ == "__main__":
    main()
