"""run_sast: every analyzer through one pipeline; the user's errors in one line."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from garrison.errors import SastError
from garrison.fs import Walk, WalkedTree
from garrison.model import Gap, ScanWarning
from garrison.sast import SastOptions, SastResult, run_sast
from tests.conftest import DATA


def test_missing_inputs_are_the_users_error(tmp_path: Path) -> None:
    with pytest.raises(SastError, match=r"^.*/gone: no such file or directory$"):
        run_sast(tmp_path / "gone", SastOptions())
    rules = SastOptions(semgrep_rules=(tmp_path / "rules.yaml",))
    with pytest.raises(SastError, match=r"rules\.yaml: no such Semgrep rule file or directory$"):
        run_sast(tmp_path, rules)


def test_bandit_and_sarif_files_together() -> None:
    options = SastOptions(sarif_files=(DATA / "sast" / "sarif" / "gosec.sarif",))
    result = run_sast(DATA / "sast" / "syntax", options)
    assert [(f.tool, f.id, f.location.path) for f in result.findings if f.location] == [
        ("gosec", "G204", "cmd/server/main.go"),
        ("bandit", "B307", "handler.py"),
        ("gosec", "G304", "internal/store/files.go"),
    ]
    assert result.warnings == ()
    gosec = DATA / "sast" / "sarif" / "gosec.sarif"
    assert result.notes == (f"{gosec}: not reported: 1 suppressed",)


def test_the_shared_walk_is_used_when_given(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("import pickle\n")
    tree = WalkedTree.of(tmp_path)
    only_a = WalkedTree(tree.walk, tuple(e for e in tree.entries if e.rel.name == "a.py"))
    result = run_sast(tmp_path, SastOptions(), tree=only_a)
    assert [f.location.path for f in result.findings if f.location] == ["a.py"]


def test_walk_warnings_are_reported_when_the_walk_is_ours(tmp_path: Path) -> None:
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    expected = ScanWarning("dangling.py", "broken symlink or symlink loop; skipped", Gap.SKIPPED)
    assert run_sast(tmp_path, SastOptions()).warnings == (expected,)
    shared = WalkedTree.of(tmp_path)  # the scan's walk: the scan reports its warnings
    assert run_sast(tmp_path, SastOptions(), tree=shared).warnings == ()


def test_a_symlink_out_of_the_target_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text("import pickle\n")
    target = tmp_path / "target"
    target.mkdir()
    (target / "link.py").symlink_to(outside / "evil.py")
    result = run_sast(target, SastOptions())
    assert result.findings == ()
    assert result.warnings == (
        ScanWarning("link.py", "symlink points outside the target; not followed", Gap.SKIPPED),
    )


def test_no_secret_in_anything_a_scan_returns(tmp_path: Path) -> None:
    secret = "Pq9" + "Zr4" * 5
    (tmp_path / "conf.py").write_text(
        f'import requests\nAPI_PASSWORD = "{secret}"\n'
        f'requests.get("https://x.test", auth=("u", "{secret}"), verify=False, timeout=5)\n'
    )
    bandit_sarif = {
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "Bandit"}},
            "results": [{
                "ruleId": "B105",
                "message": {"text": f"Possible hardcoded password: '{secret}'"},
                "properties": {"issue_severity": "LOW", "issue_confidence": "MEDIUM"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "conf.py"},
                    "region": {"startLine": 2, "startColumn": 14,
                               "snippet": {"text": f'API_PASSWORD = "{secret}"'}},
                }}],
            }],
        }],
    }  # fmt: skip
    sarif = tmp_path / "bandit.sarif"
    sarif.write_text(json.dumps(bandit_sarif))
    result = run_sast(tmp_path, SastOptions(sarif_files=(sarif,), excludes=("*.sarif",)))
    assert {f.id for f in result.findings} == {"B105", "B501"}
    rendered = json.dumps(asdict(result), default=str)
    assert secret not in rendered
    assert secret not in repr(result)
    assert isinstance(result, SastResult)


def test_a_single_file_target_reads_sarif_paths_beside_it(tmp_path: Path) -> None:
    shutil.copy(DATA / "sast" / "bandit" / "app.py", tmp_path / "app.py")
    options = SastOptions(sarif_files=(DATA / "sast" / "sarif" / "bandit.sarif",))
    result = run_sast(tmp_path / "app.py", options)
    assert len(result.findings) == 12
    assert {f.location.path for f in result.findings if f.location} == {"app.py"}


def test_the_walk_class_is_the_projects_one() -> None:
    assert WalkedTree.of(DATA / "sast" / "syntax").walk.__class__ is Walk
