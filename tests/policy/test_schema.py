"""The policy's JSON Schema: valid Draft 2020-12, every key documented, shipped as package
data, and in step with what the loader reads."""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterator
from typing import Any

import jsonschema

from garrison.policy.document import policy_schema
from tests.conftest import REPO


def properties(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in schema.get("properties", {}).items():
        yield f"{where}{name}", sub
        yield from properties(sub, f"{where}{name}.")
    items = schema.get("items")
    if isinstance(items, dict):
        yield from properties(items, f"{where}[].")


def test_schema_is_valid_draft_2020_12() -> None:
    schema = policy_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_key_is_documented() -> None:
    undocumented = [name for name, sub in properties(policy_schema()) if not sub.get("description")]
    assert undocumented == []


def test_every_key_is_known() -> None:
    names = {name for name, _ in properties(policy_schema())}
    assert names == {
        "version", "fail_on", "licenses", "exceptions", "exception_warning_days",
        "strict_suppressions", "allowed_inline",
        "fail_on.vulnerability", "fail_on.vulnerability.severity",
        "fail_on.vulnerability.fixable_only", "fail_on.vulnerability.ignore_unknown_versions",
        "fail_on.misconfiguration", "fail_on.misconfiguration.severity",
        "fail_on.misconfiguration.enforce", "fail_on.misconfiguration.skip",
        "fail_on.secret", "fail_on.secret.any", "fail_on.secret.severity",
        "fail_on.sast", "fail_on.sast.severity", "fail_on.sast.min_confidence",
        "fail_on.license", "fail_on.license.severity",
        "fail_on.end_of_life", "fail_on.end_of_life.fail", "fail_on.end_of_life.severity",
        "licenses.allowed", "licenses.denied", "licenses.unknown",
        "exceptions.[].id", "exceptions.[].rule", "exceptions.[].path", "exceptions.[].purl",
        "exceptions.[].path_regex",
        "exceptions.[].reason", "exceptions.[].owner", "exceptions.[].expires",
        "freshness", "freshness.max_image_age", "freshness.max_base_age", "freshness.max_uptime",
        "freshness.behind_golden",
    }  # fmt: skip


def test_schema_ships_as_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["garrison"]
    assert any(fnmatch.fnmatch("policy/schema.json", pattern) for pattern in patterns)
