"""Benchmark: inventory of a ~300 MB image archive, garrison against syft, in one run.

    .venv/bin/python bench/image_bench.py [--peers .peers] [--repeat 3] [--mb 300]

The image is written by tests/support/oci_builder.py (no Docker daemon): this machine's own
/etc/os-release and dpkg status (real Debian package records), the real `*.dist-info`
metadata of the project's and the peers' virtualenvs, bench/data's npm and Python lockfiles,
and incompressible filler files, in three layers (gzip, gzip, zstd). The same image is
written as a `docker save` tarball and as an oci-archive; both tools read both.
Prints components found, wall time (best of N) and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from garrison.sbom import read_sbom  # noqa: E402
from tests.support.oci_builder import (  # noqa: E402
    ImageSpec,
    LayerSpec,
    file,
    write_docker_save,
    write_oci_archive,
)

CHUNK = 64 * 1024


def filler(prefix: str, megabytes: int) -> list:  # type: ignore[type-arg]
    return [file(f"{prefix}/blob-{i:05d}.bin", os.urandom(CHUNK)) for i in range(megabytes * 16)]


def dist_infos() -> list:  # type: ignore[type-arg]
    entries, seen = [], set()
    for venv in (REPO / ".venv", REPO / ".peers" / "checkov-venv"):
        for metadata in sorted(venv.glob("lib/python3*/site-packages/*.dist-info/METADATA")):
            name = metadata.parent.name
            if name not in seen:
                seen.add(name)
                path = f"usr/lib/python3/dist-packages/{name}/METADATA"
                entries.append(file(path, metadata.read_bytes()))
    return entries


def build(tmp: Path, megabytes: int) -> ImageSpec:
    system = [file("etc/os-release", Path("/etc/os-release").read_bytes())]
    if Path("/var/lib/dpkg/status").exists():
        system.append(file("var/lib/dpkg/status", Path("/var/lib/dpkg/status").read_bytes()))
    app = [file(f"app/{p.relative_to(REPO / 'bench' / 'data')}", p.read_bytes())
           for p in sorted((REPO / "bench" / "data").rglob("*")) if p.is_file()]  # fmt: skip
    third = megabytes // 3
    return ImageSpec([
        LayerSpec(system + filler("usr/share/base", third)),
        LayerSpec(dist_infos() + filler("usr/share/runtime", third)),
        LayerSpec(app + filler("app/assets", megabytes - 2 * third), compression="zstd"),
    ])  # fmt: skip


def timed(cmd: list[str]) -> tuple[float, float] | str:
    """Wall seconds and peak RSS (MB, from GNU time) of one run, or the error it printed."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        return proc.stderr.strip().splitlines()[-2] if proc.stderr else "failed"
    return elapsed, int(proc.stderr.strip().splitlines()[-1]) / 1024


def row(label: str, tool: str, command: list[str], repeat: int, sbom: Path) -> str:
    runs = [timed(command) for _ in range(repeat)]
    good = [run for run in runs if not isinstance(run, str)]
    if not good:
        return f"| {label} | {tool} | failed: {runs[0]} | - | - |"
    best = min(run[0] for run in good)
    peak = max(run[1] for run in good)
    return f"| {label} | {tool} | {count(sbom)} | {best:.2f} s | {peak:.0f} MB |"


def count(sbom: Path) -> str:
    """Components, and how many per ecosystem (as garrison reads the SBOM back)."""
    contents = read_sbom(sbom.read_bytes(), str(sbom))
    per = Counter(c.ecosystem.partition(":")[0] for c in contents.components)
    detail = ", ".join(f"{eco} {n}" for eco, n in sorted(per.items()))
    return f"{len(json.loads(sbom.read_text()).get('components', []))} ({detail})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers", default=str(REPO / ".peers"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mb", type=int, default=300)
    args = parser.parse_args()
    garrison = str(Path(sys.executable).with_name("garrison"))
    syft = Path(args.peers) / "bin" / "syft"
    with tempfile.TemporaryDirectory(prefix="garrison-image-bench-") as name:
        tmp = Path(name)
        spec = build(tmp, args.mb)
        archives = {
            "docker-archive": write_docker_save(tmp / "image.tar", spec).path,
            "oci-archive": write_oci_archive(tmp / "image.oci.tar", spec).path,
        }
        print(f"| input | tool | components | time (best of {args.repeat}) | peak RSS |")
        print("|---|---|---|---|---|")
        for kind, archive in archives.items():
            size = archive.stat().st_size / 1e6
            out = tmp / f"{kind}.garrison.json"
            commands = {"garrison": [garrison, "sbom", str(archive), "-o", str(out)]}
            if syft.exists():
                syft_out = tmp / f"{kind}.syft.json"
                commands["syft"] = [str(syft), "scan", f"{kind}:{archive}", "-q",
                                    "-o", f"cyclonedx-json={syft_out}"]  # fmt: skip
            for tool, command in commands.items():
                print(row(f"{kind} {size:.0f} MB", tool, command, args.repeat,
                          tmp / f"{kind}.{tool}.json"))  # fmt: skip


if __name__ == "__main__":
    main()
