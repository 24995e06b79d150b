"""Benchmark: one ~5 MB package-lock.json (15,000 packages), garrison against syft.

    .venv/bin/python bench/big_lockfile_bench.py [--peers .peers] [--repeat 5]

Times the reader alone (in process, the figure the issue's "< 0.5 s" target is about) and the
whole `garrison sbom` command against `syft scan` on a directory holding only that file.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from garrison.inventory.readers.base import SourceFile  # noqa: E402
from garrison.inventory.readers.javascript import package_lock  # noqa: E402
from tests.inventory.readers.javascript.big_lockfile import big_package_lock  # noqa: E402


def best(repeat: int, action: list[str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(action, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers", default=str(REPO / ".peers"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = big_package_lock()
    source = SourceFile("package-lock.json", data)
    gc.disable()
    reads = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = package_lock.read(source)
        reads.append(time.perf_counter() - start)
    gc.enable()
    print(f"package-lock.json: {len(data) / 1e6:.1f} MB, {len(result.components)} components")
    print(f"| reader alone (in process, best of {args.repeat}) | {min(reads):.2f} s |")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "package-lock.json").write_bytes(data)
        garrison = [str(Path(sys.executable).with_name("garrison")), "sbom", tmp,
                    "-o", str(Path(tmp) / "g.json")]  # fmt: skip
        print(f"| garrison sbom (whole command) | {best(args.repeat, garrison):.2f} s |")
        syft = Path(args.peers) / "bin" / "syft"
        if syft.exists():
            command = [str(syft), "scan", f"dir:{tmp}", "-q", "-o", "cyclonedx-json"]
            print(f"| syft scan (whole command) | {best(args.repeat, command):.2f} s |")


if __name__ == "__main__":
    main()
