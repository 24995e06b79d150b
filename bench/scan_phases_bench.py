"""Benchmark: `garrison scan --scanners all` of a 20,000-file repository, time per phase, and
whether the whole scan costs no more than its scanners run alone (one walk feeds them all).

    .venv/bin/python bench/scan_phases_bench.py [--files 20000] [--repeat 3] [--keep DIR]

The tree: the SBOM bench's 20,000-file tree (200 real lockfiles among Python sources, see
sbom_vs_syft.make_tree) plus 300 real IaC files from ../shared/corpora/iac and 20 planted
real-format secrets. The database: ../shared/advisories imported once. Each configuration
runs `garrison scan TREE --scanners S --format json -o FILE --timings` in a fresh process;
the best wall time of `--repeat` runs is kept, with the phase times garrison printed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.sbom_vs_syft import make_tree  # noqa: E402

GARRISON = REPO / ".venv" / "bin" / "garrison"
ALONE = ("vuln", "misconfig", "secret", "sast")


def add_iac_and_secrets(root: Path, shared: Path, count: int, seed: int = 11) -> None:
    """Real IaC files (Kubernetes, Terraform, Dockerfiles, Compose) and planted AWS keys."""
    corpus = shared / "corpora" / "iac"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.stat().st_size < 200_000)
    rng = random.Random(seed)
    for index, source in enumerate(rng.sample(files, min(count, len(files)))):
        target = root / "deploy" / f"{index:03d}-{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for index in range(20):
        key = "AKIA" + "".join(rng.choice(alphabet) for _ in range(16))
        (root / f"service-{index:03d}" / "settings_local.py").write_text(f'AWS_KEY = "{key}"\n')


def one_run(tree: Path, db: Path, scanners: str, out: Path) -> tuple[float, str]:
    argv = [str(GARRISON), "scan", str(tree), "--scanners", scanners, "--db", str(db),
            "--format", "json", "-o", str(out), "--timings"]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"garrison failed ({done.returncode}): {done.stderr.strip()}")
    phases = next((line for line in done.stderr.splitlines() if "timings:" in line), "")
    return elapsed, phases.split("timings: ", 1)[-1]


def best(tree: Path, db: Path, scanners: str, out: Path, repeat: int) -> tuple[float, str]:
    return min((one_run(tree, db, scanners, out) for _ in range(repeat)), key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="build the tree here and keep it")
    args = parser.parse_args()
    shared = Path(args.shared)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="garrison-phases-"))
    tree, db, out = work / "tree", work / "vulndb.sqlite3", work / "report.json"
    if not tree.exists():
        make_tree(tree, shared, args.files - 320, 200)
        add_iac_and_secrets(tree, shared, 300)
    if not db.exists():
        subprocess.run([str(GARRISON), "db", "import", str(shared / "advisories"),
                        "--db", str(db)], check=True, capture_output=True)  # fmt: skip
    sizes = [p.stat().st_size for p in tree.rglob("*") if p.is_file()]
    print(f"tree: {len(sizes)} files, {sum(sizes) / 1e6:.0f} MB")
    alone = {name: best(tree, db, name, out, args.repeat) for name in ALONE}
    together = best(tree, db, ",".join(ALONE), out, args.repeat)
    print(f"| scanners | wall time (best of {args.repeat}) | phases (garrison --timings) |")
    print("|---|---|---|")
    for name, (seconds, phases) in alone.items():
        print(f"| {name} alone | {seconds:.2f} s | {phases} |")
    total = sum(seconds for seconds, _ in alone.values())
    print(f"| sum of the four alone | {total:.2f} s | |")
    print(f"| **all four in one scan** | **{together[0]:.2f} s** | {together[1]} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
