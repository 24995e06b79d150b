"""A small job runner with known Bandit issues (test fixture; never imported)."""

import hashlib
import pickle
import subprocess

import requests
import yaml

CACHE_DIR = "/tmp/jobrunner-cache"


def run_job(command: str) -> int:
    return subprocess.call(command, shell=True)


def load_settings(text: str) -> dict:
    return yaml.load(text)


def checksum(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def restore(blob: bytes) -> object:
    return pickle.loads(blob)


def fetch(url: str) -> bytes:
    return requests.get(url, verify=False, timeout=10).content


def check_ready(state: dict) -> None:
    assert state["ready"]


def audited_listing() -> int:
    return subprocess.call("ls -l", shell=True)  # nosec B602 reviewed: constant command


def legacy_digest(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # garrison:ignore[B324] cache key, not security


def debug_cleanup() -> int:
    return subprocess.call("rm -rf build", shell=True)  # garrison:ignore[B101] wrong id


def archive_logs() -> int:
    return subprocess.call("tar czf logs.tgz logs", shell=True)  # garrison:ignore[B602, B607]


def scratch_dir() -> str:
    # garrison:ignore[B108] the sandbox mounts a private /tmp
    return "/tmp/jobrunner-scratch"


def probe(host: str) -> int:
    return subprocess.call(["ping", "-c", "1", host])  # garrison:ignore
