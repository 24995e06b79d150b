"""SARIF files from several tools -> exact findings; broken files -> warnings naming them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from garrison.errors import SastError
from garrison.model import Finding, Gap, ScanWarning, Severity
from garrison.sast import SastOptions, read_sarif, run_sast, sarif_in
from garrison.sast.fingerprint import code_key, fingerprint, identity_key
from tests.conftest import DATA
from tests.sast.sarif_docs import log, result

SARIF = DATA / "sast" / "sarif"
H, M, L, C = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.CRITICAL

Row = tuple[
    str, str, str, int | None, int | None, int | None, Severity, str | None, tuple[str, ...]
]


def rows(findings: tuple[Finding, ...]) -> list[Row]:
    out = []
    for f in findings:
        where = f.location
        assert where is not None and f.tool is not None
        out.append(
            (
                f.tool,
                f.id,
                where.path,
                where.line,
                where.end_line,
                where.column,
                f.severity,
                f.confidence,
                f.aliases,
            )
        )
    return out


def write(tmp_path: Path, document: Any, name: str = "in.sarif") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_codeql() -> None:
    got = read_sarif(SARIF / "codeql.sarif")
    assert rows(got.findings) == [
        (
            "CodeQL",
            "py/weak-sensitive-data-hashing",
            "shop/accounts.py",
            12,
            12,
            24,
            C,
            "high",
            ("CWE-327", "CWE-328", "CWE-916"),
        ),
        (
            "CodeQL",
            "py/clear-text-logging-sensitive-data",
            "shop/accounts.py",
            41,
            42,
            18,
            H,
            "high",
            ("CWE-312", "CWE-359", "CWE-532"),
        ),
        ("CodeQL", "py/sql-injection", "shop/app.py", 27, 27, 20, H, "high", ("CWE-89",)),
    ]
    sql = got.findings[2]
    assert sql.summary == "This SQL query depends on a user-provided value."
    assert sql.references == ("https://cwe.mitre.org/data/definitions/89.html",)
    key = identity_key(
        {
            "primaryLocationLineHash": "5c3bd8c8f2d4ef9a:1",
            "primaryLocationStartColumnFingerprint": "15",
        }
    )
    assert sql.fingerprint == fingerprint("CodeQL", "py/sql-injection", "shop/app.py", key)
    assert got.warnings == ()  # a level-"none" diagnostic notification is no problem
    assert got.notes == (f"{SARIF / 'codeql.sarif'}: not reported: 1 suppressed",)


def test_eslint_with_absolute_file_uris() -> None:
    got = read_sarif(SARIF / "eslint.sarif", base=Path("/builds/shop"))
    assert rows(got.findings) == [
        (
            "ESLint",
            "no-unused-vars",
            "file:///usr/lib/node_modules/legacy/index.js",
            3,
            3,
            7,
            M,
            None,
            (),
        ),
        (
            "ESLint",
            "security/detect-non-literal-fs-filename",
            "web/src/files api.js",
            7,
            9,
            3,
            M,
            None,
            (),
        ),
        ("ESLint", "no-eval", "web/src/render.js", 14, 14, 10, H, None, ()),
    ]
    assert got.findings[2].references == ("https://eslint.org/docs/latest/rules/no-eval",)
    assert got.notes == (f"{SARIF / 'eslint.sarif'}: 1 result outside the target (URI kept)",)


def test_gosec_with_cwe_relationships() -> None:
    got = read_sarif(SARIF / "gosec.sarif")
    assert rows(got.findings) == [
        ("gosec", "G204", "cmd/server/main.go", 31, 31, 9, H, "high", ("CWE-78",)),
        ("gosec", "G304", "internal/store/files.go", 18, 18, 14, M, "high", ("CWE-22",)),
    ]
    g204 = got.findings[0]
    assert g204.fingerprint == fingerprint(
        "gosec", "G204", "cmd/server/main.go", code_key('exec.Command("sh", "-c", cmd)')
    )
    assert got.notes == (f"{SARIF / 'gosec.sarif'}: not reported: 1 suppressed",)


def test_semgrep() -> None:
    got = read_sarif(SARIF / "semgrep.sarif")
    rule = "python-subprocess-shell-true"
    assert rows(got.findings) == [
        ("semgrep", rule, "service.py", 9, 9, 12, H, "high", ("CWE-78",)),
        ("semgrep", "python-yaml-unsafe-load", "service.py", 13, 13, 12, M, "medium", ("CWE-502",)),
        ("semgrep", rule, "service.py", 26, 26, 12, H, "high", ("CWE-78",)),
        ("semgrep", "js-eval", "web/handler.js", 4, 4, 10, L, "low", ("CWE-95",)),
    ]
    assert got.findings[0].summary == (
        "subprocess.call is called with shell=True; pass the arguments as a list instead"
    )
    # line 21 carries `# nosemgrep`: Semgrep writes it as a suppression
    assert got.notes == (f"{SARIF / 'semgrep.sarif'}: not reported: 1 suppressed",)


def test_semgrep_with_the_source_at_hand_honours_garrison_ignore() -> None:
    got = read_sarif(SARIF / "semgrep.sarif", base=DATA / "sast" / "semgrep" / "project")
    assert [f.location.line for f in got.findings if f.location] == [9, 13, 4]  # not 26
    assert got.notes[1] == f"{SARIF / 'semgrep.sarif'}: 1 finding ignored inline (garrison:ignore)"


def test_bandit_sarif_matches_bandit_run_as_a_library() -> None:
    got = read_sarif(SARIF / "bandit.sarif", base=DATA / "sast" / "bandit")
    assert rows(got.findings) == [
        ("bandit", "B108", "app.py", 10, 10, 13, M, "medium", ("CWE-377",)),
        ("bandit", "B602", "app.py", 14, 14, 12, H, "high", ("CWE-78",)),
        ("bandit", "B506", "app.py", 18, 18, 12, M, "high", ("CWE-20",)),
    ]
    library = run_sast(DATA / "sast" / "bandit", SastOptions()).findings
    same = {(f.id, f.location): f.fingerprint for f in library}
    assert [same[(f.id, f.location)] for f in got.findings] == [f.fingerprint for f in got.findings]
    assert got.warnings == (
        ScanWarning(
            str(SARIF / "bandit.sarif"),
            "bandit: legacy/py2_tool.py: syntax error while parsing AST from file",
        ),
    )


def test_the_same_issue_from_bandit_and_its_sarif_is_reported_once() -> None:
    options = SastOptions(sarif_files=(SARIF / "bandit.sarif",))
    both = run_sast(DATA / "sast" / "bandit", options)
    alone = run_sast(DATA / "sast" / "bandit", SastOptions())
    assert both.findings == alone.findings


def test_a_password_in_a_bandit_sarif_message_is_cut(tmp_path: Path) -> None:
    secret = "Mx4" + "pR7" * 5
    found = result("B105", 1, "settings.py", level="note")
    found["message"] = {"text": f"Possible hardcoded password: '{secret}'"}
    found["locations"][0]["physicalLocation"]["region"]["snippet"] = {"text": f'PW = "{secret}"'}
    got = read_sarif(write(tmp_path, log(found, name="Bandit")))
    assert [f.summary for f in got.findings] == ["Possible hardcoded password (value not shown)"]
    assert secret not in repr(got)


def test_results_that_are_not_failures_gone_or_suppressed_are_not_reported(tmp_path: Path) -> None:
    document = log(
        result("PASS", kind="pass"),
        result("OPEN", kind="open"),
        result("GONE", baselineState="absent"),
        result("NEW", baselineState="new"),
        result("ACCEPTED", suppressions=[{"kind": "external", "status": "accepted"}]),
        result("NO-STATUS", suppressions=[{"kind": "inSource"}]),
        result("REJECTED", suppressions=[{"kind": "external", "status": "rejected"}]),
        result("REVIEW", suppressions=[{"kind": "external", "status": "underReview"}]),
        result(
            "MIXED", suppressions=[{"kind": "inSource"}, {"kind": "external", "status": "rejected"}]
        ),
        result("EMPTY", suppressions=[]),
    )
    path = write(tmp_path, document)
    got = read_sarif(path)
    assert sorted(f.id for f in got.findings) == ["EMPTY", "MIXED", "NEW", "REJECTED", "REVIEW"]
    assert got.notes == (
        f"{path}: not reported: 2 suppressed, 1 absent from the baseline, 2 not failures (kind)",
    )


def test_rules_by_id_messages_from_strings_and_arguments(tmp_path: Path) -> None:
    rules = [
        {"id": "R0", "defaultConfiguration": {"level": "note"}},
        {
            "id": "R1",
            "shortDescription": {"text": "Rule one"},
            "helpUri": "https://x.test/r1",
            "messageStrings": {"default": {"text": "Call to {0} with {1} ({2})"}},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["CWE-79"]},
        },
    ]
    by_id = result("R1", 4, message={"id": "default", "arguments": ["open", "mode=w"]})
    by_index = result("R0", 5, ruleIndex=0, message={"text": ""})
    level_wins = result("R1", 6, level="note")
    got = read_sarif(write(tmp_path, log(by_id, by_index, level_wins, rules=rules)))
    assert [(f.id, f.summary, f.severity, f.references, f.aliases) for f in got.findings] == [
        (
            "R1",
            "Call to open with mode=w ({2})",
            H,
            ("https://x.test/r1", "https://cwe.mitre.org/data/definitions/79.html"),
            ("CWE-79",),
        ),
        ("R0", "R0", L, (), ()),
        (
            "R1",
            "R1 found",
            L,
            ("https://x.test/r1", "https://cwe.mitre.org/data/definitions/79.html"),
            ("CWE-79",),
        ),
    ]


def test_results_without_a_location_or_rule(tmp_path: Path) -> None:
    bare = {"message": {"text": "project-wide problem"}}
    got = read_sarif(write(tmp_path, log(bare)))
    assert [(f.id, f.location, f.severity, f.summary) for f in got.findings] == [
        ("unknown-rule", None, M, "project-wide problem"),
    ]


def _warnings(tmp_path: Path, document: Any) -> list[tuple[str, int | None]]:
    path = write(tmp_path, document)
    got = read_sarif(path)
    assert all(w.source == str(path) for w in got.warnings)
    return [(w.message, w.line) for w in got.warnings]


RESULT_0 = "runs[0].results[0]"
INVALID = [
    pytest.param('{"version": "2.1.0",\n "runs": [}', "not JSON (line 2: Expecting value)"
                 "; not read", 2, id="not-json"),
    pytest.param('{"version": "2.1.0", "version": "2.1.0", "runs": []}',
                 "duplicate key 'version'; not read", None, id="duplicate-key"),
    pytest.param({"version": "2.0.0", "runs": []},
                 "version: Input should be '2.1.0'; file not read", None, id="version"),
    pytest.param({"version": "2.1.0"}, "runs: Field required; file not read", None,
                 id="no-runs"),
    pytest.param([1, 2], "document: Input should be a valid dictionary or instance of Log"
                 "; file not read", None, id="not-an-object"),
    pytest.param(log(result(), name=7), "runs[0].tool.driver.name: Input should be a valid"
                 " string; run skipped", None, id="driver-name"),
    pytest.param(log({"ruleId": "R1"}), f"{RESULT_0}.message: Field required; result skipped",
                 None, id="no-message"),
    pytest.param(log(result(line=0)), f"{RESULT_0}.locations[0].physicalLocation.region"
                 ".startLine: Input should be greater than or equal to 1; result skipped", None,
                 id="line-0"),
    pytest.param(log(result(ruleIndex=5), rules=[{"id": "R1"}]), f"{RESULT_0}.ruleIndex: 5 is"
                 " not an index of tool.driver.rules (1); result skipped", None, id="rule-index"),
    pytest.param(log(result(level="fatal")), f"{RESULT_0}.level: Input should be 'none', 'note',"
                 " 'warning' or 'error'; result skipped", None, id="level"),
]  # fmt: skip


@pytest.mark.parametrize(("document", "message", "line"), INVALID)
def test_invalid_sarif_is_a_warning_naming_the_problem(
    tmp_path: Path, document: Any, message: str, line: int | None
) -> None:
    assert _warnings(tmp_path, document) == [(message, line)]


def test_one_bad_result_costs_only_itself(tmp_path: Path) -> None:
    document = log(result("A", 1), {"ruleId": "BAD"}, result("C", 3))
    got = read_sarif(write(tmp_path, document))
    assert [f.id for f in got.findings] == ["A", "C"]
    assert len(got.warnings) == 1


def test_not_utf8_and_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "latin1.sarif"
    path.write_bytes(b'{"version": "2.1.0", "runs": [], "x": "\xe9t\xe9"}')
    assert read_sarif(path).warnings == (
        ScanWarning(str(path), "not JSON (not UTF-8, UTF-16 or UTF-32 text); not read"),
    )


def test_a_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sarif_in.MAX_BYTES == 200 * 1024 * 1024
    monkeypatch.setattr(sarif_in, "MAX_BYTES", 1024 * 1024)
    path = write(tmp_path, log(result(), padding="x" * 3 * 1024 * 1024))
    assert read_sarif(path).warnings == (
        ScanWarning(
            str(path), "SARIF file of 3 MiB is over the 1 MiB limit; not read", Gap.SKIPPED
        ),
    )


def test_bad_files_do_not_stop_the_others(tmp_path: Path) -> None:
    bad = write(tmp_path, "not json", "bad.sarif")
    options = SastOptions(sarif_files=(bad, SARIF / "gosec.sarif"), bandit=False)
    got = run_sast(tmp_path, options)
    assert [f.id for f in got.findings] == ["G204", "G304"]
    assert [w.source for w in got.warnings] == [str(bad)]


def test_a_missing_file_is_the_users_error(tmp_path: Path) -> None:
    with pytest.raises(SastError, match=r"nope\.sarif: no such SARIF file"):
        read_sarif(tmp_path / "nope.sarif")
    with pytest.raises(SastError, match=r"nope\.sarif: no such SARIF file"):
        run_sast(tmp_path, SastOptions(sarif_files=(tmp_path / "nope.sarif",)))


def test_failed_runs_and_tool_errors_are_warnings(tmp_path: Path) -> None:
    failed = log(invocations=[{"executionSuccessful": False}], name="Scanner")
    assert _warnings(tmp_path, failed) == [("Scanner: the tool reports that its run failed", None)]
    noted = log(
        invocations=[
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": "slow"}},
                    {
                        "level": "error",
                        "message": {"text": "could not parse"},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "x.go"}}}],
                    },
                ],
            }
        ]
    )
    assert _warnings(tmp_path, noted) == [("Scanner: x.go: could not parse", None)]
