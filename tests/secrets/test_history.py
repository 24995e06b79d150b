"""Secrets in git history, over real repositories built with the git CLI."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from garrison.errors import HistoryError
from garrison.model import Commit, Gap, ScanWarning
from garrison.secrets import history
from garrison.secrets.history import HistoryResult, scan_history
from garrison.secrets.scanner import SecretOptions
from tests.secrets.test_scanner import AWS, aws_key_id

ALICE, BOB, CAROL = ("Alice", "alice@example.com"), ("Bob", "bob@example.com"), ("Carol", "c@x.io")


class Repo:
    """A repository in a directory, with deterministic authors and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.config = path.parent / f".{path.name}.gitconfig"  # not /dev/null: keep it exact
        self.config.write_text("")
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2024-01-01", who: tuple[str, str] = ALICE) -> str:
        stamp = f"{date}T12:00:00+00:00"
        env = {
            **os.environ, "GIT_CONFIG_GLOBAL": str(self.config), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1],
            "GIT_COMMITTER_DATE": stamp,
        }  # fmt: skip
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode().strip()

    def commit(
        self, files: dict[str, str | bytes | None], date: str, who: tuple[str, str] = ALICE
    ) -> str:
        for rel, content in files.items():
            path = self.path / rel
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"change of {date}", date=date, who=who)
        return self.git("rev-parse", "HEAD")

    def blob(self, rev_path: str) -> str:
        return self.git("rev-parse", rev_path)


def rows(result: HistoryResult) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for item in result.findings:
        loc = item.finding.location
        assert loc is not None
        out.append((item.finding.id, loc.path, loc.line, loc.column, item.commit, item.author,
                    item.date, item.present_at_head, item.head_path))  # fmt: skip
    return out


def assert_no_leak(result: HistoryResult, *secrets: str) -> None:
    text = repr(result)
    for secret in secrets:
        assert secret not in text


@pytest.fixture(autouse=True)
def no_parent_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture
def story(tmp_path: Path) -> tuple[Repo, list[str], list[str]]:
    """A secret added then removed, another added and later copied to a second path."""
    repo = Repo(tmp_path / "repo")
    one, two = aws_key_id(21), aws_key_id(22)
    commits = [
        repo.commit({"README.md": "hello\n", "app/config.py": "DEBUG = True\n"}, "2024-01-01"),
        repo.commit({"app/config.py": f"DEBUG = True\nAWS_KEY = '{one}'\n"}, "2024-02-01", BOB),
        repo.commit({"app/config.py": "DEBUG = False\n", ".env": f"KEY={two}\n"}, "2024-03-01"),
        repo.commit({"docs/setup.md": f"# Setup\n\n    export K={two}\n"}, "2024-04-01", CAROL),
    ]
    return repo, commits, [one, two]


def test_introducing_commit_author_date_and_presence_at_head(
    story: tuple[Repo, list[str], list[str]],
) -> None:
    repo, c, secrets = story
    result = scan_history(repo.path)
    assert rows(result) == [
        (AWS, "app/config.py", 2, 12, c[1], "Bob <bob@example.com>", "2024-02-01T12:00:00+00:00",
         False, None),
        (AWS, ".env", 1, 5, c[2], "Alice <alice@example.com>", "2024-03-01T12:00:00+00:00",
         True, ".env"),
        (AWS, "docs/setup.md", 3, 14, c[3], "Carol <c@x.io>", "2024-04-01T12:00:00+00:00",
         True, ".env"),
    ]  # fmt: skip
    assert result.commits_scanned == 4
    assert result.blobs_scanned == 6  # README, 3 config.py versions, .env, setup.md
    assert result.warnings == ()
    first = result.findings[0].finding
    assert first.introduced == Commit(c[1], "Bob <bob@example.com>", "2024-02-01T12:00:00+00:00")
    assert first.present_at_head is False
    assert_no_leak(result, *secrets)


def test_a_range_and_a_date_limit_the_commits(story: tuple[Repo, list[str], list[str]]) -> None:
    repo, c, _ = story
    ranged = scan_history(repo.path, rev_range=f"{c[1]}..main")
    assert [(r[1], r[4]) for r in rows(ranged)] == [(".env", c[2]), ("docs/setup.md", c[3])]
    assert ranged.commits_scanned == 2
    recent = scan_history(repo.path, since="2024-02-15")
    assert [(r[1], r[4]) for r in rows(recent)] == [(".env", c[2]), ("docs/setup.md", c[3])]
    at_second = scan_history(repo.path, refs=[c[1]])
    assert [(r[1], r[4], r[7]) for r in rows(at_second)] == [("app/config.py", c[1], False)]


def test_a_range_reports_only_secrets_its_commits_introduced(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    old, new = aws_key_id(29), aws_key_id(30)
    base = repo.commit({"app.cfg": f"a=1\nkey={old}\n"}, "2024-01-01")
    edit = repo.commit({"app.cfg": f"a=2\nkey={old}\nkey2={new}\n"}, "2024-01-02")
    moved = repo.commit({"app.cfg": None, "moved.cfg": f"key={old}\n"}, "2024-01-03")
    result = scan_history(repo.path, rev_range=f"{base}..main")
    assert [(r[1], r[2], r[4]) for r in rows(result)] == [
        ("app.cfg", 3, edit),  # the new key; the old one was there before the range
        ("moved.cfg", 1, moved),  # the old key at a new path counts there
    ]
    assert [(r[1], r[4]) for r in rows(scan_history(repo.path))] == [
        ("app.cfg", base), ("app.cfg", edit), ("moved.cfg", moved)
    ]  # fmt: skip


def test_without_new_secrets_the_head_tree_is_not_read(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({f"f{i}.txt": f"file {i}\n" for i in range(5)}, "2024-01-01")
    repo.commit({"f1.txt": "changed\n"}, "2024-01-02")
    result = scan_history(repo.path, rev_range=f"{base}..main")
    assert (result.commits_scanned, result.blobs_scanned, result.findings) == (1, 1, ())


def test_each_blob_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    key = aws_key_id(23)
    repo.commit({"a.txt": f"{key}\n", "same.txt": "same\n"}, "2024-01-01")
    repo.commit({"b.txt": f"{key}\n", "copy.txt": "same\n"}, "2024-01-02")
    repo.commit({"a.txt": None}, "2024-01-03")
    repo.commit({"a.txt": f"{key}\n"}, "2024-01-04")  # the same blob again
    for day in range(5, 15):
        repo.commit({"counter.txt": "tick\n" * (day % 2)}, f"2024-01-{day:02}")
    scanned: list[str] = []
    real = history.scan_bytes  # type: ignore[attr-defined]

    def counting(data: bytes, path: str, *args: object) -> None:
        scanned.append(path)
        real(data, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "scan_bytes", counting)
    result = scan_history(repo.path, options=SecretOptions(jobs=1))
    assert result.commits_scanned == 14
    assert result.blobs_scanned == 4  # key, "same", "tick", empty
    assert sorted(scanned) == ["a.txt", "counter.txt", "counter.txt", "same.txt"]
    assert [(r[1], r[7], r[8]) for r in rows(result)] == [
        ("a.txt", True, "a.txt"), ("b.txt", True, "a.txt")
    ]  # fmt: skip


def test_merges_count_against_their_first_parent(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    branch_key, merge_key = aws_key_id(24), aws_key_id(25)
    repo.commit({"main.txt": "base\n"}, "2024-01-01")
    repo.git("checkout", "-q", "-b", "feature")
    feature = repo.commit({"feature.py": f"K = '{branch_key}'\n"}, "2024-01-02", BOB)
    repo.git("checkout", "-q", "main")
    repo.commit({"main.txt": "base 2\n"}, "2024-01-03")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "feature", date="2024-01-04")
    (repo.path / "resolved.cfg").write_text(f"key={merge_key}\n")
    repo.git("add", "resolved.cfg")
    repo.git("commit", "-q", "-m", "merge", date="2024-01-04", who=CAROL)
    merge = repo.git("rev-parse", "HEAD")
    result = scan_history(repo.path)
    assert [(r[1], r[4], r[5]) for r in rows(result)] == [
        ("feature.py", feature, "Bob <bob@example.com>"),
        ("resolved.cfg", merge, "Carol <c@x.io>"),
    ]


def test_a_missing_object_is_a_warning_and_the_rest_is_scanned(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    key = aws_key_id(26)
    first = repo.commit({"notes.txt": "plain notes\n", "z.cfg": f"k={key}\n"}, "2024-01-01")
    blob = repo.blob("HEAD:notes.txt")
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    result = scan_history(repo.path)
    assert [(r[1], r[4]) for r in rows(result)] == [("z.cfg", first)]
    assert result.warnings == (
        ScanWarning(
            f"notes.txt@{first[:12]}",
            f"object {blob} is missing or corrupt; not scanned",
            Gap.READER_FAILED,
        ),
    )


def test_a_corrupt_object_stops_cat_file_which_is_restarted_after_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    rng = random.Random(5)
    noise = "".join(rng.choice("abcdef \n") for _ in range(40_000))
    keys = aws_key_id(27), aws_key_id(28)
    repo.commit({"a.cfg": f"k={keys[0]}\n", "b-noise.txt": noise}, "2024-01-01")
    repo.commit({"c.cfg": f"k={keys[1]}\n"}, "2024-01-02")
    blob = repo.blob("HEAD:b-noise.txt")
    loose = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    data = loose.read_bytes()
    loose.chmod(0o644)
    loose.write_bytes(data[: len(data) // 2])  # the header is intact, the body is cut
    result = scan_history(repo.path, options=SecretOptions(jobs=1))
    assert [r[1] for r in rows(result)] == ["a.cfg", "c.cfg"]
    assert result.warnings == (
        ScanWarning(
            "b-noise.txt",
            f"object {blob} is corrupt (git cannot read it); not scanned",
            Gap.READER_FAILED,
        ),
    )
    assert result.blobs_scanned == 2


def test_a_shallow_clone_is_a_warning_and_findings_are_at_or_before(
    story: tuple[Repo, list[str], list[str]], tmp_path: Path
) -> None:
    repo, c, _ = story
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    result = scan_history(clone)
    assert result.warnings == (
        ScanWarning(
            str(clone),
            "shallow clone: history is cut at 1 commit(s); a secret first seen there was "
            "introduced at or before that commit",
            Gap.SKIPPED,
        ),
    )
    assert [(r[1], r[4], r[7]) for r in rows(result)] == [
        (".env", c[3], True), ("docs/setup.md", c[3], True)
    ]  # fmt: skip
    assert all(item.at_or_before for item in result.findings)


def test_an_empty_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    assert scan_history(repo.path) == HistoryResult((), (), 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"refs": ["nope"]}, "unknown revision 'nope' (not a commit of this repository)"),
        ({"refs": ["--output=/tmp/x"]}, "invalid revision '--output=/tmp/x'"),
        ({"rev_range": "main..nope"}, "unknown revision 'nope' (not a commit of this repository)"),
        ({"rev_range": "main"}, "range 'main' is not of the form A..B"),
        ({"refs": ["main"], "rev_range": "main..main"}, "give refs or a range, not both"),
    ],
)
def test_bad_revisions_are_one_line_errors(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"a": "a\n"}, "2024-01-01")
    with pytest.raises(HistoryError) as caught:
        scan_history(repo.path, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(HistoryError) as caught:
        scan_history(tmp_path / "plain")
    assert str(caught.value) == f"{tmp_path / 'plain'}: not a git repository"
    with pytest.raises(HistoryError, match=r"absent: no such directory$"):
        scan_history(tmp_path / "absent")


def test_git_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(HistoryError) as caught:
        scan_history(tmp_path)
    assert str(caught.value) == "git is not installed (not found on PATH); history needs it"


def test_parallel_history_scan_matches_serial(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    for i in range(60):
        files: dict[str, str | bytes | None] = {f"m{j}.py": f"v = {i}.{j}\n" for j in range(4)}
        if i % 10 == 3:
            files[f"s{i}.env"] = f"K={aws_key_id(300 + i)}\n"
        repo.commit(files, f"2024-03-{1 + i % 28:02}")
    serial = scan_history(repo.path, options=SecretOptions(jobs=1))
    parallel = scan_history(repo.path, options=SecretOptions(jobs=2))
    assert serial.blobs_scanned > 200  # enough to go parallel
    assert parallel == serial
    assert len(serial.findings) == 6
