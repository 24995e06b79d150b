"""The orchestrator: a directory is walked once for every scanner of a scan."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from garrison import fs
from garrison.scan import run_scan
from garrison.vulndb.advisory import Advisory


class NoAdvisories:
    def advisories_for(
        self, ecosystem: str, keys: Collection[str]
    ) -> Mapping[str, Sequence[Advisory]]:
        return {}


def test_one_walk_serves_inventory_and_misconfig(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nRUN pip install six\n")
    walks: list[Path] = []
    files = fs.Walk.files

    def counted(self: fs.Walk) -> Iterator[fs.Entry]:
        walks.append(self.root)
        return files(self)

    monkeypatch.setattr(fs.Walk, "files", counted)
    result = run_scan(tmp_path, NoAdvisories(), scanners=("vuln", "misconfig"))
    assert walks == [tmp_path]
    assert [(c.name, c.version) for c in result.components] == [("six", "1.16.0")]
    assert {f.location.path for f in result.findings if f.location} == {"Dockerfile"}
