"""Benchmark: throughput of `find_secrets` alone (no walking, no reading) over a tree.

    .venv/bin/python bench/secrets_detect_bench.py [ROOT ...] [--limit-mb 200] [--repeat 3]

Defaults to the project's own virtualenv site-packages and ../shared/corpora (a large mixed
tree of Python, C, JSON, YAML, Terraform and text). Files are read up front, decoded as
UTF-8 with errors="replace"; files over 5 MB and files with a NUL byte in their first 8 KB
are skipped (as binary), like the scanner does. Prints MB/s (of the files' bytes) for the
best of `--repeat` runs, single-threaded, by wall clock and by CPU time, and the hits by
detector.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from garrison.secrets.detect import find_secrets  # noqa: E402

MAX_BYTES = 5 * 1024 * 1024
SNIFF = 8192
DEFAULT_ROOTS = (
    REPO / ".venv" / "lib" / "python3.11" / "site-packages",
    REPO.parent / "shared" / "corpora",
)


def load(roots: list[Path], limit: int) -> list[tuple[str, str, int]]:
    """(path, text, size in bytes) of the text files under roots, up to `limit` bytes."""
    files: list[tuple[str, str, int]] = []
    total = 0
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                if os.path.islink(path) or os.path.getsize(path) > MAX_BYTES:
                    continue
                data = Path(path).read_bytes()
                if b"\0" in data[:SNIFF]:
                    continue
                files.append(
                    (os.path.relpath(path, root), data.decode("utf-8", "replace"), len(data))
                )
                total += len(data)
                if total >= limit:
                    return files
    return files


def run(files: list[tuple[str, str, int]]) -> tuple[float, float, Counter[str]]:
    """(wall seconds, CPU seconds, hits by detector) of one pass over the files."""
    hits: Counter[str] = Counter()
    start, cpu = time.perf_counter(), time.process_time()
    for path, text, _ in files:
        for hit in find_secrets(text, path):
            hits[hit.detector.id] += 1
    return time.perf_counter() - start, time.process_time() - cpu, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--limit-mb", type=float, default=200.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    roots = args.roots or [root for root in DEFAULT_ROOTS if root.exists()]
    files = load(roots, int(args.limit_mb * 1e6))
    size = sum(entry[2] for entry in files)
    runs = [run(files) for _ in range(args.repeat)]
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    hits = runs[0][2]
    print(f"roots: {', '.join(map(str, roots))}")
    print(f"files: {len(files)}  bytes: {size / 1e6:.1f} MB  best of {args.repeat}: {wall:.2f} s")
    print(
        f"find_secrets: {size / 1e6 / wall:.1f} MB/s wall, {size / 1e6 / cpu:.1f} MB/s CPU "
        "(single thread; CPU time is steadier on a busy machine)"
    )
    print(f"hits: {sum(hits.values())}")
    for detector, count in hits.most_common():
        print(f"  {count:6d}  {detector}")


if __name__ == "__main__":
    main()
