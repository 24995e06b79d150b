"""Deployment helpers (test fixture for the Semgrep rules; never imported)."""

import subprocess

import yaml


def deploy(tag: str) -> int:
    return subprocess.call(f"./deploy.sh {tag}", shell=True)


def load_manifest(text: str) -> dict:
    return yaml.load(text)


def load_trusted(text: str) -> dict:
    return yaml.load(text, Loader=yaml.SafeLoader)


def rollback(tag: str) -> int:
    return subprocess.run(f"./rollback.sh {tag}", shell=True).returncode  # nosemgrep


def restart() -> int:
    # garrison:ignore[python-subprocess-shell-true] a constant command
    return subprocess.call("systemctl restart shop", shell=True)
