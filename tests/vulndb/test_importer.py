from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from garrison.errors import AdvisoryError, DatabaseError
from garrison.vulndb import importer, sources
from garrison.vulndb.importer import import_paths
from garrison.vulndb.store import VulnDB
from tests.conftest import DATA, REPO, shared_path

BAD = DATA / "vulndb" / "bad-entries"
EXAMPLES = REPO / "examples" / "advisories"


def _ids(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM advisories")}


def _no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def test_import_directory_of_yaml_and_json(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    report = import_paths(db_path, [EXAMPLES])
    assert report.problems == []
    assert dict(report.imported) == {"PyPI": 6, "Go": 1, "crates.io": 1}
    assert _ids(db_path) == {
        "PYSEC-2021-142", "PYSEC-2023-74", "PYSEC-2023-192", "PYSEC-2021-66",
        "GHSA-8q59-q68h-6hv4", "GHSA-j8r2-6x86-q33q", "GO-2022-1059", "RUSTSEC-2022-0013",
    }  # fmt: skip


def test_bad_entries_are_reported_and_skipped_the_rest_imports(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    report = import_paths(db_path, [BAD])
    by_file = {Path(p.source).name: p.message for p in report.problems}
    assert by_file["malformed.json"].startswith("malformed JSON at line 2 column 1")
    assert by_file["malformed.yaml"].startswith("malformed YAML at line")
    assert by_file["missing-modified.json"] == "PYSEC-2099-4: modified: Field required"
    assert "unknown ecosystem 'Cobol'" in by_file["unknown-ecosystem.json"]
    assert by_file["bad-version.json"] == (
        "PYSEC-2099-6: oddpkg: fixed version 'one.two' is not a valid PyPI version; "
        "matches report 'unknown'"
    )
    assert _ids(db_path) == {"PYSEC-2099-6", "PYSEC-2099-7"}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_member_with_parent_path_is_refused(tmp_path: Path) -> None:
    good = (BAD / "good.json").read_bytes()
    archive = _zip(tmp_path / "all.zip", {"../evil.json": good, "ok.json": good})
    report = import_paths(tmp_path / "db.sqlite3", [archive])
    assert [p.message for p in report.problems] == [
        "unsafe member name '../evil.json' (absolute or '..'); skipped"
    ]
    assert report.total == 1


def test_zip_member_inflating_past_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 1000)
    bomb = b'{"id": "PYSEC-1", "pad": "' + b" " * 50_000 + b'"}'
    archive = _zip(tmp_path / "all.zip", {"bomb.json": bomb})
    report = import_paths(tmp_path / "db.sqlite3", [archive])
    assert [p.message for p in report.problems] == [
        "declares 50028 bytes, over the member limit; skipped"
    ]


def test_truncated_archive_fails_and_keeps_previous_database(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [EXAMPLES])
    before = _ids(db_path)
    archive = _zip(tmp_path / "all.zip", {f"{i}.json": (BAD / "good.json").read_bytes() * 50
                                          for i in range(20)})  # fmt: skip
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(AdvisoryError, match=r"truncated\.zip"):
        import_paths(db_path, [BAD / "good.json", truncated])
    assert _ids(db_path) == before
    assert _no_temp_files(tmp_path)


def test_interrupt_mid_import_keeps_previous_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [EXAMPLES])
    before = _ids(db_path)
    real_parse = importer.parse_advisory
    calls = {"n": 0}

    def interrupting(document: object, source: str):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_parse(document, source)

    monkeypatch.setattr(importer, "parse_advisory", interrupting)
    with pytest.raises(KeyboardInterrupt):
        import_paths(db_path, [BAD])
    assert _ids(db_path) == before
    assert _no_temp_files(tmp_path)
    with VulnDB(db_path) as db:
        assert db.documents("CVE-2020-14343")


def test_foreign_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    db_path.write_bytes(b"this is my thesis, not a database")
    with pytest.raises(DatabaseError, match="not a garrison vulnerability database"):
        import_paths(db_path, [EXAMPLES])
    assert db_path.read_bytes() == b"this is my thesis, not a database"
    with pytest.raises(DatabaseError, match="not a garrison vulnerability database"):
        VulnDB(db_path)


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "other.sqlite3"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    with pytest.raises(DatabaseError, match="no garrison format marker"):
        VulnDB(db_path)


def test_show_finds_every_entry_by_alias(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [EXAMPLES])
    with VulnDB(db_path) as db:
        assert [d["id"] for d in db.documents("CVE-2020-14343")] == [
            "GHSA-8q59-q68h-6hv4", "PYSEC-2021-142",
        ]  # fmt: skip
        assert [d["id"] for d in db.documents("GO-2022-1059")] == ["GO-2022-1059"]
        assert db.documents("CVE-1999-0001") == []


def test_reimport_replaces_entries_instead_of_duplicating(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [EXAMPLES])
    import_paths(db_path, [EXAMPLES])
    with VulnDB(db_path) as db:
        assert len(db.advisories_for("PyPI", ["pyyaml"])["pyyaml"]) == 2


def test_import_all_shared_archives(tmp_path: Path) -> None:
    root = shared_path("advisories")
    db_path = tmp_path / "db.sqlite3"
    report = import_paths(db_path, [root])
    # Eight real PyPI entries break the OSV schema (short or suffixed GIT hashes, a timestamp
    # without 'Z'): reported and skipped, as the official schema rejects them too.
    skipped = sorted(
        p.message.split(":")[0] for p in report.problems if "not a valid" not in p.message
    )
    assert skipped == [
        "PYSEC-2017-27", "PYSEC-2019-155", "PYSEC-2021-371", "PYSEC-2021-424", "PYSEC-2021-425",
        "PYSEC-2021-436", "PYSEC-2023-80", "PYSEC-2024-55",
    ]  # fmt: skip
    doubtful = [p.message for p in report.problems if "not a valid" in p.message]
    assert doubtful == [
        "PYSEC-2019-125: steam: fixed version '2019-09-12' is not a valid PyPI version; "
        "matches report 'unknown'"
    ]
    with VulnDB(db_path) as db:
        stats = {s.ecosystem: (s.advisories, s.withdrawn) for s in db.stats().ecosystems}
    assert stats == {"Go": (4291, 17), "PyPI": (2653, 10), "crates.io": (1206, 13)}


def test_many_keys_take_the_whole_ecosystem_path_with_the_same_answer(tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [EXAMPLES])
    keys = ["pyyaml", "requests", *(f"unknown-{i}" for i in range(6000))]
    with VulnDB(db_path) as db:
        many = db.advisories_for("PyPI", keys)
        few = db.advisories_for("PyPI", ["pyyaml", "requests"])
    assert many == few
    assert sorted(a.id for a in many["pyyaml"]) == ["GHSA-8q59-q68h-6hv4", "PYSEC-2021-142"]


def test_killed_import_leaves_the_previous_database_usable(tmp_path: Path) -> None:
    """A real crash: SIGKILL a `garrison db import` of the shared archives mid-way."""
    import signal
    import subprocess
    import sys
    import time

    archives = shared_path("advisories")
    db_path = tmp_path / "db.sqlite3"
    import_paths(db_path, [EXAMPLES])
    before = _ids(db_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "garrison", "db", "import", "--db", str(db_path), str(archives)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".db.sqlite3.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.01)  # wait until the writer has started building aside
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _ids(db_path) == before  # untouched: the swap never happened
    with VulnDB(db_path) as db:
        assert db.documents("CVE-2020-14343")
    import_paths(db_path, [EXAMPLES])  # the next writer removes the abandoned file
    assert _no_temp_files(tmp_path)
