"""apk's database of installed packages: `lib/apk/db/installed` (Alpine, Wolfi, Chainguard).

Records are separated by blank lines; each line is `X:value` with a one-letter key. Read here:
`P` name, `V` version, `A` architecture, `o` origin (the source package, which Alpine's
advisories are keyed by), `L` licence. The many file lines (`F`, `R`, `Z`, `a`, `M`...) are
skipped. A record without `o` is its own origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from garrison.inventory.os.common import APK, Installed, PackageList
from garrison.inventory.os.osrelease import OsInfo
from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile

NAME = "apk"
MAX_BYTES = 256 * 1024 * 1024
_WANTED = frozenset("PVAoL")


def matches(path: PurePosixPath) -> bool:
    """`.../lib/apk/db/installed` (also under `usr/`)."""
    return path.parts[-4:] == ("lib", "apk", "db", "installed")


@dataclass(slots=True)
class _Record:
    start: int
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    error: str | None = None
    error_line: int = 0


def read_apk(source: SourceFile, os: OsInfo | None) -> ReadResult:
    """Every package of an apk installed database."""
    records = _parse(source)
    packages = PackageList(source, APK, os)
    for record in records:
        if record.error:
            packages.warn(f"{record.error}; record skipped", record.error_line)
            continue
        package = _package(record)
        if package is None:
            packages.warn("a record without a P: (name) line; skipped", record.start)
        else:
            packages.add(package)
    if records and all(r.error for r in records):
        first = records[0]
        raise ReaderError(f"{source.path}: line {first.error_line}: {first.error}")
    return packages.result()


def _package(record: _Record) -> Installed | None:
    fields = {key: value.strip() for key, (value, _) in record.fields.items()}
    name = fields.get("P")
    if not name:
        return None
    licence = fields.get("L")
    return Installed(
        name=name,
        version=fields.get("V") or None,
        line=record.fields["P"][1],
        arch=fields.get("A") or None,
        source_name=fields.get("o") or name,
        licenses=(licence,) if licence else (),
    )


def _parse(source: SourceFile) -> list[_Record]:
    if b"\x00" in source.data:
        raise ReaderError(f"{source.path}: binary data, not an apk installed database")
    text = source.data.decode("utf-8", errors="replace")
    records: list[_Record] = []
    current: _Record | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = _Record(number)
            records.append(current)
        if current.error:
            continue
        if len(line) < 2 or line[1] != ":" or line[0].isspace():
            current.error, current.error_line = "not a 'X:value' line", number
        elif line[0] in _WANTED and line[0] not in current.fields:
            current.fields[line[0]] = (line[2:], number)
    return records
