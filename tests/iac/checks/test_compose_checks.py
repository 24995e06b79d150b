"""The built-in Compose checks: their own tests, their metadata, and exact findings on
realistic Compose files (fixtures and the shared corpus)."""

from __future__ import annotations

import importlib.resources
import re

from garrison.iac import checks as builtin
from garrison.iac.dsl import BUILTIN_PYTHON
from garrison.iac.engine import Check, check_resources
from garrison.iac.loaders import compose
from garrison.iac.registry import parse_checks_text
from garrison.iac.selftest import run_check_tests
from garrison.inventory.readers.base import SourceFile
from tests.conftest import DATA, shared_path

FIXTURES = DATA / "iac" / "compose"


def compose_checks() -> tuple[Check, ...]:
    text = importlib.resources.files(builtin).joinpath("compose.yaml").read_text("utf-8")
    return parse_checks_text(text, "builtin:compose.yaml", BUILTIN_PYTHON)


def findings(text: str, path: str = "docker-compose.yml") -> list[tuple[str, str, int, int]]:
    """(check id, service, first line, last line) of each finding."""
    loaded = compose.load(SourceFile(path, text.encode()))
    checks = compose_checks()
    found = []
    for service in loaded.resources:
        run = check_resources([service], checks)
        assert run.warnings == ()
        for f in run.findings:
            assert f.location is not None
            found.append((f.id, service.name, f.location.line or 0, f.location.end_line or 0))
    return sorted(found)


def test_the_file_is_listed_and_its_checks_are_well_formed() -> None:
    assert "compose.yaml" in builtin.CHECK_FILES
    checks = compose_checks()
    ids = [check.id for check in checks]
    assert len(ids) >= 10 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"GAR-DC-\d{3}", ident) for ident in ids)
    for check in checks:
        assert (check.source, check.kinds) == ("compose", frozenset({"service"}))
        assert {test["expect"] for test in check.tests} == {"fail", "pass"}, check.id


def test_every_check_passes_its_own_tests() -> None:
    results = run_check_tests(compose_checks())
    assert [r for r in results if not r.passed] == []


def test_exact_findings_on_an_insecure_stack() -> None:
    text = (FIXTURES / "insecure" / "docker-compose.yml").read_text()
    assert findings(text) == [
        ("GAR-DC-001", "agent", 7, 7),  # privileged, merged from x-privileged
        ("GAR-DC-002", "agent", 39, 39),
        ("GAR-DC-003", "agent", 40, 40),
        ("GAR-DC-005", "agent", 45, 45),
        ("GAR-DC-006", "agent", 9, 9),  # SYS_ADMIN, merged
        ("GAR-DC-007", "agent", 43, 43),
        ("GAR-DC-008", "db", 32, 32),  # POSTGRES_PASSWORD=example
        ("GAR-DC-008", "web", 18, 18),  # a password inside DATABASE_URL
        ("GAR-DC-009", "db", 29, 29),
        ("GAR-DC-010", "agent", 41, 41),
        ("GAR-DC-011", "db", 25, 34),
        ("GAR-DC-012", "agent", 36, 46),
        ("GAR-DC-012", "db", 25, 34),
        ("GAR-DC-013", "agent", 43, 43),
        ("GAR-DC-013", "db", 25, 34),
        ("GAR-DC-014", "agent", 46, 46),
        ("GAR-DC-016", "agent", 38, 38),
        ("GAR-DC-016", "db", 27, 27),
    ]


def test_a_hardened_stack_has_no_findings() -> None:
    assert findings((FIXTURES / "hardened" / "compose.yaml").read_text(), "compose.yaml") == []


def test_ignore_comments_suppress_findings() -> None:
    text = (
        "services:\n"
        "  db:\n"
        "    image: postgres:16.4\n"
        "    ports:\n"
        "      - 5432:5432  # garrison:ignore[GAR-DC-009] developer machines only\n"
    )
    loaded = compose.load(SourceFile("compose.yaml", text.encode()))
    run = check_resources(loaded.resources, compose_checks())
    assert "GAR-DC-009" not in {f.id for f in run.findings}
    assert run.suppressed == 1


def test_exact_findings_on_the_voting_app() -> None:
    path = shared_path("corpora", "iac", "dockersamples__example-voting-app", "docker-compose.yml")
    found = findings(path.read_text())
    assert [f for f in found if f[0] not in ("GAR-DC-011", "GAR-DC-012", "GAR-DC-013")] == [
        ("GAR-DC-008", "db", 68, 68),  # POSTGRES_PASSWORD: "postgres"
    ]
    assert {f[1] for f in found if f[0] == "GAR-DC-011"} == {
        "vote", "result", "worker", "redis", "db", "seed",
    }  # fmt: skip
