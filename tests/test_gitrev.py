"""The BASE side of a diff scan, over real repositories built with the git CLI."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from garrison.errors import InputError
from garrison.gitrev import (
    blamed_lines,
    checked_out,
    introducing_commits,
    open_work_tree,
    resolve_base,
)
from garrison.model import Commit

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")
JAN = "2024-01-01T12:00:00+00:00"
FEB = "2024-02-01T12:00:00+02:00"


class Repo:
    """A repository in a directory, with fixed authors, dates and (empty) configuration."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = JAN, who: tuple[str, str] = ALICE) -> str:
        env = {
            **os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_NAME": who[0],
            "GIT_COMMITTER_EMAIL": who[1], "GIT_COMMITTER_DATE": date,
        }  # fmt: skip
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode().strip()

    def write(self, files: dict[str, str | None]) -> None:
        for rel, content in files.items():
            path = self.path / rel
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)

    def commit(
        self, files: dict[str, str | None], date: str = JAN, who: tuple[str, str] = ALICE
    ) -> str:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"change of {date}", date=date, who=who)
        return self.git("rev-parse", "HEAD")

    def worktrees(self) -> list[str]:
        listing = self.git("worktree", "list", "--porcelain")
        return [
            line[len("worktree ") :] for line in listing.splitlines() if line[:9] == "worktree "
        ]


@pytest.fixture(autouse=True)
def fixed_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No outer repository, no user or system configuration, temp files under tmp_path."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))


def leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "tmp").iterdir())


# -- the work tree of a target -------------------------------------------------------------


def test_a_subdirectory_target_is_mapped_to_its_work_tree(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"app/web/main.py": "print(1)\n"})
    tree = open_work_tree(repo.path / "app" / "web")
    assert (tree.top, tree.prefix, tree.common_dir) == (repo.path, "app/web/", repo.path / ".git")
    assert open_work_tree(repo.path).prefix == ""


def test_a_file_is_not_a_diff_target(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"requirements.txt": "six==1.16.0\n"})
    target = repo.path / "requirements.txt"
    with pytest.raises(InputError) as caught:
        open_work_tree(target)
    assert str(caught.value) == f"{target}: --diff needs a directory inside a git work tree"


def test_a_directory_outside_any_repository_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(InputError) as caught:
        open_work_tree(plain)
    assert str(caught.value) == f"{plain}: not a git repository (--diff needs one)"


def test_the_git_directory_is_not_a_work_tree(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"a.txt": "a\n"})
    with pytest.raises(InputError) as caught:
        open_work_tree(repo.path / ".git")
    assert (
        str(caught.value) == f"{repo.path / '.git'}: not inside a git work tree (--diff needs one)"
    )


def test_git_missing_is_said_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    with pytest.raises(InputError) as caught:
        open_work_tree(repo.path)
    assert str(caught.value) == "--diff needs git, which is not installed (not found on PATH)"


# -- BASE ----------------------------------------------------------------------------------


@pytest.fixture
def forked(tmp_path: Path) -> tuple[Repo, str, str, str]:
    """main: c1 then c3; feature (checked out): c1 then c2."""
    repo = Repo(tmp_path / "repo")
    c1 = repo.commit({"a.txt": "1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    c2 = repo.commit({"a.txt": "2\n"}, date=FEB)
    repo.git("checkout", "-q", "main")
    c3 = repo.commit({"b.txt": "3\n"}, date=FEB)
    repo.git("checkout", "-q", "feature")
    return repo, c1, c2, c3


def test_a_branch_means_its_merge_base_with_head(forked: tuple[Repo, str, str, str]) -> None:
    repo, c1, _, c3 = forked
    repo.git("update-ref", "refs/remotes/origin/main", c3)
    tree = open_work_tree(repo.path)
    assert resolve_base(tree, "main") == c1
    assert resolve_base(tree, "origin/main") == c1


def test_a_commit_or_tag_means_itself(forked: tuple[Repo, str, str, str]) -> None:
    repo, c1, c2, c3 = forked
    repo.git("tag", "-a", "-m", "release", "v1", c3)
    tree = open_work_tree(repo.path)
    assert resolve_base(tree, c3) == c3
    assert resolve_base(tree, c3[:10]) == c3
    assert resolve_base(tree, "v1") == c3  # an annotated tag: its commit
    assert resolve_base(tree, "HEAD~1") == c1
    assert resolve_base(tree, "HEAD") == c2


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("nope", "--diff nope: unknown revision (no such commit in {top})"),
        ("HEAD~5", "--diff HEAD~5: unknown revision (no such commit in {top})"),
        ("-p", "--diff '-p': not a revision"),
        ("", "--diff '': not a revision"),
        ("lonely",
         "--diff lonely: no common ancestor with HEAD (a shallow clone? fetch more history)"),
    ],
)  # fmt: skip
def test_bad_bases_are_refused_in_one_line(
    forked: tuple[Repo, str, str, str], base: str, message: str
) -> None:
    repo = forked[0]
    repo.git("checkout", "-q", "--orphan", "lonely")
    repo.commit({"c.txt": "unrelated\n"})
    repo.git("checkout", "-q", "feature")
    with pytest.raises(InputError) as caught:
        resolve_base(open_work_tree(repo.path), base)
    assert str(caught.value) == message.format(top=repo.path)


def test_a_repository_without_commits_has_no_base(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    with pytest.raises(InputError) as caught:
        resolve_base(open_work_tree(repo.path), "main")
    assert str(caught.value) == f"{repo.path}: HEAD has no commit yet; --diff needs one"


# -- BASE checked out ----------------------------------------------------------------------


def test_base_is_checked_out_then_removed_without_running_hooks(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"app/a.txt": "old\n", "top.txt": "top\n"})
    repo.commit({"app/a.txt": "new\n", "app/b.txt": "b\n"}, date=FEB)
    marker = tmp_path / "hook-ran"
    hook = repo.path / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    hook.chmod(0o755)
    tree = open_work_tree(repo.path / "app")
    with checked_out(tree, base) as directory:
        assert directory is not None
        assert sorted(p.name for p in directory.iterdir()) == ["a.txt"]
        assert (directory / "a.txt").read_text() == "old\n"
        assert len(repo.worktrees()) == 2
    assert not marker.exists()
    assert repo.worktrees() == [str(repo.path)]
    assert not (repo.path / ".git" / "worktrees").exists()
    assert leftovers(tmp_path) == []


def test_a_target_directory_missing_at_base_gives_none(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"top.txt": "top\n"})
    repo.commit({"app/a.txt": "a\n"}, date=FEB)
    with checked_out(open_work_tree(repo.path / "app"), base) as directory:
        assert directory is None
    assert repo.worktrees() == [str(repo.path)]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("interruption", [RuntimeError("scanner failed"), KeyboardInterrupt()])
def test_nothing_is_left_after_an_error_or_ctrl_c(
    tmp_path: Path, interruption: BaseException
) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"a.txt": "a\n"})
    with pytest.raises(type(interruption)), checked_out(open_work_tree(repo.path), base):
        raise interruption
    assert repo.worktrees() == [str(repo.path)]
    assert not (repo.path / ".git" / "worktrees").exists()
    assert leftovers(tmp_path) == []


def test_nothing_is_left_when_git_cannot_remove_the_checkout(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"a.txt": "a\n"})
    with checked_out(open_work_tree(repo.path), base) as directory:
        assert directory is not None
        (directory / ".git").unlink()  # what an interrupted `worktree add` can leave
    assert repo.worktrees() == [str(repo.path)]
    assert not (repo.path / ".git" / "worktrees").exists()
    assert leftovers(tmp_path) == []


def test_a_failed_checkout_is_an_input_error_and_leaves_nothing(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"a.txt": "a\n"})
    missing = "0" * 39 + "1"
    with pytest.raises(InputError) as caught, checked_out(open_work_tree(repo.path), missing):
        pass
    assert str(caught.value).startswith(f"cannot check out {missing} into a temporary directory: ")
    assert "\n" not in str(caught.value)
    assert repo.worktrees() == [str(repo.path)]
    assert leftovers(tmp_path) == []


# -- introducing commits -------------------------------------------------------------------


def test_blame_names_the_commit_of_the_range_that_changed_the_line(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"f.txt": "a\nb\nc\n", "old.txt": "old\n"})
    head = repo.commit({"f.txt": "x\na\nb\nc\n", "g.txt": "g\n"}, date=FEB, who=BOB)
    repo.write({"f.txt": "x\na\nb\nc\nnot committed\n", "untracked.txt": "u\n"})
    bob = Commit(head, "Bob <bob@example.com>", FEB)
    places = {
        ("f.txt", 1), ("f.txt", 3), ("f.txt", 5), ("f.txt", None), ("g.txt", None),
        ("g.txt", 1), ("old.txt", None), ("untracked.txt", 1), ("untracked.txt", None),
        ("f.txt", 99), ("../outside.txt", 1),
    }  # fmt: skip
    found = introducing_commits(open_work_tree(repo.path), base, places)
    assert found == {
        ("f.txt", 1): bob,
        ("f.txt", None): bob,
        ("g.txt", None): bob,
        ("g.txt", 1): bob,
    }


def test_blame_of_a_subdirectory_target_maps_its_paths(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = repo.commit({"app/f.txt": "a\n"})
    head = repo.commit({"app/f.txt": "a\nb\n"}, date=FEB, who=BOB)
    found = introducing_commits(
        open_work_tree(repo.path / "app"), base, {("f.txt", 1), ("f.txt", 2)}
    )
    assert found == {("f.txt", 2): Commit(head, "Bob <bob@example.com>", FEB)}


def test_blame_porcelain_is_read_line_by_line() -> None:
    new, old, none = "1" * 40, "2" * 40, "0" * 40
    porcelain = (
        f"{new} 1 1 1\nauthor Bob\nauthor-mail <bob@example.com>\nauthor-time 1706781600\n"
        f"author-tz -0530\nsummary two\nfilename f\n\tx\n"
        f"{old} 1 2 1\nauthor Alice\nauthor-mail <a@x>\nauthor-time 1704110400\n"
        f"author-tz +0000\nboundary\nfilename f\n\ta\n"
        f"{new} 2 7\n\ty\n"
        f"{none} 9 9 1\nauthor Not Committed Yet\nauthor-mail <not.committed.yet>\n"
        f"author-time 1796000405\nauthor-tz +0000\nfilename f\n\tz\n"
    ).encode()
    bob = Commit(new, "Bob <bob@example.com>", "2024-02-01T04:30:00-05:30")
    assert blamed_lines(porcelain) == {1: bob, 7: bob}
