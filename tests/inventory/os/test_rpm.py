"""rpm databases (SQLite, ndb, Berkeley DB) built from real-format header blobs."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import PurePosixPath

import pytest

from garrison.inventory.os import rpm
from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile
from garrison.model import Component, Gap, Location
from tests.conftest import shared_path
from tests.inventory.os import rpmbuild
from tests.inventory.os.helpers import FEDORA_39, RHEL_9, rows

SQLITE = "var/lib/rpm/rpmdb.sqlite"
BLOBS = [
    rpmbuild.package(
        "openssl-libs",
        "3.0.7",
        "27.el9",
        epoch=1,
        sourcerpm="openssl-3.0.7-27.el9.src.rpm",
        license="ASL 2.0",
    ),
    rpmbuild.package("bash", "5.1.8", "9.el9", sourcerpm="bash-5.1.8-9.el9.src.rpm"),
    rpmbuild.package("gpg-pubkey", "fd431d51", "4ae0493b", arch=None, license="pubkey"),
    rpmbuild.package(
        "tzdata", "2024a", "1.el9", arch="noarch", sourcerpm="tzdata-2024a-1.el9.src.rpm"
    ),
]
RHEL_ROWS = [
    ("openssl-libs", "1:3.0.7-27.el9", "openssl",
     "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl",
     None),
    ("bash", "5.1.8-9.el9", "bash", "pkg:rpm/redhat/bash@5.1.8-9.el9?arch=x86_64&distro=rhel-9.3",
     None),
    ("tzdata", "2024a-1.el9", "tzdata",
     "pkg:rpm/redhat/tzdata@2024a-1.el9?arch=noarch&distro=rhel-9.3", None),
]  # fmt: skip


def read(data: bytes, path: str = SQLITE, siblings: dict[str, bytes] | None = None) -> ReadResult:
    files = siblings or {}
    return rpm.read_rpm(SourceFile(path, data, files.get), RHEL_9)


def test_matches() -> None:
    for path in (
        "var/lib/rpm/rpmdb.sqlite",
        "var/lib/rpm/Packages",
        "var/lib/rpm/Packages.db",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/Packages.db",
    ):
        assert rpm.matches(PurePosixPath(path)), path
    for path in ("var/lib/rpm/Name", "Packages", "var/lib/dpkg/Packages", "rpm/rpmdb.sqlite"):
        assert not rpm.matches(PurePosixPath(path)), path


def test_sqlite_database() -> None:
    result = read(rpmbuild.sqlite_db(BLOBS))
    assert rows(result) == RHEL_ROWS
    assert result.warnings == ()
    assert result.components[0] == Component(
        ecosystem="Red Hat:enterprise_linux:9",
        name="openssl-libs",
        version="1:3.0.7-27.el9",
        purl=RHEL_ROWS[0][3],
        location=Location(SQLITE),
        licenses=("ASL 2.0",),
        bom_ref="openssl-libs@1:3.0.7-27.el9?arch=x86_64",
        source_package="openssl",
    )


def test_sqlite_in_wal_mode_and_its_sidecar() -> None:
    data = bytearray(rpmbuild.sqlite_db(BLOBS))
    data[18:20] = b"\x02\x02"  # what `PRAGMA journal_mode=WAL` writes; rpm uses WAL
    assert rows(read(bytes(data))) == RHEL_ROWS
    result = read(bytes(data), siblings={"rpmdb.sqlite-wal": b"\x37\x7f\x06\x82" + bytes(28)})
    assert rows(result) == RHEL_ROWS
    (warning,) = result.warnings
    assert warning.gap is Gap.READER_FAILED
    assert warning.message.startswith("rpmdb.sqlite-wal holds changes not yet written")


def test_ndb_database() -> None:
    assert rows(read(rpmbuild.ndb_db(BLOBS), "var/lib/rpm/Packages.db")) == RHEL_ROWS
    two_pages = rpmbuild.ndb_db(BLOBS, slot_pages=2)
    assert rows(read(two_pages, "usr/lib/sysimage/rpm/Packages.db")) == RHEL_ROWS


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("page_size", [512, 4096])
def test_berkeley_db_database(order: str, page_size: int) -> None:
    big = rpmbuild.package("big", "1", "1", license="GPL-2.0-or-later " * 200)
    data = rpmbuild.bdb_db([*BLOBS, big], page_size=page_size, order=order)
    result = read(data, "var/lib/rpm/Packages")
    assert rows(result)[:3] == RHEL_ROWS
    assert result.components[3].licenses == ("GPL-2.0-or-later " * 200,)
    assert result.warnings == ()


def test_fedora_has_no_osv_ecosystem() -> None:
    blob = rpmbuild.package("bash", "5.2.26", "1.fc39", sourcerpm="bash-5.2.26-1.fc39.src.rpm")
    result = rpm.read_rpm(SourceFile(SQLITE, rpmbuild.sqlite_db([blob])), FEDORA_39)
    (component,) = result.components
    assert (component.ecosystem, component.purl) == (
        "Red Hat",
        "pkg:rpm/fedora/bash@5.2.26-1.fc39?arch=x86_64&distro=fedora-39",
    )
    (warning,) = result.warnings
    assert warning.gap is Gap.UNMATCHED
    assert "garrison knows no OSV ecosystem for Fedora Linux 39" in warning.message


def test_source_name() -> None:
    assert rpm.source_name("openssl-3.0.7-27.el9.src.rpm") == "openssl"
    assert rpm.source_name("python3.11-3.11.5-1.el9.src.rpm") == "python3.11"
    assert rpm.source_name("kernel-5.14.0-362.el9.nosrc.rpm") == "kernel"
    assert rpm.source_name("glibc-2.34-100.el9_4.2.src.rpm") == "glibc"
    assert rpm.source_name("bogus.src.rpm") is None
    assert rpm.source_name("") is None
    assert rpm.source_name(None) is None


def test_header_without_name_is_skipped_with_a_warning() -> None:
    nameless = rpmbuild.header_blob({rpmbuild.VERSION: "1", rpmbuild.RELEASE: "1"})
    result = read(rpmbuild.sqlite_db([BLOBS[1], nameless, b"\x00\x00"]))
    assert [c.name for c in result.components] == ["bash"]
    assert [w.message for w in result.warnings] == [
        "package 2: header without NAME or VERSION; skipped",
        "package 3: header blob shorter than its 8-byte preamble; skipped",
    ]


def test_every_header_broken_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match="no package could be read"):
        read(rpmbuild.sqlite_db([b"junk junk junk"]))


def test_empty_sqlite_database_has_no_packages() -> None:
    result = read(rpmbuild.sqlite_db([]))
    assert (result.components, result.warnings) == ((), ())


def _sqlite(*statements: str) -> bytes:
    connection = sqlite3.connect(":memory:")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    return connection.serialize()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_sqlite("CREATE TABLE Other (x)"), "no Packages table"),
        (_sqlite("CREATE TABLE T (x)", "CREATE VIEW Packages AS SELECT 1"), "no Packages table"),
        (_sqlite("CREATE TABLE Packages (id INTEGER)"), "no such column"),
        (b"SQLite format 3\x00" + bytes(84), "unreadable SQLite"),
        (b"SQLite format 3\x00" + b"\xff" * 5000, "unreadable SQLite"),
        (
            _sqlite(
                "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, seed INTEGER,"
                " blob BLOB AS (zeroblob(1000000000)) VIRTUAL)",
                "INSERT INTO Packages (seed) VALUES (1)",
            ),
            "string or blob too big",
        ),
    ],
)
def test_bad_sqlite_databases(data: bytes, message: str) -> None:
    with pytest.raises(ReaderError, match=message):
        read(data)


def test_sqlite_rows_that_are_not_blobs() -> None:
    data = _sqlite(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
        "INSERT INTO Packages (blob) VALUES ('text, not a blob')",
    )
    with pytest.raises(ReaderError, match="package 1: its header is not a blob"):
        read(data)


def test_ndb_damage_loses_only_the_damaged_package() -> None:
    data = bytearray(rpmbuild.ndb_db(BLOBS))
    second_blob = struct.unpack_from("<I", data, 32 + 16 + 8)[0] * 16
    data[second_blob + 40] ^= 0xFF  # inside bash's header: the checksum no longer matches
    result = read(bytes(data), "var/lib/rpm/Packages.db")
    assert [c.name for c in result.components] == ["openssl-libs", "tzdata"]
    assert [w.message for w in result.warnings] == ["package 2: blob checksum mismatch"]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ((4, b"\x01\x00\x00\x00"), "version 1 is not supported"),
        ((12, b"\x09\x00\x00\x00"), "truncated"),
        ((32, b"XXXX"), "bad slot"),
    ],
)
def test_bad_ndb_databases(patch: tuple[int, bytes], message: str) -> None:
    data = bytearray(rpmbuild.ndb_db(BLOBS))
    offset, value = patch
    data[offset : offset + len(value)] = value
    with pytest.raises(ReaderError, match=message):
        read(bytes(data), "var/lib/rpm/Packages.db")


def test_ndb_slot_pointing_outside_the_file() -> None:
    data = bytearray(rpmbuild.ndb_db(BLOBS[:1]))
    struct.pack_into("<I", data, 32 + 8, 10_000_000)
    with pytest.raises(ReaderError, match="package 1: slot points outside the database"):
        read(bytes(data), "var/lib/rpm/Packages.db")


def test_berkeley_db_overflow_cycle_and_truncation() -> None:
    data = bytearray(rpmbuild.bdb_db(BLOBS[:2], page_size=512))
    # page 2 is the first overflow page of the first package: point it at itself
    struct.pack_into("<I", data, 2 * 512 + 16, 2)
    result = read(bytes(data), "var/lib/rpm/Packages")
    assert [c.name for c in result.components] == ["bash"]
    assert result.warnings[0].message == "page 1: overflow chain broken at page 2"
    truncated = rpmbuild.bdb_db(BLOBS[:2], page_size=512)[: 3 * 512]
    result = read(truncated, "var/lib/rpm/Packages")
    assert [c.name for c in result.components] == ["openssl-libs"]
    assert [w.message for w in result.warnings] == [
        "database truncated: 3 pages announced, 2 present",
        "page 1: overflow chain broken at page 3",
    ]


def test_berkeley_db_bad_metadata() -> None:
    data = bytearray(rpmbuild.bdb_db(BLOBS[:1]))
    struct.pack_into("<I", data, 20, 1000)
    with pytest.raises(ReaderError, match="page size 1000 is not valid"):
        read(bytes(data), "var/lib/rpm/Packages")
    with pytest.raises(ReaderError, match="too short for a Berkeley DB"):
        read(bytes(data[:100]), "var/lib/rpm/Packages")


@pytest.mark.parametrize("name", ["Packages", "invalid", "timeout/Packages"])
def test_shared_samples_are_reader_errors(name: str) -> None:
    data = shared_path("fixtures", "lockfiles", "os", "rpm", name).read_bytes()
    with pytest.raises(ReaderError, match=r"not an rpm database|an empty file"):
        read(data, "var/lib/rpm/Packages")
