"""examples/server/demo.sh, the README's server walkthrough, runs as written: a real
`garrison serve` on a free port, the bundled advisories and demo app, the gate blocking."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DEMO = REPO / "examples" / "server" / "demo.sh"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_the_server_walkthrough_runs_and_the_gate_blocks(tmp_path: Path) -> None:
    venv_bin = Path(sys.executable).parent
    env = {
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path), "TMPDIR": str(tmp_path), "GARRISON_DEMO_PORT": str(_free_port()),
    }  # fmt: skip
    done = subprocess.run(
        [str(DEMO)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "8 files: 8 advisories changed, 0 findings created, 0 issues opened" in lines
    assert "created artifact #1 demo-app@1.0.0 (7 components)" in lines
    assert "prod/local/demo-app: created (runs demo-app@1.0.0)" in lines
    assert "garrison gate exited 1" in lines
    findings = [line.split()[1:4] for line in lines if line.startswith("finding ")]
    assert findings == [
        ["GAR-FRESH-001", "MEDIUM", "new"],
        ["GO-2022-1059", "HIGH", "suppressed"],  # the team policy's exception
        ["PYSEC-2021-142", "CRITICAL", "new"],
        ["PYSEC-2023-192", "HIGH", "new"],
        ["PYSEC-2023-74", "MEDIUM", "new"],
        ["RUSTSEC-2022-0013", "HIGH", "new"],
    ]
    assert sum(line.startswith("issue   open ") for line in lines) == 5
    assert lines[-1] == "audit log intact: 7 entries"
    assert "gar_" not in done.stdout + done.stderr  # no token is ever printed
