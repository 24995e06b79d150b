"""The CI examples (`ci/`) and the pre-commit hooks: valid for their platform, shaped as
documented, and every garrison command in them parses with garrison's own CLI, so the
examples cannot drift from the flags."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from garrison.cli import build_parser
from garrison.cli.gate import report_pairs
from garrison.cli.scan import scanners_of
from garrison.errors import GarrisonError
from tests.conftest import REPO

GITHUB = REPO / "ci" / "github-actions" / "garrison.yml"
GITLAB = REPO / "ci" / "gitlab" / "garrison.gitlab-ci.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"

_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)  # GitHub's ${{ ... }}
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_SHELL_SEPARATOR = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")


def _load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path}: not a mapping"
    return document


def _expand(text: str, variables: Mapping[str, str]) -> str:
    """$NAME and ${NAME} replaced where the file itself defines NAME; others left as-is."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return variables.get(name, match.group(0))

    return _VARIABLE.sub(value, text)


def garrison_commands(script: str, variables: Mapping[str, str]) -> list[list[str]]:
    """The argument lists of every `garrison ...` command in a shell script."""
    text = _EXPRESSION.sub("EXPR", script).replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        for part in _SHELL_SEPARATOR.split(line):
            words = shlex.split(_expand(part, variables), comments=True)
            if words and words[0] == "garrison":
                commands.append(words[1:])
    return commands


def parse(words: list[str]) -> argparse.Namespace:
    """The command as garrison's CLI reads it; a usage error fails the test."""
    try:
        args = build_parser().parse_args(words)
    except SystemExit:
        pytest.fail(f"`garrison {shlex.join(words)}` does not parse (see stderr)")
    try:
        if args.command in ("scan", "history"):
            report_pairs(args)  # -o files and --formats must pair
        if args.command == "scan":
            scanners_of(args.scanners)  # known scanners only
    except GarrisonError as exc:
        pytest.fail(f"`garrison {shlex.join(words)}`: {exc}")
    return args


def outputs(args: argparse.Namespace) -> dict[str, str]:
    """format -> report file of a parsed command (none for commands without reports)."""
    if not hasattr(args, "reports"):
        return {}
    return {name: out for name, out in report_pairs(args) if out}


def subcommand(args: argparse.Namespace) -> str:
    return " ".join(
        part for part in (args.command, getattr(args, f"{args.command}_command", None)) if part
    )


# --- GitHub Actions -------------------------------------------------------------------------


def _github() -> tuple[dict[Any, Any], list[dict[str, Any]]]:
    workflow = _load(GITHUB)
    (job,) = workflow["jobs"].values()
    return workflow, job["steps"]


def _github_commands(step: dict[str, Any]) -> list[argparse.Namespace]:
    workflow, _ = _github()
    variables = {**workflow.get("env", {}), **step.get("env", {})}
    return [parse(words) for words in garrison_commands(step.get("run", ""), variables)]


def _index(steps: list[dict[str, Any]], command: str) -> int:
    found = [i for i, step in enumerate(steps) if f"garrison {command}" in step.get("run", "")]
    assert len(found) == 1, f"one step runs `garrison {command}`"
    return found[0]


def _uses(steps: list[dict[str, Any]], action: str) -> tuple[int, dict[str, Any]]:
    found = [(i, s) for i, s in enumerate(steps) if s.get("uses", "").startswith(action + "@")]
    assert len(found) == 1, f"one step uses {action}"
    return found[0]


def _runs_after_a_failed_gate(step: dict[str, Any]) -> bool:
    return "!cancelled()" in str(step.get("if", "")) or "always()" in str(step.get("if", ""))


def test_github_workflow_runs_on_push_and_pull_request_with_sarif_permission() -> None:
    workflow, _ = _github()
    triggers = workflow[True]  # YAML 1.1 (PyYAML) reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    assert workflow["permissions"]["security-events"] == "write"


def test_github_workflow_every_garrison_command_parses() -> None:
    _, steps = _github()
    found = [subcommand(args) for step in steps for args in _github_commands(step)]
    assert found == ["db update", "scan", "history"]


def test_github_workflow_uploads_the_sarif_file_the_scan_writes() -> None:
    _, steps = _github()
    scan = _index(steps, "scan")
    (args,) = _github_commands(steps[scan])
    upload, step = _uses(steps, "github/codeql-action/upload-sarif")
    assert step["with"]["sarif_file"] == outputs(args)["sarif"]
    assert upload > scan and _runs_after_a_failed_gate(step)


def test_github_workflow_puts_every_markdown_report_in_the_step_summary() -> None:
    _, steps = _github()
    markdown = [
        outputs(args)["markdown"]
        for step in steps
        for args in _github_commands(step)
        if args.command in ("scan", "history")
    ]
    assert markdown == ["garrison.md", "garrison-history.md"]
    (summary,) = [s for s in steps if "$GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert all(name in summary["run"] for name in markdown)
    assert _runs_after_a_failed_gate(summary)
    assert steps.index(summary) > _index(steps, "history") > _index(steps, "scan")


def test_github_workflow_fails_the_job_when_the_gate_fails() -> None:
    _, steps = _github()
    for command in ("scan", "history"):
        step = steps[_index(steps, command)]
        (args,) = _github_commands(step)
        assert args.exit_code != 0, f"{command}: --exit-code 0 would never fail the job"
        assert not step.get("continue-on-error"), f"{command}: its failure must fail the job"
        assert "||" not in step["run"], f"{command}: its exit code must not be swallowed"


def test_github_workflow_caches_the_database_it_updates() -> None:
    workflow, steps = _github()
    restore, restored = _uses(steps, "actions/cache/restore")
    save, saved = _uses(steps, "actions/cache/save")
    assert restore < _index(steps, "db update") < save < _index(steps, "scan")
    assert restored["with"]["path"] == saved["with"]["path"]
    assert restored["with"]["key"] == saved["with"]["key"]
    database = PurePosixPath(workflow["env"]["GARRISON_DB"])
    assert database.parent == PurePosixPath(saved["with"]["path"])


def test_github_workflow_keeps_every_report_as_an_artifact() -> None:
    _, steps = _github()
    _, artifact = _uses(steps, "actions/upload-artifact")
    kept = artifact["with"]["path"].split()
    written = [out for step in steps for a in _github_commands(step) for out in outputs(a).values()]
    assert sorted(kept) == sorted(written)
    assert _runs_after_a_failed_gate(artifact)


# --- GitLab CI ------------------------------------------------------------------------------


def _gitlab_jobs() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The template's global variables and its visible jobs, `extends` resolved."""
    document = _load(GITLAB)
    jobs = {}
    for name, job in document.items():
        if name.startswith(".") or not isinstance(job, dict) or "script" not in job:
            continue
        base = document[job["extends"]] if "extends" in job else {}
        merged = {**base, **job}
        merged["variables"] = {**base.get("variables", {}), **job.get("variables", {})}
        jobs[name] = merged
    return document.get("variables", {}), jobs


def _gitlab_commands(job: dict[str, Any]) -> list[argparse.Namespace]:
    variables, _ = _gitlab_jobs()
    variables = {**variables, **job["variables"]}
    script = "\n".join(job.get("before_script", []) + job["script"])
    return [parse(words) for words in garrison_commands(script, variables)]


def test_gitlab_template_every_garrison_command_parses() -> None:
    _, jobs = _gitlab_jobs()
    found = {name: [subcommand(a) for a in _gitlab_commands(job)] for name, job in jobs.items()}
    assert found == {"garrison-scan": ["db update", "scan"], "garrison-history": ["history"]}


def test_gitlab_template_reports_junit_and_cyclonedx_always() -> None:
    _, jobs = _gitlab_jobs()
    scan = jobs["garrison-scan"]
    (args,) = [a for a in _gitlab_commands(scan) if a.command == "scan"]
    written = outputs(args)
    assert scan["artifacts"]["reports"] == {
        "junit": written["junit"],
        "cyclonedx": written["cyclonedx"],
    }
    for job in jobs.values():
        artifacts = job["artifacts"]
        kept = [out for a in _gitlab_commands(job) for out in outputs(a).values()]
        assert sorted(artifacts["paths"]) == sorted(kept)
        assert artifacts["when"] == "always"


def test_gitlab_template_fails_the_job_when_the_gate_fails() -> None:
    _, jobs = _gitlab_jobs()
    for name, job in jobs.items():
        assert not job.get("allow_failure"), name
        for args in _gitlab_commands(job):
            assert getattr(args, "exit_code", 1) != 0, name
        assert not any("||" in line for line in job["script"]), name


def test_gitlab_template_caches_the_database_and_never_scans_the_cache() -> None:
    _, jobs = _gitlab_jobs()
    scan = jobs["garrison-scan"]
    (cached,) = scan["cache"]["paths"]
    database = scan["variables"]["GARRISON_DB"]
    assert database.startswith("$CI_PROJECT_DIR/" + cached)
    for job in jobs.values():
        for args in _gitlab_commands(job):
            if args.command in ("scan", "history"):
                assert cached.rstrip("/") in args.exclude


# --- the schemas of each platform and pre-commit's own manifest check -----------------------


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize(
    ("schema", "path", "good", "misspelt"),
    [
        ("vendor.github-workflows", GITHUB, "timeout-minutes:", "timeout_minutes:"),
        ("vendor.gitlab-ci", GITLAB, "junit: garrison-junit.xml", "junits: garrison-junit.xml"),
    ],
    ids=["github", "gitlab"],
)
def test_ci_files_validate_against_their_platform_schema(
    schema: str, path: Path, good: str, misspelt: str, tmp_path: Path
) -> None:
    checked = _check_jsonschema(schema, path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = path.read_text(encoding="utf-8")  # the same file with one misspelt key is refused
    assert text.count(good) == 1
    (tmp_path / path.name).write_text(text.replace(good, misspelt), encoding="utf-8")
    assert _check_jsonschema(schema, tmp_path / path.name).returncode == 1


def test_hook_entries_parse_and_scan_the_whole_tree() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert sorted(hooks) == ["garrison-misconfig", "garrison-policy", "garrison-secrets"]
    parsed = {}
    for hook_id, hook in hooks.items():
        (words,) = garrison_commands(hook["entry"], os.environ)
        parsed[hook_id] = parse(words)
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False  # one target: the tree, not pre-commit's list
    assert parsed["garrison-secrets"].scanners == "secret"
    assert parsed["garrison-misconfig"].scanners == "misconfig"
    assert parsed["garrison-secrets"].target == parsed["garrison-misconfig"].target == "."
    assert subcommand(parsed["garrison-policy"]) == "policy check"
