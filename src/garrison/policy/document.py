"""The policy file: YAML text -> validated `Policy`. Every error is one PolicyError line,
`FILE:LINE: key.path: message`.

Structure is checked by the JSON Schema shipped beside this module (`schema.json`, Draft
2020-12); each schema error's path is mapped back to the YAML node's line. What a schema
cannot say (real dates, SPDX licences, id or rule) is checked while building the values.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema takes a second to import: only when a policy is read
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from garrison.errors import PolicyError
from garrison.model import Severity
from garrison.policy import licenses
from garrison.policy.files import read_text
from garrison.policy.model import (
    Confidence,
    EndOfLifeRule,
    FailRules,
    FreshnessPolicy,
    LicensePolicy,
    MisconfigRule,
    Policy,
    PolicyException,
    SastRule,
    SecretRule,
    UnknownLicense,
    VulnerabilityRule,
)
from garrison.policy.yamllines import KeyPath, Located, located_yaml, render_path
from garrison.vulndb.freshness import parse_duration

POLICY_NAMES = ("garrison.yaml", ".garrison.yaml")
MAX_BYTES = 1 << 20
_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "boolean": "true or false",
    "integer": "a whole number",
}
_X_MESSAGE_FOR = frozenset({"type", "enum", "const", "pattern", "minimum"})


class _Bad(Exception):
    """A semantic error at a path (turned into a PolicyError with the path's line)."""

    def __init__(self, path: KeyPath, message: str, *, key: bool = False) -> None:
        super().__init__(message)
        self.path, self.message, self.key = path, message, key


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file."""
    return parse_policy(read_text(path, "a policy file", MAX_BYTES), str(path))


def parse_policy(text: str, source: str) -> Policy:
    """Validate policy text; `source` names it in errors and in the verdict."""
    located = located_yaml(text, source)
    if located.value is None:
        raise PolicyError(f"{source}:1: the policy file is empty (start it with version: 1)")
    _check_schema(located, source)
    try:
        return _build(located, source)
    except _Bad as bad:
        line = located.line_of(bad.path, key=bad.key)
        raise PolicyError(f"{source}:{line}: {render_path(bad.path)}: {bad.message}") from None


def find_policy(target: Path) -> Path | None:
    """`garrison.yaml` or `.garrison.yaml` in the target directory (a file's directory), or
    in the nearest enclosing directory that is a git repository's root."""
    start = target if target.is_dir() else target.parent
    if not start.is_dir():
        return None
    for folder in (start.resolve(), *start.resolve().parents):
        found = [folder / name for name in POLICY_NAMES if (folder / name).is_file()]
        if len(found) > 1:
            raise PolicyError(f"{found[0]} and {found[1]} both exist: keep one policy file")
        if found:
            return found[0]
        if (folder / ".git").exists():
            return None
    return None


# --- structure: the JSON Schema ----------------------------------------------------------


@functools.cache
def policy_schema() -> dict[str, Any]:
    text = importlib.resources.files("garrison.policy").joinpath("schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    return Draft202012Validator(policy_schema())


def _check_schema(located: Located, source: str) -> None:
    errors = [_explain(error) for error in _validator().iter_errors(located.value)]
    if not errors:
        return
    placed = sorted((located.line_of(path, key=key), render_path(path), msg, path)
                    for path, msg, key in errors)  # fmt: skip
    line, where, message, _ = placed[0]
    raise PolicyError(f"{source}:{line}: {where}: {message}")


def _explain(error: ValidationError) -> tuple[KeyPath, str, bool]:
    """(path, message, whether the line is the key's) for one schema error."""
    path: KeyPath = tuple(error.absolute_path)
    schema, instance = error.schema, error.instance
    if error.validator == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extra = sorted(key for key in instance if key not in known)[0]
        return (*path, extra), f"unknown key (known: {', '.join(known)})", True
    if error.validator == "required":
        missing = next(key for key in schema["required"] if key not in instance)
        return (*path, missing), "missing (required)", False
    if error.validator in _X_MESSAGE_FOR and "x-message" in schema:
        return path, str(schema["x-message"]), False
    if error.validator == "type":
        expected = _TYPE_WORDS.get(str(error.validator_value), str(error.validator_value))
        return path, f"must be {expected}, not {_describe(instance)}", False
    return path, error.message, False


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    for kind, word in ((bool, "true/false"), (dict, "a mapping"), (list, "a list")):
        if isinstance(value, kind):
            return word
    return f"{type(value).__name__} {value!r}" if not isinstance(value, str) else repr(value)


# --- values ------------------------------------------------------------------------------


def _build(located: Located, source: str) -> Policy:
    raw: dict[str, Any] = located.value
    exceptions = [
        _exception(index, entry, located.line_of(("exceptions", index)))
        for index, entry in enumerate(raw.get("exceptions", []))
    ]
    return Policy(
        fail_on=_fail_rules(raw.get("fail_on", {})),
        licenses=_license_policy(raw["licenses"]) if "licenses" in raw else None,
        exceptions=tuple(exceptions),
        exception_warning_days=raw.get("exception_warning_days", 14),
        strict_suppressions=raw.get("strict_suppressions", False),
        allowed_inline=frozenset(raw.get("allowed_inline", [])),
        freshness=_freshness(raw.get("freshness", {})),
        source=source,
    )


def _freshness(raw: dict[str, Any]) -> FreshnessPolicy:
    """Durations were checked by the schema's pattern."""
    ages = {
        key: parse_duration(raw[key], f"freshness.{key}")
        for key in ("max_image_age", "max_base_age", "max_uptime")
        if key in raw
    }
    return FreshnessPolicy(**ages, behind_golden=raw.get("behind_golden"))


def _fail_rules(raw: dict[str, Any]) -> FailRules:
    vuln, misconfig = raw.get("vulnerability", {}), raw.get("misconfiguration", {})
    secret, sast = raw.get("secret", {}), raw.get("sast", {})
    eol = raw.get("end_of_life", {})
    return FailRules(
        vulnerability=VulnerabilityRule(
            _severity(vuln), vuln.get("fixable_only", False),
            vuln.get("ignore_unknown_versions", False),
        ),
        misconfiguration=_misconfig_rule(misconfig),
        secret=SecretRule(secret.get("any", False), _severity(secret)),
        sast=SastRule(_severity(sast), Confidence[sast.get("min_confidence", "low").upper()]),
        license=_severity(raw.get("license", {})),
        end_of_life=EndOfLifeRule(eol.get("fail"), _severity(eol)),
    )  # fmt: skip


def _severity(raw: dict[str, Any]) -> Severity:
    return Severity[raw.get("severity", "HIGH")]


def _misconfig_rule(raw: dict[str, Any]) -> MisconfigRule:
    enforce, skip = raw.get("enforce", []), raw.get("skip", [])
    for index, name in enumerate(skip):
        if name in enforce:
            path = ("fail_on", "misconfiguration", "skip", index)
            raise _Bad(path, f"{name!r} is also in enforce: a check cannot be both")
    return MisconfigRule(_severity(raw), frozenset(enforce), frozenset(skip))


def _license_policy(raw: dict[str, Any]) -> LicensePolicy:
    allowed = _license_entries(raw.get("allowed", []), "allowed")
    denied = _license_entries(raw.get("denied", []), "denied")
    for index, entry in enumerate(denied):
        if entry in allowed:
            raise _Bad(("licenses", "denied", index), f"{entry!r} is also allowed")
    unknown = UnknownLicense(raw.get("unknown", "warn"))
    return LicensePolicy(frozenset(allowed), frozenset(denied), unknown)


def _license_entries(entries: Sequence[str], key: str) -> list[str]:
    normalised: list[str] = []
    for index, entry in enumerate(entries):
        try:
            normalised.append(licenses.normalize_entry(entry))
        except licenses.LicenseSyntaxError as exc:
            raise _Bad(("licenses", key, index), str(exc)) from None
    return normalised


def _exception(index: int, raw: dict[str, Any], line: int) -> PolicyException:
    where: KeyPath = ("exceptions", index)
    if "id" in raw and "rule" in raw:
        raise _Bad((*where, "rule"), "give id or rule, not both", key=True)
    ident = raw.get("id", raw.get("rule"))
    if ident is None:
        raise _Bad(where, "give the id (or rule) of what the exception covers")
    try:
        expires = date.fromisoformat(raw["expires"])
    except ValueError:
        raise _Bad((*where, "expires"), "not a date (write YYYY-MM-DD)") from None
    return PolicyException(
        ident=ident.strip(),
        reason=raw["reason"].strip(),
        owner=raw["owner"].strip(),
        expires=expires,
        index=index,
        line=line,
        path=raw.get("path"),
        purl=raw.get("purl"),
        path_regex=_regex(raw.get("path_regex"), (*where, "path_regex")),
    )


def _regex(text: str | None, where: KeyPath) -> re.Pattern[str] | None:
    if text is None:
        return None
    try:
        return re.compile(text)
    except re.error as exc:
        raise _Bad(where, f"not a regular expression: {exc}") from None
