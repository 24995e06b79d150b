"""Benchmark: garrison's inventory against syft's, on the same inputs, in one run.

    .venv/bin/python bench/sbom_vs_syft.py [--peers .peers] [--shared ../shared] [--repeat 3]

Inputs: the locked example projects in bench/data/ (a real npm lockfile and a real uv.lock /
requirements.txt, produced by npm and uv), a large installed virtualenv (the peers' checkov
venv, ~100 packages), and a generated tree of ~20,000 files holding 200 lockfiles of mixed
ecosystems (copies of bench/data and of ../shared/fixtures/lockfiles samples among filler
source files). For each input it prints the components each tool found, the differences,
and the time (best of N), as Markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from garrison.ecosystems import normalize_name
from garrison.sbom import read_sbom

REPO = Path(__file__).resolve().parents[1]
Key = tuple[str, str, str]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed


def keys_of(sbom: Path) -> set[Key]:
    contents = read_sbom(sbom.read_bytes(), str(sbom))
    return {
        (c.ecosystem.partition(":")[0], normalize_name(c.ecosystem, c.name), c.version or "?")
        for c in contents.components
    }


def run_both(target: Path, out: Path, peers: Path, repeat: int) -> dict[str, object]:
    garrison_sbom, syft_sbom = out / "garrison.cdx.json", out / "syft.cdx.json"
    garrison = [str(Path(sys.executable).with_name("garrison")), "sbom", str(target),
                "-o", str(garrison_sbom)]  # fmt: skip
    syft = [str(peers / "bin" / "syft"), "scan", f"dir:{target}", "-q",
            "-o", f"cyclonedx-json={syft_sbom}"]  # fmt: skip
    os.environ.setdefault("SYFT_CHECK_FOR_APP_UPDATE", "false")
    garrison_time = min(timed(garrison) for _ in range(repeat))
    syft_time = min(timed(syft) for _ in range(repeat))
    ours, theirs = keys_of(garrison_sbom), keys_of(syft_sbom)
    return {
        "garrison": ours, "syft": theirs,
        "garrison_time": garrison_time, "syft_time": syft_time,
    }  # fmt: skip


def make_tree(root: Path, shared: Path, files: int, lockfiles: int, seed: int = 7) -> None:
    """~`files` files: `lockfiles` lockfiles of mixed ecosystems among filler sources."""
    rng = random.Random(seed)
    projects = sorted(p for p in (REPO / "bench" / "data").iterdir() if p.is_dir())
    lockdir = shared / "fixtures" / "lockfiles" / "language"
    picks = ["rust/cargolock/many-packages.lock", "ruby/gemfilelock/rails.lock",
             "php/composerlock/drupal-packages.json", "golang/gomod/indirect-1.23.mod",
             "dart/pubspec/mixed-packages.lock",
             "java/pomxml/with-dependency-management.xml"]  # fmt: skip
    extra = [lockdir / p for p in picks if (lockdir / p).is_file()]
    renames = {"cargolock": "Cargo.lock", "gemfilelock": "Gemfile.lock",
               "composerlock": "composer.lock", "gomod": "go.mod", "pubspec": "pubspec.lock",
               "pomxml": "pom.xml"}  # fmt: skip
    for index in range(lockfiles):
        project = root / f"service-{index:03d}"
        project.mkdir(parents=True, exist_ok=True)
        if index % 2 == 0 or not extra:
            shutil.copytree(projects[index // 2 % len(projects)], project, dirs_exist_ok=True)
        else:
            source = extra[index // 2 % len(extra)]
            shutil.copy(source, project / renames[source.parent.name])
    filler = files - sum(1 for _ in root.rglob("*") if _.is_file())
    for index in range(max(filler, 0)):
        folder = root / f"service-{rng.randrange(lockfiles):03d}" / "src" / f"pkg{index % 37}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"module_{index}.py").write_text(f"VALUE = {index}\n")


def describe(name: str, result: dict[str, object]) -> str:
    ours, theirs = result["garrison"], result["syft"]
    assert isinstance(ours, set) and isinstance(theirs, set)
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    line = (f"| {name} | {len(ours)} | {len(theirs)} | {len(ours & theirs)} | "
            f"{len(only_ours)} | {len(only_theirs)} | {result['garrison_time']:.2f} s | "
            f"{result['syft_time']:.2f} s |")  # fmt: skip
    details = []
    for label, items in (("only garrison", only_ours), ("only syft", only_theirs)):
        if items:
            shown = ", ".join(f"{e}/{n}@{v}" for e, n, v in items[:12])
            more = f" (+{len(items) - 12} more)" if len(items) > 12 else ""
            details.append(f"  - {name}, {label}: {shown}{more}")
    return "\n".join([line, *details])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers", default=str(REPO / ".peers"))
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    peers, shared = Path(args.peers), Path(args.shared)
    if not (peers / "bin" / "syft").exists():
        sys.exit(f"{peers}/bin/syft missing: run ../shared/tools/peers-setup.sh first")
    inputs = {
        "npm-webapp (package-lock.json v3)": REPO / "bench" / "data" / "npm-webapp",
        "py-service (uv.lock + requirements.txt)": REPO / "bench" / "data" / "py-service",
        "installed venv (checkov's, site-packages)": next(
            (peers / "checkov-venv" / "lib").glob("python3*/site-packages")
        ),
    }
    with tempfile.TemporaryDirectory(prefix="garrison-sbom-bench-") as tmp:
        tree = Path(tmp) / "tree"
        make_tree(tree, shared, files=20_000, lockfiles=200)
        inputs["tree: 20,000 files, 200 lockfiles"] = tree
        columns = ["input", "garrison", "syft", "both", "only garrison", "only syft",
                   "garrison time", "syft time"]  # fmt: skip
        print("| " + " | ".join(columns) + " |")
        print("|---|---|---|---|---|---|---|---|")
        for name, target in inputs.items():
            out = Path(tmp) / "out" / name.split()[0]
            out.mkdir(parents=True, exist_ok=True)
            print(describe(name, run_both(target, out, peers, args.repeat)), flush=True)
    print(json.dumps({"repeat": args.repeat, "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
