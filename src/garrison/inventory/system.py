"""What only a whole system has: its OS, its OS package databases, and end of life.

Shared by container images and `--rootfs` directories: the caller feeds the files that
`os_packages.wants()` selects, then `finish()` detects the OS, reads the package databases
with the release-qualified ecosystem, and checks the release's end of support.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import PurePosixPath

from garrison.inventory import os as os_packages
from garrison.inventory.collect import Assembler, read_source
from garrison.inventory.os.eol import eol_check, load_eol
from garrison.inventory.readers.base import ReadResult, SourceFile
from garrison.model import Finding, ScanWarning

MAX_OS_FILE_BYTES = 256 * 1024 * 1024


@dataclass
class SystemFiles:
    """OS detection files and package databases, kept until the OS is known."""

    files: dict[str, bytes] = field(default_factory=dict)

    def wants(self, path: PurePosixPath) -> bool:
        return os_packages.wants(path)

    def add(self, path: PurePosixPath, data: bytes) -> None:
        self.files[path.as_posix()] = data

    def finish(self, assembler: Assembler, today: date) -> tuple[Finding, ...]:
        """Add OS packages to `assembler`; the end-of-life finding (if any) is returned."""
        info = os_packages.detect(self.files)  # readers warn themselves when it is None
        databases = [path for path in sorted(self.files) if os_packages.reader_for(path)]
        for path in databases:
            reader = os_packages.reader_for(path)
            if reader is not None:
                source = SourceFile(path, self.files[path])
                read = partial(_read_with_os, reader, info)
                assembler.add(path, read_source(reader.name, read, source))
        if info is None:
            return ()
        verdict = eol_check(info, load_eol(), today)
        if isinstance(verdict, ScanWarning):
            assembler.warnings.append(verdict)
            return ()
        return () if verdict is None else (verdict,)


def _read_with_os(
    reader: os_packages.OsReader, info: os_packages.OsInfo | None, source: SourceFile
) -> ReadResult:
    return reader.read(source, info)
