"""Diff mode: which findings are new (pure), and `run_diff_scan` over real repositories."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from garrison.diff import candidates, new_findings, place_of
from garrison.diffscan import run_diff_scan
from garrison.errors import InputError
from garrison.model import Commit, Component, Finding, Location, ScanResult, Severity
from garrison.policy import evaluate
from garrison.report.json_report import render
from garrison.sast import SastOptions
from garrison.vulndb.match import InMemorySource
from garrison.vulndb.osv import parse_advisory
from tests.secrets.tokens import TOKENS
from tests.test_gitrev import BOB, FEB, Repo, fixed_git, leftovers
from tests.vulndb.helpers import entry

__all__ = ["fixed_git"]  # the autouse fixture of tests/test_gitrev.py applies here too

DF = "GAR-DF-014"
MAR = "2024-03-01T09:30:00-05:00"


def misconfig(path: str, line: int, ident: str = DF) -> Finding:
    return Finding("misconfiguration", ident, "t", Severity.HIGH, location=Location(path, line))


def secret(path: str, line: int, fingerprint: str = "gfp1:" + "a" * 32) -> Finding:
    location = Location(path, line)
    return Finding("secret", "github-pat-classic", "t", Severity.HIGH, location=location,
                   fingerprint=fingerprint)  # fmt: skip


# -- which findings are new (pure) ---------------------------------------------------------


def test_a_finding_twice_at_head_once_at_base_is_one_new() -> None:
    base = [misconfig("Dockerfile", 3)]
    head = [misconfig("Dockerfile", 3), misconfig("Dockerfile", 9)]
    assert new_findings(base, head) == (1,)  # without git's word: the last in the file
    assert new_findings(base, head, changed={0}) == (0,)  # the line the range changed
    assert candidates(base, head) == (0, 1)


def test_a_finding_that_moved_down_is_not_new() -> None:
    base = [misconfig("Dockerfile", 3), misconfig("a/Dockerfile", 1, "GAR-DF-001")]
    head = [misconfig("a/Dockerfile", 1, "GAR-DF-001"), misconfig("Dockerfile", 8)]
    assert new_findings(base, head) == ()
    assert candidates(base, head) == ()


def test_findings_of_another_check_file_or_package_are_new() -> None:
    base = [misconfig("Dockerfile", 3), misconfig("gone/Dockerfile", 3)]
    head = [
        misconfig("Dockerfile", 3),
        misconfig("Dockerfile", 3, "GAR-DF-001"),
        misconfig("other/Dockerfile", 3),
    ]
    assert new_findings(base, head) == (1, 2)
    assert candidates(base, head) == (1, 2)


def test_a_secret_copied_to_another_file_is_new_there_and_a_moved_one_is_not() -> None:
    base = [secret("a.env", 1)]
    copied = [secret("b.env", 4), secret("a.env", 1)]
    assert new_findings(base, copied) == (0,)  # the copy, in the file that had none
    assert candidates(base, copied) == (0, 1)
    assert new_findings(base, [secret("b.env", 4)]) == ()  # moved: it was already exposed
    assert new_findings(base, copied, changed={1}) == (1,)  # git's word comes first


def test_a_secret_added_twice_is_two_new() -> None:
    head = [secret("a.env", 1), secret("a.env", 5), secret("c.env", 2, "gfp1:" + "b" * 32)]
    assert new_findings([secret("z.env", 9)], head) == (1, 2)


def test_the_place_git_is_asked_about() -> None:
    component = Component("PyPI", "six", "1.0", location=Location("sub\\requirements.txt", 4))
    vulnerability = Finding("vulnerability", "PYSEC-1", "t", Severity.LOW, component=component)
    assert place_of(vulnerability) == ("sub/requirements.txt", 4)
    assert place_of(misconfig("Dockerfile", 2)) == ("Dockerfile", 2)
    assert place_of(Finding("m", "X", "t", Severity.LOW, location=Location("go.mod"))) == (
        "go.mod",
        None,
    )
    assert place_of(Finding("eol", "X", "t", Severity.LOW)) is None


# -- run_diff_scan over real repositories --------------------------------------------------


def advisories() -> InMemorySource:
    documents = [
        entry("PYSEC-2099-1", name="jinja2", events=[{"introduced": "0"}, {"fixed": "2.11.3"}]),
        entry("PYSEC-2099-2", name="urllib3", events=[{"introduced": "0"}, {"fixed": "1.26.5"}]),
    ]
    return InMemorySource(parse_advisory(document, "test") for document in documents)


def rows(result: ScanResult) -> list[tuple[object, ...]]:
    return [(f.kind, f.id, place_of(f), f.introduced) for f in result.findings]


def test_only_the_vulnerable_package_head_added_is_reported(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"requirements.txt": "jinja2==2.10\nsix==1.16.0\n"})
    repo.git("checkout", "-q", "-b", "feature")
    added = repo.commit(
        {"requirements.txt": "urllib3==1.26.0\njinja2==2.10\nsix==1.16.0\n"}, date=FEB, who=BOB
    )
    repo.commit({"README.md": "later\n"}, date=MAR)
    base = repo.git("rev-parse", "main")
    result = run_diff_scan("main", repo.path, advisories())
    bob = Commit(added, "Bob <bob@example.com>", FEB)
    assert rows(result) == [("vulnerability", "PYSEC-2099-2", ("requirements.txt", 1), bob)]
    assert result.notes == (f"diff: 1 new finding(s) since main ({base}); 1 already there",)
    assert [c.name for c in result.components] == ["urllib3", "jinja2", "six"]  # HEAD's
    assert [name for name, _ in result.timings][-2:] == ["diff-base", "diff-blame"]
    assert repo.worktrees() == [str(repo.path)]
    assert leftovers(tmp_path) == []


def test_a_subdirectory_target_is_compared_with_the_same_directory_at_base(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"svc/requirements.txt": "jinja2==2.10\n", "requirements.txt": "six==1.0\n"})
    added = repo.commit(
        {"svc/requirements.txt": "jinja2==2.10\nurllib3==1.26.0\n", "other/requirements.txt":
         "urllib3==1.26.0\n"}, date=FEB, who=BOB,
    )  # fmt: skip
    result = run_diff_scan(base, repo.path / "svc", advisories())
    bob = Commit(added, "Bob <bob@example.com>", FEB)
    assert rows(result) == [("vulnerability", "PYSEC-2099-2", ("requirements.txt", 2), bob)]
    assert result.notes == (f"diff: 1 new finding(s) since {base} ({base}); 1 already there",)


def test_a_target_directory_new_at_head_has_only_new_findings(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"README.md": "hello\n"})
    added = repo.commit({"svc/requirements.txt": "jinja2==2.10\n"}, date=FEB, who=BOB)
    result = run_diff_scan(base, repo.path / "svc", advisories())
    bob = Commit(added, "Bob <bob@example.com>", FEB)
    assert rows(result) == [("vulnerability", "PYSEC-2099-1", ("requirements.txt", 1), bob)]


def test_a_dockerfile_misconfiguration_moved_down_is_not_new(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"Dockerfile": "FROM python:3.12\nRUN pip install six\n"})
    comments = "".join(f"# note {n}\n" for n in range(5))
    added = repo.commit(
        {"Dockerfile": f"{comments}FROM python:3.12\nRUN pip install requests\n"
         "RUN pip install six\n"}, date=FEB, who=BOB,
    )  # fmt: skip
    result = run_diff_scan(base, repo.path, None, scanners=("misconfig",))
    bob = Commit(added, "Bob <bob@example.com>", FEB)
    # the check failing twice now: the new failure is on the line Bob added (7), not the
    # old one that moved from line 2 to line 8
    assert rows(result) == [("misconfiguration", DF, ("Dockerfile", 7), bob)]
    assert result.notes[-1] == f"diff: 1 new finding(s) since {base} ({base}); 4 already there"


def test_uncommitted_findings_are_new_without_a_commit(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"requirements.txt": "six==1.16.0\n"})
    repo.write({"requirements.txt": "six==1.16.0\njinja2==2.10\n", "extra/requirements.txt":
                "urllib3==1.26.0\n"})  # fmt: skip
    result = run_diff_scan(base, repo.path, advisories())
    assert rows(result) == [
        ("vulnerability", "PYSEC-2099-2", ("extra/requirements.txt", 1), None),
        ("vulnerability", "PYSEC-2099-1", ("requirements.txt", 2), None),
    ]


def test_a_new_secret_is_reported_with_its_commit_and_never_leaks(tmp_path: Path) -> None:
    rng = random.Random(7)
    old, new = TOKENS["github-pat-classic"](rng), TOKENS["github-pat-classic"](rng)
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"config.py": f'TOKEN = "{old}"\n', "app.py": "print('hi')\n"})
    moved = {"config.py": f'# settings\n\n\nTOKEN = "{old}"\n'}  # down 3 lines: not new
    added = repo.commit({**moved, "app.py": f"print('hi')\nKEY = '{new}'\n"}, date=FEB, who=BOB)
    result = run_diff_scan(base, repo.path, None, scanners=("secret",))
    bob = Commit(added, "Bob <bob@example.com>", FEB)
    assert rows(result) == [("secret", "github-pat-classic", ("app.py", 2), bob)]
    assert result.findings[0].location == Location("app.py", 2, 2, 8)
    assert result.notes[-1] == f"diff: 1 new finding(s) since {base} ({base}); 1 already there"
    assert len(result.notes) == 2  # HEAD's own "secret: ..." note, not BASE's as well
    _, verdict = evaluate(result, None, today=date(2024, 3, 1))
    report = render(result, verdict) + repr(result)
    assert old not in report and new not in report
    assert added in report


class Heard:
    def __init__(self) -> None:
        self.phases: list[str] = []

    def started(self, phase: str) -> None:
        self.phases.append(phase)

    def finished(self, phase: str, detail: str, seconds: float) -> None:
        self.phases.append(f"{phase} done")


def test_progress_hears_both_scans(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"requirements.txt": "six==1.16.0\n"})
    heard = Heard()
    run_diff_scan(base, repo.path, advisories(), progress=heard)
    assert heard.phases == [
        "walk", "walk done", "vuln", "vuln done",
        "base walk", "base walk done", "base vuln", "base vuln done",
    ]  # fmt: skip


def test_base_warnings_are_not_mixed_in(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"package-lock.json": "{ not json", "requirements.txt": "six==1.16.0\n"})
    repo.commit({"package-lock.json": None}, date=FEB)
    assert run_diff_scan(base, repo.path, advisories()).warnings == ()
    repo.commit({"package-lock.json": "{ still not json"}, date=MAR)
    assert [w.source for w in run_diff_scan(base, repo.path, advisories()).warnings] == [
        "package-lock.json"
    ]


def test_sarif_results_describe_head_only_so_they_count_as_new(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"app.py": "print(1)\n"})
    sarif = tmp_path / "results.sarif"
    sarif.write_text(
        '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "lint"}}, "results": [{'
        '"ruleId": "R1", "level": "error", "message": {"text": "bad"}, "locations": [{'
        '"physicalLocation": {"artifactLocation": {"uri": "app.py"}, "region": {"startLine": 1}}'
        "}]}]}]}"
    )
    options = SastOptions(sarif_files=(sarif,), bandit=False)
    result = run_diff_scan(base, repo.path, None, scanners=("sast",), sast=options)
    assert rows(result) == [("sast", "R1", ("app.py", 1), None)]  # not changed since BASE
    assert result.notes[-2:] == (
        "diff: 1 --sarif-in file(s) describe HEAD only; their findings count as new",
        f"diff: 1 new finding(s) since {base} ({base}); 0 already there",
    )


@pytest.mark.parametrize(
    ("target", "base", "message"),
    [
        ("repo", "nope", "--diff nope: unknown revision (no such commit in {root}/repo)"),
        ("plain", "main", "{root}/plain: not a git repository (--diff needs one)"),
        ("repo/requirements.txt", "main",
         "{root}/repo/requirements.txt: --diff needs a directory inside a git work tree"),
    ],
)  # fmt: skip
def test_errors_are_one_line_input_errors(
    tmp_path: Path, target: str, base: str, message: str
) -> None:
    Repo(tmp_path / "repo").commit({"requirements.txt": "six==1.16.0\n"})
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError) as caught:
        run_diff_scan(base, tmp_path / target, advisories())
    assert str(caught.value) == message.format(root=tmp_path)
    assert leftovers(tmp_path) == []


def test_rootfs_is_refused(tmp_path: Path) -> None:
    from garrison.targets import TargetOptions

    repo = Repo(tmp_path / "repo")
    repo.commit({"a.txt": "a\n"})
    with pytest.raises(InputError) as caught:
        run_diff_scan("HEAD", repo.path, advisories(), options=TargetOptions(rootfs=True))
    assert str(caught.value) == (
        "--diff compares source directories; it cannot be used with --rootfs"
    )
