"""Every OS reader, on every shared sample and on junk: a ReadResult or a ReaderError."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from garrison.inventory.os import OS_READERS, OsReader
from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile
from tests.conftest import shared_path
from tests.inventory.os import rpmbuild
from tests.inventory.os.helpers import ALPINE_319, DEBIAN_12, RHEL_9, data_source

PATHS = {
    "dpkg": "var/lib/dpkg/status",
    "apk": "lib/apk/db/installed",
    "rpm": "var/lib/rpm/Packages",
}
OSES = {"dpkg": DEBIAN_12, "apk": ALPINE_319, "rpm": RHEL_9}


def attempt(reader: OsReader, data: bytes) -> ReadResult | None:
    """The result, or None for a ReaderError; any other exception fails the test."""
    try:
        result = reader.read(SourceFile(PATHS[reader.name], data), OSES[reader.name])
    except ReaderError:
        return None
    assert isinstance(result, ReadResult)
    return result


def shared_samples() -> list[Path]:
    root = shared_path("fixtures", "lockfiles", "os")
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize("reader", OS_READERS, ids=lambda reader: reader.name)
def test_every_shared_sample(reader: OsReader) -> None:
    for path in shared_samples():
        attempt(reader, path.read_bytes())


def _valid_inputs() -> dict[str, bytes]:
    blobs = [rpmbuild.package("bash", "5.1.8", "9.el9"), rpmbuild.package("zlib", "1.2", "1")]
    return {
        "dpkg": data_source("debian12", "var", "lib", "dpkg", "status").data,
        "apk": data_source("alpine319", "lib", "apk", "db", "installed").data,
        "rpm-sqlite": rpmbuild.sqlite_db(blobs),
        "rpm-ndb": rpmbuild.ndb_db(blobs),
        "rpm-bdb": rpmbuild.bdb_db(blobs, page_size=512),
    }


@pytest.mark.parametrize("reader", OS_READERS, ids=lambda reader: reader.name)
def test_truncated_and_mutated_inputs(reader: OsReader) -> None:
    rng = random.Random(f"garrison-{reader.name}")
    for name, data in _valid_inputs().items():
        if not name.startswith(reader.name):
            continue
        cuts = sorted({rng.randrange(len(data)) for _ in range(60)} | {0, 1, len(data) - 1})
        for cut in cuts:
            attempt(reader, data[:cut])
        for _ in range(150):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            attempt(reader, bytes(mutated))


@pytest.mark.parametrize("reader", OS_READERS, ids=lambda reader: reader.name)
def test_random_junk(reader: OsReader) -> None:
    rng = random.Random(7)
    prefixes = [b"", b"SQLite format 3\x00", b"RpmP", bytes(12) + b"\x61\x15\x06\x00", b"P:"]
    for prefix in prefixes:
        for size in (0, 7, 100, 4096, 9000):
            attempt(reader, prefix + rng.randbytes(size))
