"""Load and validate checks: the built-in YAML files (`garrison.iac.checks.CHECK_FILES`), a
repository's `.garrison/checks/*.yaml`, and plugins (entry point group `garrison.checks`:
each returns a list of check mappings or Check objects). A malformed check is a ConfigError
naming the file, the check and the key; two checks with one id are an error too.

Only built-in checks may call Python (`python:` functions under `garrison.iac.checks`);
repository YAML may not; plugins are Python already and may name any module.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import importlib.resources
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from garrison.errors import ConfigError
from garrison.iac import checks as builtin_package
from garrison.iac.checkyaml import load_check_yaml
from garrison.iac.dsl import BUILTIN_PYTHON, DslError, PathError, parse_condition, parse_path
from garrison.iac.engine import Check
from garrison.model import Severity

ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
SOURCES = ("kubernetes", "dockerfile", "terraform", "compose")
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
EQUIVALENT_TOOLS = frozenset({"trivy", "checkov", "kube-linter", "hadolint", "tfsec"})
REQUIRED = ("id", "title", "severity", "description", "remediation", "source", "kinds", "fail_if")
OPTIONAL = ("references", "frameworks", "equivalents", "select", "tests")
TEST_KEYS = frozenset({"name", "expect", "resource", "kind", "context"})
REPO_DIR = (".garrison", "checks")
ENTRY_POINT_GROUP = "garrison.checks"


class _Bad(Exception):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")


def parse_checks_text(text: str, origin: str, python: str | None = None) -> tuple[Check, ...]:
    """The checks of one YAML check file (a list of checks)."""
    document = load_check_yaml(text, origin)
    if document is None:
        return ()
    if not isinstance(document, list):
        raise ConfigError(f"{origin}: a check file must be a YAML list of checks")
    return tuple(parse_check(raw, origin, python, index) for index, raw in enumerate(document))


def parse_check(raw: Any, origin: str, python: str | None = None, index: int = 0) -> Check:
    """Validate and parse one check mapping; errors name origin, check id and key."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    name = ident if isinstance(ident, str) and ident else f"#{index + 1}"
    try:
        return _parse(raw, origin, python)
    except _Bad as exc:
        raise ConfigError(f"{origin}: check {name}: {exc}") from None
    except DslError as exc:
        raise ConfigError(f"{origin}: check {name}: {exc}") from None


def _parse(raw: Any, origin: str, python: str | None) -> Check:
    if not isinstance(raw, dict):
        raise _Bad("check", "must be a mapping")
    unknown = sorted(str(key) for key in raw if key not in REQUIRED + OPTIONAL)
    if unknown:
        raise _Bad(unknown[0], "unknown key")
    for key in REQUIRED:
        if key not in raw:
            raise _Bad(key, "missing")
    ident = _text(raw, "id")
    if not ID_PATTERN.match(ident):
        raise _Bad("id", f"{ident!r} does not match {ID_PATTERN.pattern}")
    return Check(
        id=ident,
        title=_text(raw, "title"),
        severity=Severity[_choice(raw, "severity", SEVERITIES)],
        source=_choice(raw, "source", SOURCES),
        kinds=frozenset(_strings(raw, "kinds", required=True)),
        fail_if=parse_condition(raw["fail_if"], "fail_if", python),
        description=_text(raw, "description"),
        remediation=_text(raw, "remediation"),
        select=_select(raw.get("select")),
        references=_strings(raw, "references"),
        frameworks=_strings(raw, "frameworks"),
        equivalents=_equivalents(raw.get("equivalents")),
        tests=_tests(raw.get("tests"), raw["source"]),
        origin=origin,
        raw=raw,
    )


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Bad(key, "must be a non-empty string")
    return value.strip()


def _choice(raw: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise _Bad(key, f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _strings(raw: dict[str, Any], key: str, required: bool = False) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _Bad(key, "must be a list of strings")
    if required and not value:
        raise _Bad(key, "must not be empty")
    return tuple(value)


def _select(value: Any) -> Any:
    if value is None:
        return None
    try:
        return parse_path(value)
    except PathError as exc:
        raise _Bad("select", str(exc)) from None


def _equivalents(value: Any) -> dict[str, tuple[str, ...]]:
    """tool -> the ids of that tool's checks this one covers (one id, or a list of ids)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Bad("equivalents", "must be a mapping of tool to check id")
    result: dict[str, tuple[str, ...]] = {}
    for tool, other in value.items():
        if tool not in EQUIVALENT_TOOLS:
            known = ", ".join(sorted(EQUIVALENT_TOOLS))
            raise _Bad(f"equivalents.{tool}", f"unknown tool (known: {known})")
        ids = [other] if isinstance(other, str) else other
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            raise _Bad(f"equivalents.{tool}", "must be a check id (a string) or a list of them")
        result[tool] = tuple(ids)
    return result


def _tests(value: Any, source: str) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Bad("tests", "must be a list")
    for index, test in enumerate(value):
        where = f"tests[{index}]"
        if not isinstance(test, dict):
            raise _Bad(where, "must be a mapping")
        unknown = sorted(str(key) for key in test if key not in TEST_KEYS)
        if unknown:
            raise _Bad(f"{where}.{unknown[0]}", "unknown key")
        if not isinstance(test.get("name"), str) or not test["name"]:
            raise _Bad(f"{where}.name", "must be a non-empty string")
        if test.get("expect") not in ("pass", "fail"):
            raise _Bad(f"{where}.expect", "must be pass or fail")
        if "resource" not in test:
            raise _Bad(f"{where}.resource", "missing")
        if source != "kubernetes" and not isinstance(test.get("kind"), str):
            raise _Bad(f"{where}.kind", "missing (the resource kind this test checks)")
        if not isinstance(test.get("context", {}), dict):
            raise _Bad(f"{where}.context", "must be a mapping")
    return tuple(value)


# --- where checks come from --------------------------------------------------------------


@functools.cache
def builtin_checks() -> tuple[Check, ...]:
    """Every built-in check, in CHECK_FILES order."""
    found: list[Check] = []
    root = importlib.resources.files(builtin_package)
    for name in builtin_package.CHECK_FILES:
        text = root.joinpath(name).read_text(encoding="utf-8")
        found += parse_checks_text(text, f"builtin:{name}", BUILTIN_PYTHON)
    return unique(found)


def repo_check_files(root: Path) -> list[Path]:
    folder = root.joinpath(*REPO_DIR)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def repo_checks(root: Path) -> tuple[Check, ...]:
    """The checks of a repository's `.garrison/checks/*.yaml` (no Python allowed)."""
    found: list[Check] = []
    for path in repo_check_files(root):
        origin = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{origin}: cannot read: {exc}") from None
        found += parse_checks_text(text, origin, python=None)
    return unique(found)


def plugin_checks() -> tuple[Check, ...]:
    """Checks from installed plugins (entry point group `garrison.checks`)."""
    found: list[Check] = []
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found += _plugin(entry)
    return unique(found)


def _plugin(entry: importlib.metadata.EntryPoint) -> list[Check]:
    origin = f"plugin:{entry.name}"
    try:
        provided = entry.load()
        items = provided() if callable(provided) else provided
    except Exception as exc:  # a broken plugin is a configuration problem, not a crash
        raise ConfigError(f"{origin}: cannot load: {exc!r}") from None
    if not isinstance(items, list | tuple):
        raise ConfigError(f"{origin}: must return a list of checks")
    found: list[Check] = []
    for index, item in enumerate(items):
        if isinstance(item, Check):
            found.append(item if item.origin else dataclasses.replace(item, origin=origin))
        else:
            found.append(parse_check(item, origin, "", index))
    return found


def load_checks(
    root: Path | None = None, *, builtin: bool = True, plugins: bool = True
) -> tuple[Check, ...]:
    """Built-in, repository (when `root` is a directory) and plugin checks, ids unique."""
    found: list[Check] = []
    if builtin:
        found += builtin_checks()
    if root is not None and root.is_dir():
        found += repo_checks(root)
    if plugins:
        found += plugin_checks()
    return unique(found)


def unique(checks: Iterable[Check]) -> tuple[Check, ...]:
    """The checks, refusing two with one id."""
    seen: dict[str, Check] = {}
    for check in checks:
        other = seen.get(check.id)
        if other is not None and other is not check:
            raise ConfigError(
                f"duplicate check id {check.id}: in {other.origin or '?'} and {check.origin or '?'}"
            )
        seen[check.id] = check
    return tuple(seen.values())
