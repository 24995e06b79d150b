"""Benchmark: the secret scan over a large mixed tree, garrison against detect-secrets and
`trivy fs --scanners secret`, in one run.

    .venv/bin/python bench/secrets_bench.py [--tree DIR | --keep DIR] [--via api|cli]
                                            [--repeat 3] [--jobs N] [--skip PEER ...]

Builds the tree (unless `--tree` names one built before): copies of this checkout's
`.venv` site-packages, `.peers/lib`, `../shared/corpora` and `../shared/fixtures/lockfiles`
(~290 MB: Python, C headers, JSON, YAML, lockfiles, and the binaries a venv holds), with
50 real-format secrets (built at run time: AWS key ids, GitHub tokens with valid
checksums, Slack, Stripe, PEM private keys) appended to 50 files. Reads the whole tree
once so every tool starts with a warm page cache, then times each tool (best of
`--repeat`; detect-secrets once: it is slow) and prints MB/s and how many of the planted
secrets each reported at their line (or the next: Trivy puts a PEM key at its body).
`--via cli` runs `garrison scan DIR --scanners secret --format json`; `--via api` (the
default until the CLI is wired) runs `scan_secrets` in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SOURCES = {
    "site-packages": REPO / ".venv" / "lib" / "python3.11" / "site-packages",
    "peers-lib": REPO / ".peers" / "lib",
    "corpora": SHARED / "corpora",
    "lockfiles": SHARED / "fixtures" / "lockfiles",
}
PLANTED = 50
STATS: dict[str, object] = {}  # what garrison's API run says it read
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = BASE62
PLANT_SUFFIXES = (".py", ".txt", ".json", ".yaml", ".yml", ".cfg", ".toml", ".md", ".lock")

API_SCRIPT = """
import json, sys
from pathlib import Path
from garrison.secrets.scanner import SecretOptions, scan_secrets
jobs = int(sys.argv[2]) if sys.argv[2] != "0" else None
result = scan_secrets(Path(sys.argv[1]), SecretOptions(jobs=jobs))
found = [[f.location.path, f.location.line] for f in result.findings]
print(json.dumps({"found": found, "files": result.files_scanned, "bytes": result.bytes_scanned,
                  "skipped": result.skipped}))
"""


def pick(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def base62(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, 62)
        digits = BASE62[digit] + digits
    return digits.rjust(6, "0")


def github_token(rng: random.Random) -> str:
    body = pick(rng, ALNUM, 30)
    return f"ghp_{body}{base62(zlib.crc32(body.encode()))}"


def private_key(rng: random.Random) -> str:
    body = base64.b64encode(rng.randbytes(900)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *lines, "-----END RSA PRIVATE KEY-----"])


TOKENS: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("aws_access_key_id = ", lambda r: "AKIA" + pick(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("GITHUB_TOKEN = ", github_token),
    ("slack_token: ", lambda r: f"xoxb-{pick(r, '0123456789', 12)}-{pick(r, '0123456789', 13)}"
                                f"-{pick(r, ALNUM, 24)}"),
    ("stripe_key = ", lambda r: "sk_live_" + pick(r, ALNUM, 32)),
    ("", private_key),
)  # fmt: skip


def build_tree(root: Path, seed: int) -> list[tuple[str, int]]:
    """Copy the sources under `root` and plant the secrets; (path, line) of each."""
    for name, source in SOURCES.items():
        if source.exists():
            shutil.copytree(source, root / name, symlinks=True, ignore_dangling_symlinks=True)
        else:
            print(f"note: {source} is absent; the tree is smaller", file=sys.stderr)
    candidates = sorted(
        p for p in root.rglob("*")
        if p.suffix in PLANT_SUFFIXES and p.is_file() and not p.is_symlink()
        and 200 < p.stat().st_size < 200_000
    )  # fmt: skip
    rng = random.Random(seed)
    planted = []
    for index, path in enumerate(rng.sample(candidates, PLANTED)):
        label, make = TOKENS[index % len(TOKENS)]
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.endswith("\n"):
            text += "\n"
        line = text.count("\n") + 1
        path.write_text(f"{text}{label}{make(rng)}\n", encoding="utf-8")
        planted.append((path.relative_to(root).as_posix(), line))
    return planted


def tree_bytes(root: Path) -> int:
    """Bytes of the regular files under `root`, each read once (warms the page cache)."""
    total = 0
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    while chunk := handle.read(1 << 20):
                        total += len(chunk)
    return total


def run_garrison(tree: Path, out: Path, via: str, jobs: int | None) -> set[tuple[str, int]]:
    if via == "api":
        command = [sys.executable, "-c", API_SCRIPT, str(tree), str(jobs or 0)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        document = json.loads(done.stdout)
        STATS.update(files=document["files"], bytes=document["bytes"], skipped=document["skipped"])
        return {(path, line) for path, line in document["found"]}
    garrison = str(Path(sys.executable).with_name("garrison"))
    subprocess.run([garrison, "scan", str(tree), "--scanners", "secret", "--format", "json",
                    "-o", str(out)], capture_output=True, check=False)  # fmt: skip
    document = json.loads(out.read_text())
    return {
        (f["location"]["path"], f["location"]["line"])
        for f in document["findings"]
        if f.get("kind") == "secret"
    }


def run_trivy(tree: Path, out: Path, peers: Path) -> set[tuple[str, int]]:
    subprocess.run(
        [str(peers / "bin" / "trivy"), "fs", "--scanners", "secret", "--offline-scan",
         "--skip-db-update", "--skip-java-db-update", "--skip-check-update",
         "--skip-version-check", "--disable-telemetry", "--cache-dir", str(out.parent / "tc"),
         "--quiet", "--format", "json", "-o", str(out), str(tree)],
        capture_output=True, check=False,
    )  # fmt: skip
    document = json.loads(out.read_text() or "{}")
    return {
        (result["Target"], secret["StartLine"])
        for result in document.get("Results") or []
        for secret in result.get("Secrets") or []
    }


def run_detect_secrets(tree: Path, peers: Path) -> set[tuple[str, int]]:
    done = subprocess.run(
        [str(peers / "bin" / "detect-secrets"), "scan", "--all-files"],
        cwd=tree, capture_output=True, text=True, check=False,
    )  # fmt: skip
    document = json.loads(done.stdout or "{}")
    return {
        (path, item["line_number"])
        for path, items in (document.get("results") or {}).items()
        for item in items
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", help="a tree built before with --keep (not rebuilt)")
    parser.add_argument("--keep", help="build the tree in this directory and keep it")
    parser.add_argument("--via", choices=("api", "cli"), default="api")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="garrison's processes")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--peers", default=str(REPO / ".peers"))
    parser.add_argument("--skip", action="append", default=[], choices=("trivy", "detect-secrets"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="garrison-secrets-bench-") as name:
        tmp = Path(name)
        tree = Path(args.tree or args.keep or tmp / "tree")
        planted_file = tree.parent / f"{tree.name}.planted.json"
        if args.tree:
            planted = [tuple(item) for item in json.loads(planted_file.read_text())]
        else:
            start = time.perf_counter()
            planted = build_tree(tree, args.seed)
            planted_file.write_text(json.dumps(planted))
            print(f"built the tree in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        size = tree_bytes(tree)
        print(f"tree: {size / 1e6:.0f} MB, {PLANTED} planted secrets; "
              f"garrison via {args.via}, jobs {args.jobs or os.cpu_count()}\n")  # fmt: skip
        tools: dict[str, tuple[Callable[[], set[tuple[str, int]]], int]] = {
            "garrison": (lambda: run_garrison(tree, tmp / "g.json", args.via, args.jobs),
                         args.repeat),
            "trivy fs --scanners secret": (lambda: run_trivy(tree, tmp / "t.json",
                                                             Path(args.peers)), args.repeat),
            "detect-secrets scan --all-files": (lambda: run_detect_secrets(tree,
                                                                           Path(args.peers)), 1),
        }  # fmt: skip
        print("| tool | time (best) | runs | MB/s | planted found | all findings |")
        print("|---|---|---|---|---|---|")
        wanted = set(map(tuple, planted))
        for tool, (run, repeat) in tools.items():
            if any(tool.startswith(skipped) for skipped in args.skip):
                continue
            times, found = [], set()
            for _ in range(repeat):
                start = time.perf_counter()
                found = run()
                times.append(time.perf_counter() - start)
            runs = ", ".join(f"{t:.1f}" for t in times)
            hits = sum(1 for path, line in wanted if {(path, line), (path, line + 1)} & found)
            print(f"| {tool} | {min(times):.1f} s | {runs} | {size / 1e6 / min(times):.1f} | "
                  f"{hits}/{len(wanted)} | {len(found)} |", flush=True)  # fmt: skip
        if STATS:
            text = float(STATS["bytes"]) / 1e6  # type: ignore[arg-type]
            print(f"\ngarrison read {STATS['files']} text files, {text:.0f} MB; skipped by "
                  f"rule: {STATS['skipped']}")  # fmt: skip


if __name__ == "__main__":
    main()
