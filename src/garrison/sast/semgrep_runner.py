"""Semgrep with the user's local rule files (I/O module: runs a subprocess).

Runs only when rule paths are given and a binary is found (`SastOptions.semgrep_binary`,
else `$GARRISON_SEMGREP`, else `semgrep` on PATH); otherwise a note says why. Offline by
construction: rules are absolute local paths (never registry names), metrics and version
checks are off. Rule ids are the ones written in the rule files (`--no-rewrite-rule-ids`),
whatever the working directory. Semgrep's SARIF goes through `sarif_in`. When Semgrep
fails and several rule paths were given, each path is run alone, so one bad rule file
costs only its own rules and its warning names it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from garrison.fs import ALWAYS_SKIPPED
from garrison.model import ScanWarning
from garrison.sast.bandit_runner import SKIPPED_DIRS
from garrison.sast.base import Context, Hit, Outcome
from garrison.sast.sarif_in import outcome_of, roots_of

NAME = "semgrep"
ENV_BINARY = "GARRISON_SEMGREP"
TIMEOUT_SECONDS = 900  # the whole run
FILE_TIMEOUT_SECONDS = 30  # one rule on one file (Semgrep's --timeout)
OK_CODES = (0, 1)  # 1: findings with --error (not passed, but harmless)
FLAGS = ("--sarif", "--quiet", "--metrics=off", "--disable-version-check",
         "--no-rewrite-rule-ids", f"--timeout={FILE_TIMEOUT_SECONDS}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Run:
    """One Semgrep process: its outcome, and why it failed (None: it did not)."""

    outcome: Outcome
    failure: str | None
    rules_at_fault: bool = True  # False: Semgrep hung or did not start, whatever the rules


def run(context: Context) -> Outcome:
    """Semgrep's findings for the user's rule paths, or a note/warning saying why none."""
    rules = context.options.semgrep_rules
    if not rules:
        return Outcome()
    binary, problem = find_binary(context.options.semgrep_binary)
    if binary is None:
        count = f"{len(rules)} rule path{'s' if len(rules) > 1 else ''} not run"
        if problem is None:
            return Outcome(notes=(f"semgrep: not installed; {count}",))
        return Outcome(warnings=(ScanWarning(NAME, f"{problem}; {count}"),))
    first = _semgrep(binary, rules, context)
    if first.failure is None:
        return first.outcome
    if len(rules) == 1:
        return _with_warning(first.outcome, str(rules[0]), first.failure)
    if not first.rules_at_fault:  # a hang or a missing binary: no use running each path
        return _with_warning(first.outcome, NAME, first.failure, f"{len(rules)} rule paths")
    return _one_by_one(binary, rules, context)


def find_binary(explicit: str | None) -> tuple[str | None, str | None]:
    """(the binary, None), or (None, why a named binary is unusable), or (None, None) when
    no binary is named and none is on PATH."""
    named = explicit or os.environ.get(ENV_BINARY) or None
    if named is None:
        found = shutil.which("semgrep")
        return (os.path.abspath(found) if found else None), None
    found = shutil.which(named)
    if found is None:
        origin = "semgrep binary" if explicit else f"${ENV_BINARY}"
        return None, f"{origin} {named!r} is not an executable file"
    return os.path.abspath(found), None  # semgrep runs in the target's directory


def command(binary: str, rules: Sequence[Path], target: Path, excludes: Sequence[str]) -> list[str]:
    """The Semgrep command line: local rules only, offline, SARIF on stdout."""
    configs = [f"--config={os.path.abspath(rule)}" for rule in rules]
    skipped = sorted(ALWAYS_SKIPPED | SKIPPED_DIRS)
    exclusions = [f"--exclude={pattern}" for pattern in (*skipped, *excludes)]
    return [binary, "scan", *configs, *FLAGS, *exclusions, os.path.abspath(target)]


def _one_by_one(binary: str, rules: Sequence[Path], context: Context) -> Outcome:
    hits: list[Hit] = []
    warnings: list[ScanWarning] = []
    notes: list[str] = []
    for rule in rules:
        alone = _semgrep(binary, [rule], context)
        outcome = alone.outcome
        if alone.failure is not None:
            outcome = _with_warning(outcome, str(rule), alone.failure)
        hits.extend(outcome.hits)
        warnings.extend(outcome.warnings)
        notes.extend(outcome.notes)
    return Outcome(tuple(hits), tuple(warnings), tuple(notes))


def _with_warning(
    outcome: Outcome, source: str, failure: str, what: str = "these rules"
) -> Outcome:
    warning = ScanWarning(source, f"semgrep: {failure}; {what} were not run")
    return Outcome(outcome.hits, (*outcome.warnings, warning), outcome.notes)


def _semgrep(binary: str, rules: Sequence[Path], context: Context) -> _Run:
    argv = command(binary, rules, context.target, context.options.excludes)
    try:
        done = subprocess.run(
            argv, cwd=context.base, env=_environment(), capture_output=True,
            timeout=TIMEOUT_SECONDS, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return _Run(Outcome(), f"no answer after {TIMEOUT_SECONDS} s; stopped", False)
    except OSError as exc:
        return _Run(Outcome(), f"could not start {binary} ({exc.strerror or exc})", False)
    try:
        document = json.loads(done.stdout)
    except (ValueError, RecursionError):
        return _Run(Outcome(), f"exit code {done.returncode}, no SARIF: {_last_line(done.stderr)}")
    outcome = outcome_of(document, NAME, roots_of(context.base), NAME)
    errors = [w.message for w in outcome.warnings]
    if done.returncode in OK_CODES and not errors:
        return _Run(outcome, None)
    clean = Outcome(outcome.hits, (), outcome.notes)
    return _Run(clean, _first_line(errors[0]) if errors else f"exit code {done.returncode}")


def _environment() -> dict[str, str]:
    """The caller's environment, without a Semgrep login, with metrics and version checks off."""
    env = {k: v for k, v in os.environ.items() if k != "SEMGREP_APP_TOKEN"}
    env.update(SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
    return env


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line.removeprefix("semgrep: ").rstrip(":")[:300]


def _last_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:300] if lines else "nothing on stderr"
