"""Source lines are read only inside the base directory, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from garrison.sast import sources
from garrison.sast.sources import SourceLines


def test_lines_inside_the_base(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_bytes(b"one\r\ntwo\n\xff\n")
    lines = SourceLines(tmp_path)
    assert lines("pkg/a.py") == ["one", "two", "\ufffd"]
    assert lines("pkg/missing.py") is None


def test_nothing_outside_the_base(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (tmp_path / "secret.txt").write_text("outside\n")
    (base / "link.txt").symlink_to(tmp_path / "secret.txt")
    lines = SourceLines(base)
    assert lines("../secret.txt") is None
    assert lines(str(tmp_path / "secret.txt")) is None
    assert lines("link.txt") is None
    assert SourceLines(None)("a.py") is None


def test_big_files_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_BYTES", 4)
    (tmp_path / "big.py").write_text("12345\n")
    assert SourceLines(tmp_path)("big.py") is None
