"""Benchmark: the git history secret scan over a 10,000-commit repository.

    .venv/bin/python bench/history_bench.py [--commits 10000] [--files 300] [--jobs N]
                                            [--repeat 3] [--keep DIR] [--seed 7]

Builds (with `git fast-import`, a few seconds) a realistic repository: a few hundred
source-like files, each commit changing 1 to 5 of them, real-format secrets planted now and
then and about half of them removed later. Then times `scan_history` over every ref, best
of `--repeat`, and checks that every planted secret was reported at the path it was
planted in, with the right present-at-HEAD answer. Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from garrison.secrets.history import scan_history  # noqa: E402
from garrison.secrets.scanner import SecretOptions  # noqa: E402

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
WORDS = (
    "self", "value", "result", "items", "config", "request", "response", "index", "count",
    "name", "path", "data", "buffer", "options", "handler", "client", "session", "user",
    "record", "payload", "cache", "limit", "offset", "status", "message", "error", "parser",
)  # fmt: skip
DIRS = ("src/app", "src/app/api", "src/lib", "src/lib/io", "tests", "deploy", "docs", "web/js")
SUFFIXES = (".py", ".py", ".py", ".js", ".go", ".yaml", ".md", ".toml")
EPOCH = 1_600_000_000


def aws_key_id(rng: random.Random) -> str:
    return "AKIA" + "".join(rng.choice(BASE32) for _ in range(16))


def code_line(rng: random.Random) -> str:
    a, b, c = rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)
    shapes = (
        f"    {a}_{b} = {c}.get('{b}', {rng.randrange(1000)})",
        f"    if {a} is not None and {b} > {rng.randrange(100)}:",
        f"        return {c}({a}, {b}={rng.randrange(10)})",
        f"def {a}_{b}({c}, {a}=None):",
        f"    # {a} {b} {c}: keep the {b} of the {c}",
        f"    {a}.append({b}[{rng.randrange(64)}])",
    )
    return rng.choice(shapes)


@dataclass
class History:
    """The planted secrets: (path, line text) -> still present at the end."""

    rng: random.Random
    files: dict[str, list[str]] = field(default_factory=dict)
    planted: dict[tuple[str, str], bool] = field(default_factory=dict)

    def change(self, path: str) -> None:
        lines = self.files.setdefault(path, [code_line(self.rng) for _ in range(40)])
        for _ in range(self.rng.randint(1, 4)):
            position = self.rng.randrange(len(lines) + 1)
            if self.rng.random() < 0.5 and len(lines) > 20 and position < len(lines):
                if lines[position].startswith("AWS_"):
                    continue  # a planted secret only goes when `unplant` says so
                lines[position] = code_line(self.rng)
            else:
                lines.insert(position, code_line(self.rng))

    def plant(self, path: str) -> None:
        self.change(path)
        line = f"AWS_KEY_{len(self.planted)} = '{aws_key_id(self.rng)}'"
        self.files[path].insert(self.rng.randrange(len(self.files[path]) + 1), line)
        self.planted[(path, line)] = True

    def unplant(self) -> str | None:
        present = [key for key, still in self.planted.items() if still]
        if not present:
            return None
        path, line = self.rng.choice(present)
        self.files[path].remove(line)
        self.planted[(path, line)] = False
        return path


def fast_import_stream(history: History, commits: int, paths: list[str]) -> bytes:
    """The `git fast-import` input of the whole history (one branch, inline blobs)."""
    rng, out = history.rng, bytearray()
    for index in range(commits):
        changed = set(rng.sample(paths, rng.randint(1, 5)))
        for path in sorted(changed):
            if index % 200 == 50:
                history.plant(path)
            else:
                history.change(path)
        if index % 400 == 350 and (removed := history.unplant()):
            changed.add(removed)
        who = f"Dev {index % 17} <dev{index % 17}@example.com> {EPOCH + index * 600} +0000"
        message = f"change {index}\n".encode()
        out += f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n".encode()
        out += b"data %d\n%s" % (len(message), message)
        for path in sorted(changed):
            body = ("\n".join(history.files[path]) + "\n").encode()
            out += f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(body), body)
        out += b"\n"
    return bytes(out)


def build(root: Path, commits: int, files: int, seed: int) -> History:
    rng = random.Random(seed)
    paths = [f"{rng.choice(DIRS)}/m{i:03}{rng.choice(SUFFIXES)}" for i in range(files)]
    history = History(rng)
    stream = fast_import_stream(history, commits, sorted(set(paths)))
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    return history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="garrison-history-bench-") as name:
        root = Path(args.keep) if args.keep else Path(name) / "repo"
        start = time.perf_counter()
        history = build(root, args.commits, args.files, args.seed)
        print(f"built {args.commits} commits in {time.perf_counter() - start:.1f} s")
        times, result = [], None
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = scan_history(root, options=SecretOptions(jobs=args.jobs))
            times.append(time.perf_counter() - start)
        assert result is not None
        report(result, history, times)


def report(result: object, history: History, times: list[float]) -> None:
    from garrison.secrets.history import HistoryResult

    assert isinstance(result, HistoryResult)
    reported = {
        (item.finding.location.path, item.present_at_head)
        for item in result.findings
        if item.finding.location is not None
    }
    planted = [(path, still) for (path, _), still in history.planted.items()]
    missed = [item for item in planted if item not in reported]
    print(f"| commits | distinct blobs (MB) | findings | planted (removed) | missed | "
          f"scan, best of {len(times)} | all runs |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    removed = sum(not still for _, still in planted)
    runs = ", ".join(f"{t:.2f}" for t in times)
    blobs = f"{result.blobs_scanned:,} ({result.bytes_scanned / 1e6:.0f})"
    print(f"| {result.commits_scanned:,} | {blobs} | {len(result.findings)} | {len(planted)} "
          f"({removed}) | {len(missed)} | **{min(times):.2f} s** | {runs} |")  # fmt: skip
    if result.warnings:
        print(f"warnings: {len(result.warnings)}, first: {result.warnings[0]}")
    for path, still in missed[:10]:
        print(f"missed: {path} (present at HEAD: {still})")


if __name__ == "__main__":
    main()
