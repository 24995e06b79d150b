"""The OS package registry: which reader claims which path, and what an image walk reads."""

from __future__ import annotations

from pathlib import PurePosixPath

from garrison.inventory import os as os_packages
from garrison.inventory.os import OS_FILES, OS_READERS, reader_for, wants


def test_readers_are_unique_and_complete() -> None:
    assert [reader.name for reader in OS_READERS] == ["dpkg", "apk", "rpm"]
    assert all(reader.max_bytes > 0 for reader in OS_READERS)


def test_reader_for() -> None:
    expected = {
        "var/lib/dpkg/status": "dpkg",
        "var/lib/dpkg/status.d/libssl3": "dpkg",
        "lib/apk/db/installed": "apk",
        "usr/lib/apk/db/installed": "apk",
        "var/lib/rpm/rpmdb.sqlite": "rpm",
        "var/lib/rpm/Packages": "rpm",
        "usr/lib/sysimage/rpm/Packages.db": "rpm",
    }
    for path, name in expected.items():
        reader = reader_for(path)
        assert reader is not None and reader.name == name, path
    for path in ("etc/os-release", "var/lib/dpkg/status.d/libssl3.md5sums", "app/package.json"):
        assert reader_for(PurePosixPath(path)) is None, path


def test_every_database_file_has_a_reader() -> None:
    assert all(reader_for(path) is not None for path in os_packages.DATABASE_FILES)


def test_wants() -> None:
    assert {"etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status"} <= OS_FILES
    assert wants("etc/os-release")
    assert wants("/etc/alpine-release")
    assert wants("var/lib/dpkg/status.d/tzdata")
    assert wants(PurePosixPath("var/lib/rpm/rpmdb.sqlite"))
    assert wants("var/lib/rpm/rpmdb.sqlite-wal")
    assert reader_for("var/lib/rpm/rpmdb.sqlite-wal") is None
    assert not wants("etc/passwd")
    assert not wants("var/lib/dpkg/status.d/tzdata.md5sums")
