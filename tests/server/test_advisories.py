"""The server's advisory database file: advisories linked through ids and aliases (a real
VulnDB written by garrison's importer)."""

from __future__ import annotations

from pathlib import Path

from garrison.server.advisories import AdvisoryFile, import_documents
from tests.server.evaluation_helpers import osv

FLAW = (
    osv("GHSA-aaaa-bbbb-cccc", "PyYAML", "5.4", aliases=["CVE-2020-1"]),
    osv("PYSEC-2021-1", "PyYAML", "5.4", aliases=["CVE-2020-1"]),
    osv("RUSTSEC-2021-1", "yaml-rust", "0.5", ecosystem="crates.io", aliases=["PYSEC-2021-1"]),
    osv("GHSA-zzzz-zzzz-zzzz", "requests", "3"),
)


def test_linked_ids_follow_shared_aliases_transitively(tmp_path: Path) -> None:
    path = tmp_path / "advisories.sqlite3"
    import_documents(path, FLAW)
    with AdvisoryFile(path) as advisories:
        assert advisories.linked_ids(["GHSA-aaaa-bbbb-cccc"]) == {
            "GHSA-aaaa-bbbb-cccc", "PYSEC-2021-1", "RUSTSEC-2021-1",
        }  # fmt: skip
        assert advisories.linked_ids(["RUSTSEC-2021-1"]) == {
            "GHSA-aaaa-bbbb-cccc", "PYSEC-2021-1", "RUSTSEC-2021-1",
        }  # fmt: skip
        assert advisories.linked_ids(["GHSA-zzzz-zzzz-zzzz"]) == {"GHSA-zzzz-zzzz-zzzz"}
        assert advisories.linked_ids(["GONE-1"]) == {"GONE-1"}


def test_aliases_of_name_every_other_id_of_the_flaw(tmp_path: Path) -> None:
    path = tmp_path / "advisories.sqlite3"
    import_documents(path, FLAW)
    with AdvisoryFile(path) as advisories:
        assert advisories.aliases_of(["PYSEC-2021-1", "GHSA-zzzz-zzzz-zzzz"]) == {
            "PYSEC-2021-1": ("CVE-2020-1", "GHSA-aaaa-bbbb-cccc", "RUSTSEC-2021-1"),
            "GHSA-zzzz-zzzz-zzzz": (),
        }
