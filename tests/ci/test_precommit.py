"""The pre-commit hooks (`.pre-commit-hooks.yaml`) run for real: pre-commit builds its own
virtualenv, pip-installs garrison from a commit of this checkout (pyproject, README, src and
the hooks file, so what is tested is the working tree, committed or not) and runs each hook in
a throwaway git repository, as a team's `.pre-commit-config.yaml` would.

The environment is installed once for the module (it needs PyPI); the tests skip with the
reason when pre-commit or git is missing or PyPI cannot be reached.
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from garrison.policy.starter import STARTER
from tests.conftest import REPO

INSTALLED_FROM = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")
HOOK_IDS = ("garrison-misconfig", "garrison-policy", "garrison-secrets")
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "garrison tests",
    "GIT_AUTHOR_EMAIL": "tests@garrison.invalid",
    "GIT_COMMITTER_NAME": "garrison tests",
    "GIT_COMMITTER_EMAIL": "tests@garrison.invalid",
}
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

if importlib.util.find_spec("pre_commit") is None:
    pytest.skip("pre-commit is not installed (pip install pre-commit)", allow_module_level=True)
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)


@dataclass(frozen=True, slots=True)
class Hooks:
    """pre-commit's home (the installed environment) and the config naming our hooks."""

    home: Path
    config: Path


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    output: str


def aws_key_id(seed: int) -> str:
    """An access key id in AWS's format (not the documented example), made at run time."""
    rng = random.Random(seed)
    return "AKIA" + "".join(rng.choice(_BASE32) for _ in range(16))


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env={**os.environ, **_GIT_ENV}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def _repository(folder: Path, files: dict[str, str]) -> Path:
    """A git repository holding `files`, staged (pre-commit --all-files reads the index)."""
    folder.mkdir(parents=True)
    _git(folder, "init", "-q")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    _git(folder, "add", "-A")
    return folder


def _hook_source(folder: Path) -> tuple[Path, str]:
    """This checkout's installable files, committed in a repository of their own."""
    folder.mkdir()
    for name in INSTALLED_FROM:
        source = REPO / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
            shutil.copytree(source, folder / name, ignore=ignored)
        else:
            shutil.copy2(source, folder / name)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "garrison hooks under test")
    return folder, _git(folder, "rev-parse", "HEAD")


def _pre_commit(hooks: Hooks, repo: Path, *args: str) -> Run:
    env = {**os.environ, "PRE_COMMIT_HOME": str(hooks.home), "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--config", str(hooks.config)],
        cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=1800,
    )  # fmt: skip
    return Run(done.returncode, done.stdout + done.stderr)


def run_hook(hooks: Hooks, repo: Path, hook_id: str) -> Run:
    return _pre_commit(hooks, repo, "run", hook_id, "--all-files", "--verbose", "--color", "never")


def _pypi_reachable() -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=10):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hooks]:
    """Our hooks, installed once by pre-commit into a private PRE_COMMIT_HOME (removed after:
    the virtualenv is large)."""
    root = tmp_path_factory.mktemp("pre-commit")
    source, rev = _hook_source(root / "garrison")
    config = root / "pre-commit-config.yaml"
    entry = {"repo": str(source), "rev": rev, "hooks": [{"id": i} for i in HOOK_IDS]}
    config.write_text(yaml.safe_dump({"repos": [entry]}), encoding="utf-8")
    found = Hooks(root / "home", config)
    installed = _pre_commit(found, _repository(root / "scratch", {}), "install-hooks")
    if installed.code != 0:
        if not _pypi_reachable():
            pytest.skip("pre-commit could not install garrison and PyPI is unreachable")
        pytest.fail(f"pre-commit could not install the hooks:\n{installed.output}")
    yield found
    shutil.rmtree(found.home, ignore_errors=True)


def _status(run: Run, name: str) -> str:
    """The word pre-commit prints after the hook's dotted name: Passed, Failed or Skipped."""
    found = re.search(rf"^{re.escape(name)}\.+(?:\(no files to check\))?(\w+)$", run.output, re.M)
    assert found, run.output
    return found.group(1)


def test_secrets_hook_blocks_a_planted_key_and_passes_a_clean_tree(
    hooks: Hooks, tmp_path: Path
) -> None:
    key = aws_key_id(seed=7)
    planted = {"app/settings.py": f'AWS_ACCESS_KEY_ID = "{key}"\n', "README.md": "demo\n"}
    failed = run_hook(hooks, _repository(tmp_path / "planted", planted), "garrison-secrets")
    assert (failed.code, _status(failed, "garrison secrets")) == (1, "Failed"), failed.output
    assert re.search(r"aws-access-key-id\s+│\s+app/settings\.py:1:22\s", failed.output)
    assert key not in failed.output and key[4:] not in failed.output

    clean = {"app/settings.py": 'AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]\n'}
    passed = run_hook(hooks, _repository(tmp_path / "clean", clean), "garrison-secrets")
    assert (passed.code, _status(passed, "garrison secrets")) == (0, "Passed"), passed.output


def test_misconfig_hook_blocks_a_root_dockerfile_and_skips_without_iac_files(
    hooks: Hooks, tmp_path: Path
) -> None:
    dockerfile = {"Dockerfile": 'FROM python:3.12\nUSER root\nCMD ["python"]\n'}
    failed = run_hook(hooks, _repository(tmp_path / "docker", dockerfile), "garrison-misconfig")
    assert (failed.code, _status(failed, "garrison misconfig")) == (1, "Failed"), failed.output
    assert re.search(r"GAR-DF-002\s+│\s+Dockerfile:2\s", failed.output), failed.output

    notes = {"notes.txt": "USER root\n", "src/app.py": "print('hi')\n"}
    skipped = run_hook(hooks, _repository(tmp_path / "notes", notes), "garrison-misconfig")
    assert (skipped.code, _status(skipped, "garrison misconfig")) == (0, "Skipped")


def test_policy_hook_refuses_a_bad_key_with_its_line_and_accepts_the_starter(
    hooks: Hooks, tmp_path: Path
) -> None:
    bad = {"garrison.yaml": "version: 1\nfail_on:\n  secret:\n    anyy: true\n"}
    failed = run_hook(hooks, _repository(tmp_path / "bad", bad), "garrison-policy")
    assert (failed.code, _status(failed, "garrison policy check")) == (1, "Failed")
    assert "exit code: 2" in failed.output
    assert re.search(r"garrison\.yaml:4: .*anyy", failed.output), failed.output

    good = {"garrison.yaml": STARTER, "README.md": "demo\n"}
    passed = run_hook(hooks, _repository(tmp_path / "good", good), "garrison-policy")
    assert (passed.code, _status(passed, "garrison policy check")) == (0, "Passed")
    assert "garrison.yaml: valid (0 exceptions" in passed.output
