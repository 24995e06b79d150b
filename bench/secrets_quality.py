"""Benchmark: precision and recall of secret scanners on the labelled corpus.

    .venv/bin/python bench/secrets_quality.py [--corpus DIR] [--seed 1] [--peers .peers]
                                              [--skip-peers] [--show 20]

Generates the corpus (bench/secrets_corpus.py) into DIR (a temporary directory by default),
then runs on DIR/tree:
  * garrison: `garrison.secrets.detect.find_secrets` over each file (decoded as UTF-8 with
    errors="replace"), in process;
  * detect-secrets: `.peers/bin/detect-secrets scan --all-files` (its default plugins);
  * trivy: `.peers/bin/trivy fs --scanners secret --format json --offline-scan
    --skip-db-update --skip-java-db-update --cache-dir <tmp>`.
A reported (file, line) is a true positive when a planted secret covers that line (a PEM
block covers its BEGIN..END lines); several hits on one secret count once; every other
reported line is a false positive. Prints precision, recall and F1 of each tool, wall time,
and the misses and false positives of garrison by kind.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from secrets_corpus import build, write  # noqa: E402

from garrison.secrets.detect import find_secrets  # noqa: E402

Place = tuple[str, int]


@dataclass
class Score:
    tool: str
    seconds: float
    true_positives: int
    false_positives: list[Place]
    missed: list[dict[str, object]]
    secrets: int

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.secrets if self.secrets else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(
    tool: str, seconds: float, hits: Iterable[Place], labels: list[dict[str, object]]
) -> Score:
    secrets = [label for label in labels if label["is_secret"]]
    covering: dict[Place, int] = {}
    for index, label in enumerate(secrets):
        for line in range(int(label["line"]), int(label["end_line"]) + 1):  # type: ignore[call-overload]
            covering[(str(label["file"]), line)] = index
    found: set[int] = set()
    false_positives = []
    for place in sorted(set(hits)):
        if place in covering:
            found.add(covering[place])
        else:
            false_positives.append(place)
    missed = [label for index, label in enumerate(secrets) if index not in found]
    return Score(tool, seconds, len(found), false_positives, missed, len(secrets))


def run_garrison(tree: Path) -> tuple[float, list[Place]]:
    start = time.perf_counter()
    hits = []
    for path in sorted(tree.rglob("*")):
        if path.is_file():
            rel = path.relative_to(tree).as_posix()
            text = path.read_bytes().decode("utf-8", "replace")
            hits.extend((rel, hit.line) for hit in find_secrets(text, rel))
    return time.perf_counter() - start, hits


def run_detect_secrets(tree: Path, peers: Path) -> tuple[float, list[Place]]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(peers / "bin" / "detect-secrets"), "scan", "--all-files"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    results = json.loads(done.stdout)["results"]
    return seconds, [
        (file, item["line_number"]) for file, items in results.items() for item in items
    ]


def run_trivy(tree: Path, peers: Path) -> tuple[float, list[Place]]:
    with tempfile.TemporaryDirectory() as cache:
        command = [
            str(peers / "bin" / "trivy"),
            "fs",
            "--scanners",
            "secret",
            "--format",
            "json",
            "--offline-scan",
            "--skip-db-update",
            "--skip-java-db-update",
            "--cache-dir",
            cache,
            "--quiet",
            str(tree),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - start
    hits = []
    for result in json.loads(done.stdout).get("Results") or []:
        for item in result.get("Secrets") or []:
            hits.append((result["Target"], item["StartLine"]))
    return seconds, hits


def report(scores: list[Score], show: int) -> None:
    columns = ("precision", 9), ("recall", 7), ("F1", 6), ("TP", 5), ("FP", 5), ("FN", 5)
    print(f"{'tool':16} " + " ".join(f"{name:>{width}}" for name, width in columns) + "    time")
    for s in scores:
        print(
            f"{s.tool:16} {s.precision:9.1%} {s.recall:7.1%} {s.f1:6.3f} {s.true_positives:5d} "
            f"{len(s.false_positives):5d} {len(s.missed):5d} {s.seconds:6.2f}s"
        )
    garrison = scores[0]
    print("\ngarrison misses by kind:", dict(Counter(str(m["kind"]) for m in garrison.missed)))
    for miss in garrison.missed[:show]:
        print(f"  missed {miss['file']}:{miss['line']} ({miss['kind']})")
    for place in garrison.false_positives[:show]:
        print(f"  false positive {place[0]}:{place[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peers", type=lambda text: Path(text).resolve(), default=REPO / ".peers")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.corpus or Path(scratch)
        corpus = build(args.seed, 12)
        write(corpus, out)
        labels = corpus.labels()
        tree = out / "tree"
        scores = [score("garrison", *run_garrison(tree), labels)]
        if not args.skip_peers:
            scores.append(score("detect-secrets", *run_detect_secrets(tree, args.peers), labels))
            scores.append(score("trivy", *run_trivy(tree, args.peers), labels))
        secrets = sum(1 for label in labels if label["is_secret"])
        print(
            f"corpus: seed {args.seed}, {len(corpus.files)} files, {secrets} secrets, "
            f"{len(labels) - secrets} labelled decoys\n"
        )
        report(scores, args.show)


if __name__ == "__main__":
    main()
