"""The walk and the assembly of an Inventory, with small fake readers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from garrison import fs
from garrison.inventory.collect import inventory_of_lockfile, inventory_of_tree
from garrison.model import Gap
from tests.inventory.fake_readers import READERS


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _rows(tmp_path: Path, **kwargs: object) -> list[tuple[str, str | None, str, int | None]]:
    inventory = inventory_of_tree(tmp_path, readers=READERS, **kwargs)  # type: ignore[arg-type]
    return [
        (c.name, c.version, c.location.path, c.location.line)  # type: ignore[union-attr]
        for c in inventory.components
    ]


def test_files_are_read_in_sorted_order_with_paths_and_lines(tmp_path: Path) -> None:
    _write(tmp_path, "b/pins.txt", "flask==2.0\n")
    _write(tmp_path, "a/pins.txt", "requests==2.31.0\nurllib3==2.0.7\n")
    assert _rows(tmp_path) == [
        ("requests", "2.31.0", "a/pins.txt", 1),
        ("urllib3", "2.0.7", "a/pins.txt", 2),
        ("flask", "2.0", "b/pins.txt", 1),
    ]


def test_vcs_dirs_and_excludes_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, ".git/pins.txt", "x==1\n")
    _write(tmp_path, "vendor/pins.txt", "y==1\n")
    _write(tmp_path, "tests/fixtures/pins.txt", "z==1\n")
    _write(tmp_path, "src/pins.txt", "w==1\n")
    assert _rows(tmp_path, excludes=["vendor", "tests/*"]) == [("w", "1", "src/pins.txt", 1)]


def test_node_modules_is_skipped_only_beside_a_lockfile(tmp_path: Path) -> None:
    _write(tmp_path, "app/package-lock.json", "{}")
    _write(tmp_path, "app/node_modules/x/pins.txt", "x==1\n")
    _write(tmp_path, "other/node_modules/y/pins.txt", "y==1\n")
    assert _rows(tmp_path) == [("y", "1", "other/node_modules/y/pins.txt", 1)]


def test_bad_files_become_warnings_and_the_walk_goes_on(tmp_path: Path) -> None:
    _write(tmp_path, "a/pins.txt", "boom\n")
    _write(tmp_path, "b/pins.txt", "crash\n")
    _write(tmp_path, "c/pins.txt", b"\xff\xfe\x00junk")
    _write(tmp_path, "d/pins.txt", "ok==1\n")
    inventory = inventory_of_tree(tmp_path, readers=READERS)
    assert [c.name for c in inventory.components] == ["ok"]
    assert [(w.source, w.message, w.gap) for w in inventory.warnings] == [
        ("a/pins.txt", "line 1: cannot parse 'boom'", Gap.READER_FAILED),
        ("b/pins.txt", "pins reader failed unexpectedly (KeyError)", Gap.READER_FAILED),
        ("c/pins.txt", "not UTF-8 text (byte 0)", Gap.READER_FAILED),
    ]


def test_huge_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "pins.txt"
    with huge.open("wb") as handle:  # a sparse 200 MB single-line file
        handle.truncate(200 * 1024 * 1024)
    inventory = inventory_of_tree(tmp_path, readers=READERS)
    assert inventory.components == ()
    (warning,) = inventory.warnings
    assert warning.message == "209715200 bytes, over the 1048576 byte limit for pins"


def test_symlinks_inside_are_read_outside_and_loops_are_not(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = _write(tmp_path, "secret/pins.txt", "leak==1\n")
    _write(root, "real/pins.txt", "a==1\n")
    (root / "linked").mkdir()
    os.symlink(root / "real" / "pins.txt", root / "linked" / "pins.txt")
    (root / "out").mkdir()
    os.symlink(outside, root / "out" / "pins.txt")
    os.symlink(root, root / "real" / "loop")  # a directory loop: never followed
    os.symlink(root / "l1", root / "l2")
    os.symlink(root / "l2", root / "l1")  # a symlink loop
    inventory = inventory_of_tree(root, readers=READERS)
    assert [(c.name, c.location.path) for c in inventory.components] == [  # type: ignore[union-attr]
        ("a", "linked/pins.txt"),
        ("a", "real/pins.txt"),
    ]
    messages = {(w.source, w.message) for w in inventory.warnings}
    assert ("out/pins.txt", "symlink points outside the target; not followed") in messages
    assert ("l1", "broken symlink or symlink loop; skipped") in messages


def test_includes_resolve_inside_the_target_only(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(tmp_path, "outside.txt", "leak==1\n")
    _write(root, "app/base.txt", "six==1.16.0\n")
    _write(root, "app/pins.txt", "-r base.txt\n-r ../../outside.txt\n")
    inventory = inventory_of_tree(root, readers=READERS)
    assert [c.name for c in inventory.components] == ["six"]
    assert [w.message for w in inventory.warnings] == [
        "line 2: include ../../outside.txt not found"
    ]


def test_unreadable_file_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "pins.txt", "a==1\n")

    def denied(path: str, limit: int) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("garrison.inventory.collect.read_file", denied)
    inventory = inventory_of_tree(tmp_path, readers=READERS)
    assert [w.message for w in inventory.warnings] == ["cannot read: Permission denied"]


def test_binaries_are_sniffed_only_when_executable(tmp_path: Path) -> None:
    exe = _write(tmp_path, "bin/tool", b"\x7fELF" + b"\x00" * 100)
    exe.chmod(0o755)
    _write(tmp_path, "data/blob", b"\x7fELF" + b"\x00" * 100)
    inventory = inventory_of_tree(tmp_path, readers=READERS)
    assert [(c.name, c.location.path) for c in inventory.components] == [  # type: ignore[union-attr]
        ("example.com/mod", "bin/tool")
    ]


def test_unknown_manifests_are_reported_unless_a_lockfile_was_read(tmp_path: Path) -> None:
    _write(tmp_path, "a/pyproject.toml", "[project]\n")
    _write(tmp_path, "b/Cargo.toml", "[package]\n")
    _write(tmp_path, "c/README.md", "hello")
    inventory = inventory_of_tree(tmp_path, readers=READERS)
    assert [(w.source, w.gap) for w in inventory.warnings] == [
        ("a/pyproject.toml", Gap.UNKNOWN_MANIFEST),
        ("b/Cargo.toml", Gap.UNKNOWN_MANIFEST),
    ]


def test_bom_refs_are_stable_and_unique(tmp_path: Path) -> None:
    _write(tmp_path, "pins.txt", "a==1\nb==2\n")
    first = inventory_of_tree(tmp_path, readers=READERS)
    second = inventory_of_tree(tmp_path, readers=READERS)
    assert [c.bom_ref for c in first.components] == [
        "pkg:pypi/a@1#pins.txt",
        "pkg:pypi/b@2#pins.txt",
    ]
    assert first == second


def test_single_lockfile(tmp_path: Path) -> None:
    path = _write(tmp_path, "pins.txt", "a==1\n")
    inventory = inventory_of_lockfile(path, READERS)
    assert inventory is not None
    assert [(c.name, c.location.path) for c in inventory.components] == [("a", "pins.txt")]  # type: ignore[union-attr]
    assert inventory_of_lockfile(tmp_path / "other.txt", READERS) is None


def test_walk_reports_unreadable_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "locked/pins.txt", "a==1\n")
    real_scandir = os.scandir

    def scandir(path: str):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(fs.os, "scandir", scandir)
    inventory = inventory_of_tree(tmp_path, readers=READERS)
    assert [(w.source, w.gap) for w in inventory.warnings] == [("locked", Gap.SKIPPED)]
