"""Bandit as a library: exact issues, nosec and garrison:ignore, skips, failures, no log spam."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from garrison import workers
from garrison.fs import WalkedTree
from garrison.model import Finding, Gap, Location, ScanWarning, Severity
from garrison.sast import SastOptions, run_sast
from garrison.sast import bandit_runner as runner
from garrison.sast.base import Context, Outcome
from garrison.sast.fingerprint import code_key, fingerprint
from tests.conftest import DATA, REPO

APP = DATA / "sast" / "bandit"
H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

EXPECTED = [
    ("B403", "app.py", 4, L, "high"),
    ("B404", "app.py", 5, L, "high"),
    ("B108", "app.py", 10, M, "medium"),
    ("B602", "app.py", 14, H, "high"),
    ("B506", "app.py", 18, M, "high"),
    ("B324", "app.py", 22, H, "high"),
    ("B301", "app.py", 26, M, "high"),
    ("B501", "app.py", 30, H, "high"),
    ("B101", "app.py", 34, L, "high"),
    ("B607", "app.py", 38, L, "high"),  # `# nosec B602` silences only B602
    ("B602", "app.py", 46, L, "high"),  # garrison:ignore[B101] names another rule
    ("B607", "app.py", 46, L, "high"),
]  # 42 (B324), 50 (B602, B607), 55 (B108, comment above) and 59 (bare ignore) are ignored


def _rows(findings: tuple[Finding, ...]) -> list[tuple[str, str, int | None, Severity, str | None]]:
    return [
        (
            f.id,
            f.location.path if f.location else "",
            f.location.line if f.location else None,
            f.severity,
            f.confidence,
        )
        for f in findings
    ]


def test_bandit_issues_exactly() -> None:
    result = run_sast(APP, SastOptions())
    assert _rows(result.findings) == EXPECTED
    assert result.warnings == ()
    assert result.notes == ("sast: 6 findings ignored inline (garrison:ignore)",)


def test_one_finding_in_full() -> None:
    result = run_sast(APP, SastOptions())
    shell = next(f for f in result.findings if (f.id, f.location.line) == ("B602", 14))  # type: ignore[union-attr]
    line = (APP / "app.py").read_text().splitlines()[13]
    assert shell == Finding(
        kind="sast",
        id="B602",
        summary="subprocess call with shell=True identified, security issue.",
        severity=Severity.HIGH,
        location=Location("app.py", 14, 14, 12),
        aliases=("CWE-78",),
        references=shell.references,
        fingerprint=fingerprint("bandit", "B602", "app.py", code_key(line)),
        tool="bandit",
        confidence="high",
    )
    docs, cwe = shell.references
    assert docs.startswith("https://bandit.readthedocs.io/en/")
    assert docs.endswith("/plugins/b602_subprocess_popen_with_shell_equals_true.html")
    assert cwe == "https://cwe.mitre.org/data/definitions/78.html"


BROKEN = '''"""A handler left half-edited: Bandit cannot parse it."""


def handler(event):
    return eval(event["expr"]


def other():
    return 1
'''  # kept here, not in tests/data: the linters read every .py under tests/


def test_a_syntax_error_is_a_warning_and_the_other_file_is_scanned(tmp_path: Path) -> None:
    shutil.copytree(DATA / "sast" / "syntax", tmp_path, dirs_exist_ok=True)
    (tmp_path / "broken.py").write_text(BROKEN)
    result = run_sast(tmp_path, SastOptions())
    assert _rows(result.findings) == [("B307", "handler.py", 5, M, "high")]
    assert result.warnings == (
        ScanWarning("broken.py", "bandit: syntax error at line 5; file not analysed", line=5),
    )


def test_a_single_file_target(tmp_path: Path) -> None:
    shutil.copy(DATA / "sast" / "syntax" / "handler.py", tmp_path / "one.py")
    result = run_sast(tmp_path / "one.py", SastOptions())
    assert _rows(result.findings) == [("B307", "one.py", 5, M, "high")]


def test_virtualenvs_caches_build_output_and_excludes_are_skipped(tmp_path: Path) -> None:
    code = "import pickle\n"
    for rel in (
        "src/app.py",
        "src/build/gen.py",
        ".venv/lib/x.py",
        "env/lib/python3.11/site-packages/y.py",
        "node_modules/z.py",
        "build/lib/app.py",
        "dist/a.py",
        "pkg.egg-info/b.py",
        "src/__pycache__/c.py",
        "generated/d.py",
        "notes.txt",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(code)
    result = run_sast(tmp_path, SastOptions(excludes=("generated",)))
    assert [f.location.path for f in result.findings if f.location] == [
        "src/app.py",
        "src/build/gen.py",
    ]


def test_a_file_over_the_limit_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MAX_BYTES", 1024 * 1024)
    (tmp_path / "big.py").write_text("import pickle\n" + "x = 1\n" * 200_000)
    (tmp_path / "small.py").write_text("import pickle\n")
    result = run_sast(tmp_path, SastOptions())
    assert _rows(result.findings) == [("B403", "small.py", 1, L, "high")]
    assert result.warnings == (
        ScanWarning("big.py", "larger than 1 MiB; not analysed by bandit", Gap.SKIPPED),
    )


def test_bandit_can_be_turned_off() -> None:
    assert run_sast(APP, SastOptions(bandit=False)).findings == ()


def test_a_crash_in_one_file_is_a_warning_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from bandit.core import node_visitor  # type: ignore[import-untyped]

    process = node_visitor.BanditNodeVisitor.process

    def crash_on_crash_py(self: object, data: bytes) -> object:
        if getattr(self, "fname", "").endswith("crash.py"):
            raise RuntimeError("plugin bug")
        return process(self, data)

    monkeypatch.setattr(node_visitor.BanditNodeVisitor, "process", crash_on_crash_py)
    (tmp_path / "crash.py").write_text("import pickle\n")
    (tmp_path / "fine.py").write_text("import pickle\n")
    result = run_sast(tmp_path, SastOptions())
    assert _rows(result.findings) == [("B403", "fine.py", 1, L, "high")]
    assert result.warnings == (
        ScanWarning("crash.py", "bandit: exception while scanning file; file not analysed"),
    )
    assert capfd.readouterr().err == ""  # Bandit's "Exception occurred..." log stays quiet


def test_bandit_failing_on_a_file_is_that_files_warning_and_the_others_are_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bandit.core import manager

    run_tests = manager.BanditManager.run_tests

    def broken_by_bad_py(self: Any) -> None:
        if any(name.endswith("bad.py") for name in self.files_list):
            raise KeyError("DB_PASSWORD")  # a message that could hold the code: never shown
        run_tests(self)

    monkeypatch.setattr(manager.BanditManager, "run_tests", broken_by_bad_py)
    for name in ("a.py", "bad.py", "c.py"):
        (tmp_path / name).write_text("import pickle\n")
    result = run_sast(tmp_path, SastOptions())
    assert _rows(result.findings) == [
        ("B403", "a.py", 1, L, "high"),
        ("B403", "c.py", 1, L, "high"),
    ]
    assert result.warnings == (
        ScanWarning("bad.py", "bandit failed (KeyError); file not analysed"),
    )


def test_bandit_logs_never_reach_the_root_logger_and_loggers_are_restored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.py").write_text("import pickle\nx = 1  # nosec B999\n")  # Bandit warns
    logger = logging.getLogger("bandit")
    before = (logger.level, logger.propagate, list(logger.handlers))
    with caplog.at_level(logging.DEBUG):
        result = run_sast(tmp_path, SastOptions())
    assert _rows(result.findings) == [("B403", "a.py", 1, L, "high")]
    assert caplog.records == []
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


def test_a_process_running_bandit_prints_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import pickle\nx = 1  # nosec B999\n")
    (tmp_path / "b.py").write_text("def broken(:\n")
    code = (
        "import sys; from pathlib import Path; from garrison.sast import SastOptions, run_sast;"
        "r = run_sast(Path(sys.argv[1]), SastOptions()); print(len(r.findings), len(r.warnings))"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", code, str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert (done.stdout, done.stderr) == ("1 1\n", "")


def test_a_hardcoded_password_never_reaches_the_findings(tmp_path: Path) -> None:
    secret = "Vw3" + "qN8" * 5
    (tmp_path / "settings.py").write_text(f'DB_PASSWORD = "{secret}"\n')
    result = run_sast(tmp_path, SastOptions())
    assert _rows(result.findings) == [("B105", "settings.py", 1, L, "medium")]
    assert result.findings[0].summary == "Possible hardcoded password (value not shown)"
    assert secret not in repr(result)
    assert secret not in json.dumps(asdict(result), default=str)


def _tree_of_many_files(root: Path) -> tuple[list[str], list[str]]:
    """300 Python files over 10 packages: every 7th imports pickle (B403 at line 1), every
    50th does not parse (line 2), every 9th has a `# nosec` for an unknown test (Bandit logs
    a warning). The rels with B403 and those with a syntax error, in path order."""
    pickles: list[str] = []
    broken: list[str] = []
    for i in range(300):
        rel = f"pkg{i % 10}/mod{i:03}.py"
        text = "import pickle\n" if i % 7 == 0 else "x = 1\n"
        text += "x = 2  # nosec B999\n" if i % 9 == 0 else ""
        text += "def broken(:\n" if i % 50 == 1 else ""
        (root / rel).parent.mkdir(exist_ok=True)
        (root / rel).write_text(text)
        (broken if i % 50 == 1 else pickles if i % 7 == 0 else []).append(rel)
    return sorted(pickles), sorted(broken)


def _bandit_outcome(root: Path, jobs: int) -> Outcome:
    files, _ = runner.python_files(Context(root, root, SastOptions(), WalkedTree.of(root)))
    return runner.analysed(files, jobs)


def _spread_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of chunks of each run spread over processes (the real run still done)."""
    spread: list[int] = []

    def counted(work: Any, chunks: list[Any], jobs: int, *args: Any) -> Any:
        spread.append(len(chunks))
        return workers.in_processes_isolating(work, chunks, jobs, *args)

    monkeypatch.setattr(runner, "in_processes_isolating", counted)
    return spread


def test_parallel_and_serial_runs_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pickles, broken = _tree_of_many_files(tmp_path)
    spread = _spread_over(monkeypatch)
    serial = _bandit_outcome(tmp_path, jobs=1)
    assert spread == []
    parallel = _bandit_outcome(tmp_path, jobs=2)
    assert spread == [16]  # 2 jobs x 8 chunks each
    assert parallel == serial
    assert [(h.rule_id, h.location.path, h.location.line) for h in serial.hits if h.location] == [
        ("B403", rel, 1) for rel in pickles
    ]
    assert serial.warnings == tuple(
        ScanWarning(rel, "bandit: syntax error at line 2; file not analysed", line=2)
        for rel in broken
    )


def test_a_process_spreading_bandit_over_workers_prints_nothing(tmp_path: Path) -> None:
    _tree_of_many_files(tmp_path)  # Bandit logs the unknown nosec tests and the syntax errors
    code = (
        "import sys; from pathlib import Path; from tests.sast import test_bandit_runner as t;"
        "o = t._bandit_outcome(Path(sys.argv[1]), jobs=2); print(len(o.hits), len(o.warnings))"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", code, str(tmp_path)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    assert (done.stdout, done.stderr) == ("43 6\n", "")


def test_a_small_tree_is_not_spread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(runner.PARALLEL_MIN_FILES - 1):
        (tmp_path / f"m{i:03}.py").write_text("import pickle\n")
    spread = _spread_over(monkeypatch)
    assert len(_bandit_outcome(tmp_path, jobs=2).hits) == runner.PARALLEL_MIN_FILES - 1
    assert spread == []
    (tmp_path / "big.py").write_text("x = 1\n" * (runner.PARALLEL_MIN_BYTES // 6))
    assert len(_bandit_outcome(tmp_path, jobs=2).hits) == runner.PARALLEL_MIN_FILES - 1
    assert spread == [2]  # chunks by bytes: big.py, then the 199 small files


def test_a_worker_that_dies_costs_only_the_file_it_died_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bandit.core import node_visitor

    pickles, broken = _tree_of_many_files(tmp_path)
    (tmp_path / "pkg3" / "dies.py").write_text("import pickle\n")
    process, parent = node_visitor.BanditNodeVisitor.process, os.getpid()

    def die_on_dies_py(self: Any, data: bytes) -> object:
        if self.fname.endswith("dies.py"):
            assert os.getpid() != parent, "only a worker process may die"
            os._exit(3)
        return process(self, data)

    monkeypatch.setattr(node_visitor.BanditNodeVisitor, "process", die_on_dies_py)
    spread = _spread_over(monkeypatch)
    outcome = _bandit_outcome(tmp_path, jobs=2)
    assert spread == [16]
    assert [h.location.path for h in outcome.hits if h.location] == pickles
    died = "bandit: worker process failed (BrokenProcessPool); file not analysed"
    assert [w for w in outcome.warnings if "syntax error" not in w.message] == [
        ScanWarning("pkg3/dies.py", died)
    ]
    assert [w.source for w in outcome.warnings] == sorted([*broken, "pkg3/dies.py"])
