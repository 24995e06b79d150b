"""Operating-system packages: which OS a root filesystem is, what its package databases hold,
and whether the OS release is still supported. Everything here is pure: bytes in, results out.

Flow for an image or root filesystem:
    info = osrelease.detect({path: bytes for path in OS_FILES present})
    for each file with `reader_for(path)`: reader.read(SourceFile(path, data), info)
    eol.eol_check(info, eol.load_eol(), today)

`OS_FILES` holds the exact root-relative paths worth reading (detection files, the usual
database locations, and the rpm SQLite write-ahead log, which `rpm` only looks at through
`SourceFile.open_relative`); `wants(path)` also admits `var/lib/dpkg/status.d/*` files, which
have no fixed names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from garrison.inventory.os import apk, dpkg, osrelease, rpm
from garrison.inventory.os.osrelease import OsInfo, detect
from garrison.inventory.readers.base import ReadResult, SourceFile

__all__ = [
    "DATABASE_FILES",
    "OS_FILES",
    "OS_READERS",
    "SIDECAR_FILES",
    "OsInfo",
    "OsReader",
    "detect",
    "reader_for",
    "wants",
]


@dataclass(frozen=True, slots=True)
class OsReader:
    """A package database reader: `read(source, os)` needs the detected OS (or None)."""

    name: str
    matches: Callable[[PurePosixPath], bool]
    read: Callable[[SourceFile, OsInfo | None], ReadResult]
    max_bytes: int


OS_READERS: tuple[OsReader, ...] = (
    OsReader(dpkg.NAME, dpkg.matches, dpkg.read_dpkg, dpkg.MAX_BYTES),
    OsReader(apk.NAME, apk.matches, apk.read_apk, apk.MAX_BYTES),
    OsReader(rpm.NAME, rpm.matches, rpm.read_rpm, rpm.MAX_BYTES),
)

DATABASE_FILES: frozenset[str] = frozenset(
    {
        "var/lib/dpkg/status",
        "lib/apk/db/installed",
        "usr/lib/apk/db/installed",
        "var/lib/rpm/rpmdb.sqlite",
        "var/lib/rpm/Packages.db",
        "var/lib/rpm/Packages",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/Packages.db",
        "usr/lib/sysimage/rpm/Packages",
    }
)
# Not read on their own: an rpm SQLite write-ahead log left beside its database is reported
# (through `SourceFile.open_relative`) because the database then lacks recent changes.
SIDECAR_FILES: frozenset[str] = frozenset(
    {"var/lib/rpm/rpmdb.sqlite-wal", "usr/lib/sysimage/rpm/rpmdb.sqlite-wal"}
)
OS_FILES: frozenset[str] = osrelease.OS_FILES | DATABASE_FILES | SIDECAR_FILES


def reader_for(path: PurePosixPath | str) -> OsReader | None:
    """The reader of a package database at `path` (root-relative), or None."""
    posix = PurePosixPath(path)
    return next((reader for reader in OS_READERS if reader.matches(posix)), None)


def wants(path: PurePosixPath | str) -> bool:
    """Should an image walk read this root-relative path for OS detection or packages?"""
    text = str(path).lstrip("/")
    return text in OS_FILES or reader_for(text) is not None
