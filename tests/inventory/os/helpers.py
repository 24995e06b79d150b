"""Helpers for OS package tests: SourceFiles from tests/data/inventory/os, OsInfos, rows."""

from __future__ import annotations

from garrison.inventory.os.osrelease import OsInfo
from garrison.inventory.readers.base import ReadResult, SourceFile
from tests.conftest import DATA

DEBIAN_12 = OsInfo("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", "Debian:12")
UBUNTU_2204 = OsInfo(
    "ubuntu", "22.04", "jammy", "Ubuntu 22.04.4 LTS", "Ubuntu:22.04:LTS", ("debian",)
)
ALPINE_319 = OsInfo("alpine", "3.19.1", None, "Alpine Linux v3.19", "Alpine:v3.19")
WOLFI = OsInfo("wolfi", "20230201", None, "Wolfi", "Wolfi")
RHEL_9 = OsInfo(
    "rhel", "9.3", None, "Red Hat Enterprise Linux 9.3 (Plow)", "Red Hat:enterprise_linux:9"
)
FEDORA_39 = OsInfo("fedora", "39", None, "Fedora Linux 39 (Container Image)", None)

Row = tuple[str, str | None, str | None, str | None, int | None]


def data_source(*parts: str) -> SourceFile:
    """A file under tests/data/inventory/os/<fixture>/; its path is the root-relative rest."""
    path = DATA.joinpath("inventory", "os", *parts)
    return SourceFile("/".join(parts[1:]), path.read_bytes())


def rows(result: ReadResult) -> list[Row]:
    """(name, version, source package, purl, line) of each component."""
    return [
        (
            c.name,
            c.version,
            c.source_package,
            c.purl,
            c.location.line if c.location else None,
        )
        for c in result.components
    ]
