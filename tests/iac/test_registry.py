"""Loading and validating checks: built-in files, repository checks, plugins, duplicates."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from garrison.errors import ConfigError
from garrison.iac import checks as builtin_package
from garrison.iac import registry
from garrison.iac.engine import Check
from garrison.iac.registry import (
    builtin_checks,
    load_checks,
    parse_check,
    parse_checks_text,
    plugin_checks,
    repo_checks,
)
from garrison.iac.selftest import run_check_tests
from garrison.model import Severity


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(checks: list[Any]) -> str:
    return yaml.dump(checks, Dumper=_NoAliases, sort_keys=False)


GOOD: dict[str, Any] = {
    "id": "ACME-K8S-001",
    "title": "Host network",
    "severity": "MEDIUM",
    "description": "Pods on the host network see every interface.",
    "remediation": "Remove hostNetwork.",
    "references": ["https://example.org"],
    "frameworks": ["PSS-baseline"],
    "equivalents": {"trivy": "KSV-0009", "checkov": "CKV_K8S_19"},
    "source": "kubernetes",
    "kinds": ["workload"],
    "fail_if": {"path": "$pod.hostNetwork", "equals": True},
    "tests": [
        {
            "name": "host network fails",
            "expect": "fail",
            "resource": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                         "spec": {"hostNetwork": True, "containers": [{"name": "c"}]}},
        },
        {
            "name": "default passes",
            "expect": "pass",
            "resource": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                         "spec": {"containers": [{"name": "c"}]}},
        },
    ],
}  # fmt: skip
PREFIXES = (
    "GAR-K8S-",
    "GAR-NET-",
    "GAR-DF-",
    "GAR-DC-",
    "GAR-TF-AWS-",
    "GAR-TF-GCP-",
    "GAR-TF-AZ-",
)


def test_a_good_check_parses() -> None:
    check = parse_check(GOOD, "acme.yaml")
    assert check.id == "ACME-K8S-001"
    assert check.severity is Severity.MEDIUM
    assert check.kinds == frozenset({"workload"})
    assert check.equivalents == {"trivy": ("KSV-0009",), "checkov": ("CKV_K8S_19",)}
    assert check.frameworks == ("PSS-baseline",)
    assert check.origin == "acme.yaml"
    assert len(check.tests) == 2
    assert all(result.passed for result in run_check_tests([check]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "gar-k8s-1"}, "check gar-k8s-1: id: 'gar-k8s-1' does not match"),
        ({"id": "GARK8S"}, "check GARK8S: id:"),
        ({"title": ""}, "check ACME-K8S-001: title: must be a non-empty string"),
        ({"title": None}, "title: must be a non-empty string"),
        ({"severity": "INFO"}, "severity: 'INFO' is not one of CRITICAL, HIGH, MEDIUM, LOW"),
        ({"source": "helm"}, "source: 'helm' is not one of"),
        ({"kinds": []}, "kinds: must not be empty"),
        ({"kinds": "Pod"}, "kinds: must be a list of strings"),
        ({"references": "https://x"}, "references: must be a list of strings"),
        ({"equivalents": {"kics": "x"}}, "equivalents.kics: unknown tool"),
        ({"equivalents": {"trivy": 5}}, "equivalents.trivy: must be a check id"),
        ({"select": "a..b"}, "select:"),
        ({"fail_if": {"path": "a", "equal": 1}}, "check ACME-K8S-001: fail_if.equal: unknown key"),
        ({"fail_if": {"python": "garrison.iac.checks:x"}}, "fail_if.python: not allowed"),
        ({"severity_level": "HIGH"}, "severity_level: unknown key"),
        ({"tests": {}}, "tests: must be a list"),
        ({"tests": [{"name": "t", "expect": "boom", "resource": {}}]}, "tests[0].expect"),
        ({"tests": [{"name": "t", "expect": "pass"}]}, "tests[0].resource: missing"),
        ({"tests": [{"name": "t", "expect": "pass", "resource": {}, "why": 1}]}, "tests[0].why"),
        ({"tests": [{"expect": "pass", "resource": {}}]}, "tests[0].name"),
        ({"source": "dockerfile", "tests": [{"name": "t", "expect": "pass", "resource": {}}]},
         "tests[0].kind: missing"),
    ],
)  # fmt: skip
def test_malformed_checks_name_file_check_and_key(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=r"^acme\.yaml: check ") as caught:
        parse_check({**GOOD, **change}, "acme.yaml")
    assert message in str(caught.value)


def test_missing_required_keys() -> None:
    for key in ("id", "title", "description", "remediation", "severity", "source", "kinds"):
        broken = {k: v for k, v in GOOD.items() if k != key}
        with pytest.raises(ConfigError, match=f": {key}: missing"):
            parse_check(broken, "acme.yaml")
    with pytest.raises(ConfigError, match="check #3: id: missing"):
        parse_checks_text(dump([GOOD, {**GOOD, "id": "ACME-K8S-002"}, {}]), "a.yaml")


def test_check_files() -> None:
    text = dump([GOOD, {**GOOD, "id": "ACME-K8S-002"}])
    assert [c.id for c in parse_checks_text(text, "a.yaml")] == ["ACME-K8S-001", "ACME-K8S-002"]
    assert parse_checks_text("", "empty.yaml") == ()
    with pytest.raises(ConfigError, match=r"a\.yaml: a check file must be a YAML list"):
        parse_checks_text("id: X-1\n", "a.yaml")
    with pytest.raises(ConfigError, match=r"^a\.yaml: line 3: invalid YAML"):
        parse_checks_text("- id: X-1\n  title: [\n", "a.yaml")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)
    )
    with pytest.raises(ConfigError, match=r"a\.yaml: expands to more than"):
        parse_checks_text(bomb, "a.yaml")
    with pytest.raises(ConfigError, match="duplicate key"):
        parse_checks_text("- id: X-1\n  id: X-2\n", "a.yaml")


def test_aliases_may_share_a_test_resource() -> None:
    shared = {**GOOD, "tests": [{**GOOD["tests"][0], "resource": GOOD["tests"][0]["resource"]}]}
    text = yaml.safe_dump([shared, {**shared, "id": "ACME-K8S-002"}])
    assert "*id" in text
    assert len(parse_checks_text(text, "a.yaml")) == 2


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / ".garrison" / "checks"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(dump([GOOD]))
    (folder / "b.yml").write_text(dump([GOOD]))
    with pytest.raises(ConfigError, match=r"duplicate check id ACME-K8S-001: in \.garrison/che"):
        repo_checks(tmp_path)


def test_repository_checks(tmp_path: Path) -> None:
    assert repo_checks(tmp_path) == ()
    folder = tmp_path / ".garrison" / "checks"
    folder.mkdir(parents=True)
    (folder / "net.yaml").write_text(dump([GOOD]))
    (folder / "notes.txt").write_text("not a check")
    (checks,) = repo_checks(tmp_path)
    assert checks.origin == ".garrison/checks/net.yaml"
    everything = load_checks(tmp_path, plugins=False)
    assert everything[-1].id == "ACME-K8S-001"
    assert len(everything) == len(builtin_checks()) + 1


def test_repository_checks_may_not_call_python(tmp_path: Path) -> None:
    folder = tmp_path / ".garrison" / "checks"
    folder.mkdir(parents=True)
    sneaky = {**GOOD, "fail_if": {"python": "garrison.iac.checks:anything"}}
    (folder / "x.yaml").write_text(dump([sneaky]))
    with pytest.raises(ConfigError, match=r"x\.yaml: check ACME-K8S-001: fail_if\.python: not"):
        repo_checks(tmp_path)


# --- plugins ----------------------------------------------------------------------------


def plugin_dicts() -> list[Any]:
    return [{**GOOD, "id": "PLUG-K8S-001", "fail_if": {"python": "tests.iac.test_dsl:always"}}]


def plugin_objects() -> list[Any]:
    return [parse_check({**GOOD, "id": "PLUG-K8S-002"}, "")]


def plugin_broken() -> Any:
    return {"not": "a list"}


def _entry_points(monkeypatch: pytest.MonkeyPatch, *targets: str) -> None:
    found = [
        importlib.metadata.EntryPoint(f"p{i}", target, registry.ENTRY_POINT_GROUP)
        for i, target in enumerate(targets)
    ]

    def entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
        assert group == registry.ENTRY_POINT_GROUP
        return found

    monkeypatch.setattr(registry.importlib.metadata, "entry_points", entry_points)


def test_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    _entry_points(
        monkeypatch,
        "tests.iac.test_registry:plugin_dicts",
        "tests.iac.test_registry:plugin_objects",
    )
    dicts, objects = plugin_checks()
    assert (dicts.id, dicts.origin) == ("PLUG-K8S-001", "plugin:p0")  # any module allowed
    assert (objects.id, objects.origin) == ("PLUG-K8S-002", "plugin:p1")
    assert isinstance(objects, Check)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("tests.iac.test_registry:plugin_broken", "plugin:p0: must return a list of checks"),
        ("tests.iac.nowhere:x", "plugin:p0: cannot load"),
    ],
)
def test_broken_plugins(monkeypatch: pytest.MonkeyPatch, target: str, message: str) -> None:
    _entry_points(monkeypatch, target)
    with pytest.raises(ConfigError, match=message):
        plugin_checks()


def test_a_plugin_cannot_reuse_a_repository_id(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _entry_points(monkeypatch, "tests.iac.test_registry:plugin_objects")
    folder = tmp_path / ".garrison" / "checks"
    folder.mkdir(parents=True)
    (folder / "x.yaml").write_text(dump([{**GOOD, "id": "PLUG-K8S-002"}]))
    with pytest.raises(ConfigError, match="duplicate check id PLUG-K8S-002"):
        load_checks(tmp_path)


# --- the built-in checks ------------------------------------------------------------------


def test_every_builtin_check_file_is_listed_and_exists() -> None:
    root = importlib.resources.files(builtin_package)
    shipped = {p.name for p in root.iterdir() if p.name.endswith((".yaml", ".yml"))}
    assert set(builtin_package.CHECK_FILES) == shipped
    assert len(set(builtin_package.CHECK_FILES)) == len(builtin_package.CHECK_FILES)


def test_builtin_checks_are_valid_and_well_named() -> None:
    checks = builtin_checks()
    assert len({c.id for c in checks}) == len(checks)
    for check in checks:
        assert check.id.startswith(PREFIXES), check.id
        assert check.origin.startswith("builtin:")


def test_builtin_checks_pass_their_own_tests() -> None:
    failed = [r for r in run_check_tests(builtin_checks()) if not r.passed]
    assert failed == []


def test_every_builtin_check_has_a_failing_and_a_passing_test() -> None:
    untested = [
        c.id for c in builtin_checks() if {t["expect"] for t in c.tests} != {"pass", "fail"}
    ]
    assert untested == []
