"""The built-in Dockerfile checks: their own tests, their metadata, and exact findings on
realistic Dockerfiles (fixtures and the shared corpus)."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path, PurePosixPath

import pytest

from garrison.iac import checks as builtin
from garrison.iac.dsl import BUILTIN_PYTHON
from garrison.iac.engine import Check, check_resources
from garrison.iac.loaders import dockerfile
from garrison.iac.registry import parse_checks_text
from garrison.iac.selftest import run_check_tests
from garrison.inventory.readers.base import SourceFile
from tests.conftest import DATA, shared_path

FIXTURES = DATA / "iac" / "dockerfile"
EQUIVALENT_IDS = {
    "trivy": re.compile(r"^DS-\d{4}$"),
    "checkov": re.compile(r"^CKV2?_DOCKER_\d+$"),
    "hadolint": re.compile(r"^DL\d{4}$"),
}


def dockerfile_checks() -> tuple[Check, ...]:
    text = importlib.resources.files(builtin).joinpath("dockerfile.yaml").read_text("utf-8")
    return parse_checks_text(text, "builtin:dockerfile.yaml", BUILTIN_PYTHON)


def findings(text: str, path: str = "Dockerfile") -> list[tuple[str, int, int]]:
    loaded = dockerfile.load(SourceFile(path, text.encode()))
    run = check_resources(loaded.resources, dockerfile_checks())
    assert run.warnings == ()
    return sorted(
        (f.id, f.location.line or 0, f.location.end_line or 0)
        for f in run.findings
        if f.location is not None
    )


def test_the_file_is_listed_and_its_checks_are_well_formed() -> None:
    assert "dockerfile.yaml" in builtin.CHECK_FILES
    checks = dockerfile_checks()
    ids = [check.id for check in checks]
    assert len(ids) >= 20 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"GAR-DF-\d{3}", ident) for ident in ids)
    for check in checks:
        assert (check.source, check.kinds) == ("dockerfile", frozenset({"stage"}))
        expects = {test["expect"] for test in check.tests}
        assert expects == {"fail", "pass"}, check.id
        for tool, ids in check.equivalents.items():
            assert all(EQUIVALENT_IDS[tool].match(other) for other in ids), (check.id, tool)


def test_every_check_passes_its_own_tests() -> None:
    results = run_check_tests(dockerfile_checks())
    assert [r for r in results if not r.passed] == []
    assert len(results) > 100


def test_exact_findings_on_a_realistic_multi_stage_dockerfile() -> None:
    text = (FIXTURES / "webapp" / "Dockerfile").read_text()
    assert findings(text) == [
        ("GAR-DF-001", 16, 16),  # final stage: no USER
        ("GAR-DF-003", 16, 16),  # ubuntu:latest
        ("GAR-DF-005", 5, 5),  # python:3.12-slim (from the global ARG) has no digest
        ("GAR-DF-006", 20, 20),  # ADD https://...
        ("GAR-DF-007", 19, 19),  # ADD app.py
        ("GAR-DF-008", 11, 11),  # curl | bash
        ("GAR-DF-009", 3, 3),  # global ARG GITHUB_TOKEN
        ("GAR-DF-009", 18, 18),  # ENV DB_PASSWORD, on its continued line
        ("GAR-DF-010", 8, 10),  # apt-get install without versions
        ("GAR-DF-014", 14, 14),  # pip install gunicorn, on the RUN's second line
        ("GAR-DF-016", 8, 10),  # no --no-install-recommends
        ("GAR-DF-017", 8, 8),  # apt lists kept: the `apt-get update` command
        ("GAR-DF-022", 25, 25),  # sudo, inside a heredoc
        ("GAR-DF-023", 27, 27),  # EXPOSE 22
        ("GAR-DF-024", 16, 16),  # no HEALTHCHECK
        ("GAR-DF-026", 24, 24),  # chmod -R 777, inside a heredoc
        ("GAR-DF-027", 7, 7),  # WORKDIR build
        ("GAR-DF-028", 6, 6),  # MAINTAINER
        ("GAR-DF-029", 29, 29),  # the second CMD
    ]


@pytest.mark.parametrize("case", ["hardened", "windows"])
def test_clean_dockerfiles_have_no_findings(case: str) -> None:
    assert findings((FIXTURES / case / "Dockerfile").read_text()) == []


def test_ignore_comments_suppress_findings() -> None:
    text = (
        "FROM ubuntu:22.04@sha256:" + "a" * 64 + "\n"
        "# garrison:ignore[GAR-DF-022] the base image needs it\n"
        "RUN sudo make install\n"
        "USER app\n"
        "HEALTHCHECK CMD true\n"
    )
    loaded = dockerfile.load(SourceFile("Dockerfile", text.encode()))
    run = check_resources(loaded.resources, dockerfile_checks())
    assert (run.findings, run.suppressed) == ((), 1)


def test_a_stage_built_from_a_stage_inherits_user_and_healthcheck() -> None:
    text = (
        "FROM python:3.12@sha256:" + "b" * 64 + " AS base\n"
        "USER app\nHEALTHCHECK CMD true\n"
        "FROM base\nCOPY . /app\n"
    )
    assert findings(text) == []


@pytest.mark.parametrize(
    "body",
    [
        "apt-get " * 3000,
        "apt-get install a=1 " * 1500,
        "curl x | " * 3000,
        "pip install --x " * 2000,
        "sudo apt-get install -y " * 1500,
        '"' * 20000,
        "curl " + "a " * 10000,
    ],
)
def test_hostile_run_lines_are_checked_in_linear_time(body: str) -> None:
    """Patterns are anchored at command starts and use possessive or atomic groups, so a
    crafted RUN cannot make a check backtrack for minutes (this test would then hang)."""
    findings("FROM debian:12\nRUN " + body + "\n")


def corpus_findings(rel: str) -> list[tuple[str, int, int]]:
    path = shared_path("corpora", "iac", rel)
    return findings(path.read_text(), rel)


def test_exact_findings_on_the_voting_app_vote_image() -> None:
    assert corpus_findings("dockersamples__example-voting-app/vote/Dockerfile") == [
        ("GAR-DF-001", 23, 23),
        ("GAR-DF-005", 2, 2),
        ("GAR-DF-010", 6, 6),
        ("GAR-DF-014", 18, 18),
        ("GAR-DF-024", 23, 23),
    ]


def test_exact_findings_on_an_official_postgres_image() -> None:
    assert corpus_findings("docker-library__postgres/17/alpine3.22/Dockerfile") == [
        ("GAR-DF-001", 7, 7),
        ("GAR-DF-005", 7, 7),
        ("GAR-DF-011", 23, 26),  # the `apk add` lines of a long RUN
        ("GAR-DF-011", 75, 104),
        ("GAR-DF-024", 7, 7),
    ]


def test_no_check_fails_on_any_corpus_dockerfile() -> None:
    root: Path = shared_path("corpora", "iac")
    checks = dockerfile_checks()
    for path in sorted(root.rglob("*")):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and dockerfile.matches(rel):
            loaded = dockerfile.load(SourceFile(str(rel), path.read_bytes()))
            assert check_resources(loaded.resources, checks).warnings == (), rel
