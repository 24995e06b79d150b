"""`.gitignore` rules on the secret scanner's walk."""

from __future__ import annotations

from pathlib import Path

from pathspec import GitIgnoreSpec

from garrison.fs import WalkedTree
from garrison.model import Gap, ScanWarning
from garrison.secrets.gitignore import IgnoreRules, IgnoringWalk, Level, decide, without_ignored


def make(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def walked(root: Path, excludes: tuple[str, ...] = (), gitignore: bool = True) -> list[str]:
    walk = IgnoringWalk(root, excludes, rules=IgnoreRules(root) if gitignore else None)
    return [entry.rel.as_posix() for entry in walk.files()]


TREE = {
    ".gitignore": "*.log\n!keep.log\nbuild/\n/only-top.txt\n# comment\n\n"
                  "secrets/*\n!secrets/README\n",
    "a.log": "", "keep.log": "", "only-top.txt": "", "app.py": "",
    "build/out.txt": "", "src/build": "",  # a file named build: not a directory pattern match
    "src/only-top.txt": "", "src/debug.log": "",
    "secrets/key.txt": "", "secrets/README": "",
    "sub/.gitignore": "!debug.log\nlocal.env\n", "sub/debug.log": "", "sub/local.env": "",
    "sub/deeper/local.env": "", "sub/deeper/x.log": "", "sub/x.py": "",
}  # fmt: skip


def test_root_and_nested_gitignore_with_negation_and_directory_patterns(tmp_path: Path) -> None:
    make(tmp_path, TREE)
    assert walked(tmp_path) == [
        ".gitignore",
        "app.py",
        "keep.log",
        "secrets/README",
        "src/build",
        "src/only-top.txt",
        "sub/.gitignore",
        "sub/debug.log",
        "sub/x.py",
    ]


def test_without_gitignore_every_file_is_walked(tmp_path: Path) -> None:
    make(tmp_path, TREE)
    assert len(walked(tmp_path, gitignore=False)) == len(TREE)


def test_ignored_counts_files_and_pruned_directories(tmp_path: Path) -> None:
    make(tmp_path, TREE)
    walk = IgnoringWalk(tmp_path, rules=IgnoreRules(tmp_path))
    list(walk.files())
    # a.log, only-top.txt, build/ (one directory), src/debug.log, secrets/key.txt,
    # sub/local.env, sub/deeper/local.env, sub/deeper/x.log
    assert walk.ignored == 8


def test_filtering_a_shared_walk_gives_the_same_files_and_count(tmp_path: Path) -> None:
    make(tmp_path, TREE)
    tree = WalkedTree.of(tmp_path)
    kept, ignored, rules = without_ignored(tmp_path, tree.entries)
    assert [e.rel.as_posix() for e in kept] == walked(tmp_path)
    assert ignored == 8
    assert rules.warnings == []


def test_node_modules_beside_a_lockfile_is_walked(tmp_path: Path) -> None:
    make(tmp_path, {"package-lock.json": "{}", "node_modules/dep/index.js": ""})
    assert walked(tmp_path, gitignore=False) == ["node_modules/dep/index.js", "package-lock.json"]


def test_user_excludes_still_apply(tmp_path: Path) -> None:
    make(tmp_path, {"a.py": "", "tests/b.py": "", "c_test.py": ""})
    assert walked(tmp_path, excludes=("tests", "*_test.py")) == ["a.py"]


def test_info_exclude_and_parent_gitignore_apply_to_a_subdirectory_target(
    tmp_path: Path,
) -> None:
    make(tmp_path, {
        ".git/info/exclude": "*.tmp\n",
        ".gitignore": "/proj/generated/\nnotes.md\n",
        "proj/generated/a.py": "", "proj/a.tmp": "", "proj/notes.md": "", "proj/b.py": "",
        "proj/.gitignore": "!notes.md\n",
    })  # fmt: skip
    assert walked(tmp_path / "proj") == [".gitignore", "b.py", "notes.md"]
    # without the nested re-include, the parent's rule wins
    (tmp_path / "proj" / ".gitignore").write_text("")
    assert walked(tmp_path / "proj") == [".gitignore", "b.py"]


def test_gitignore_outside_a_work_tree_still_applies_inside_the_target(tmp_path: Path) -> None:
    make(tmp_path, {".gitignore": "*.log\n", "a.log": "", "a.py": ""})
    assert walked(tmp_path) == [".gitignore", "a.py"]


def test_dot_git_is_never_walked(tmp_path: Path) -> None:
    make(tmp_path, {".git/config": "[core]\n", ".git/HEAD": "ref: refs/heads/main\n", "a": ""})
    assert walked(tmp_path, gitignore=False) == ["a"]


def test_an_invalid_pattern_is_a_warning_with_its_line_and_the_others_apply(
    tmp_path: Path,
) -> None:
    make(tmp_path, {".gitignore": "*.log\nbad\\\n*.tmp\n", "a.log": "", "b.tmp": "", "c": ""})
    rules = IgnoreRules(tmp_path)
    walk = IgnoringWalk(tmp_path, rules=rules)
    assert [e.rel.as_posix() for e in walk.files()] == [".gitignore", "c"]
    assert rules.warnings == [
        ScanWarning(".gitignore", "invalid .gitignore pattern; ignored", Gap.SKIPPED, 2)
    ]


def test_decide_nearest_level_wins_and_no_match_means_kept() -> None:
    outer = Level(GitIgnoreSpec.from_lines(["*.env"]))
    inner = Level(GitIgnoreSpec.from_lines(["!prod.env", "tmp/"]), base="app/")
    levels = [inner, outer]
    assert decide(levels, "app/prod.env", False) is False
    assert decide(levels, "app/dev.env", False) is True
    assert decide(levels, "prod.env", False) is True  # the inner level is not its parent
    assert decide(levels, "app/tmp", True) is True
    assert decide(levels, "app/tmp", False) is False  # a file named tmp is not a directory
    assert decide(levels, "app/main.py", False) is False
    above = Level(GitIgnoreSpec.from_lines(["/proj/x.py"]), offset="proj/")
    assert decide([above], "x.py", False) is True
    assert decide([above], "sub/x.py", False) is False
