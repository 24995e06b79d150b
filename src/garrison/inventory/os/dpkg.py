"""dpkg's database of installed packages: `var/lib/dpkg/status`, and the one-file-per-package
`var/lib/dpkg/status.d/<name>` that distroless images write instead.

Both are deb822 paragraphs separated by blank lines: `Field: value` lines, continuation lines
starting with a space or tab. A paragraph is a package whose files are on disk when its
`Status` (`want flag state`) has one of the states below: `install ok installed` as well as
`hold ok installed`, `deinstall ok installed` (marked for removal, still there) and the
half-way states after unpacking. `not-installed`, `config-files` and `half-installed` are
skipped. In `status.d`, where distroless omits `Status`, a paragraph without one is
installed; in `status` it is a malformed paragraph, reported and skipped.

Debian and Ubuntu advisories are keyed by the source package: `Source: openssl` or, when the
source version differs from the binary's (binNMUs), `Source: util-linux (2.38.1-5)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from garrison.inventory.os.common import DEB, Installed, PackageList
from garrison.inventory.os.osrelease import OsInfo
from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile

NAME = "dpkg"
MAX_BYTES = 256 * 1024 * 1024

# dpkg states in which the package's files are unpacked on disk.
_PRESENT = frozenset(
    {"installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending"}
)
_ABSENT = frozenset({"not-installed", "config-files", "half-installed"})
_SOURCE = re.compile(r"(?P<name>[^\s()]+)(?:\s*\((?P<version>[^\s()]+)\))?")
_FIELD_NAME = re.compile(r"[!-9;-~][!-9;-~]*")  # printable ASCII except ':' and space


def matches(path: PurePosixPath) -> bool:
    """`.../var/lib/dpkg/status` or `.../var/lib/dpkg/status.d/<package>`."""
    parts = path.parts
    if parts[-4:] == ("var", "lib", "dpkg", "status"):
        return True
    return parts[-5:-1] == ("var", "lib", "dpkg", "status.d") and not path.name.endswith(".md5sums")


@dataclass(slots=True)
class Paragraph:
    """One deb822 paragraph: field values (names lower-cased, first occurrence wins) and the
    line each field starts on."""

    start: int
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_line: int = 0


def read_dpkg(source: SourceFile, os: OsInfo | None) -> ReadResult:
    """Every installed package of a status file (or a status.d file)."""
    distroless = PurePosixPath(source.path).parent.name == "status.d"
    packages = PackageList(source, DEB, os)
    paragraphs = parse_paragraphs(source)
    for paragraph in paragraphs:
        if paragraph.error:
            packages.warn(f"{paragraph.error}; paragraph skipped", paragraph.error_line)
            continue
        package = _package(paragraph, packages, distroless=distroless)
        if package is not None:
            packages.add(package)
    if paragraphs and all(p.error for p in paragraphs):
        first = paragraphs[0]
        raise ReaderError(f"{source.path}: line {first.error_line}: {first.error}")
    return packages.result()


def _package(paragraph: Paragraph, packages: PackageList, *, distroless: bool) -> Installed | None:
    fields = paragraph.fields
    name = fields.get("package", "").strip()
    if not name:
        packages.warn("a paragraph without a Package field; skipped", paragraph.start)
        return None
    line = paragraph.lines["package"]
    if not _installed(fields.get("status"), name, line, packages, distroless=distroless):
        return None
    source_name, source_version = _source(fields.get("source", ""))
    return Installed(
        name=name,
        version=fields.get("version", "").strip() or None,
        line=line,
        arch=fields.get("architecture", "").strip() or None,
        source_name=source_name or name,
        source_version=source_version,
    )


def _installed(
    status: str | None, name: str, line: int, packages: PackageList, *, distroless: bool
) -> bool:
    if status is None:
        if not distroless:
            packages.warn(f"{name}: no Status field; skipped", line)
        return distroless
    words = status.split()
    if len(words) != 3 or words[2] not in _PRESENT | _ABSENT:
        packages.warn(f"{name}: unknown Status {status.strip()!r}; skipped", line)
        return False
    return words[2] in _PRESENT


def _source(value: str) -> tuple[str | None, str | None]:
    found = _SOURCE.fullmatch(value.strip())
    if not found:
        return None, None
    return found["name"], found["version"]


def parse_paragraphs(source: SourceFile) -> list[Paragraph]:
    """The file's paragraphs; a malformed one carries its `error` (binary data is refused)."""
    if b"\x00" in source.data:
        raise ReaderError(f"{source.path}: binary data, not a dpkg status file")
    text = source.data.decode("utf-8", errors="replace")
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = Paragraph(number)
            paragraphs.append(current)
        _add_line(current, line, number)
    return paragraphs


def _add_line(paragraph: Paragraph, line: str, number: int) -> None:
    if paragraph.error or line.startswith("#"):
        return
    if line[0] in " \t":
        if not paragraph.fields:
            paragraph.error, paragraph.error_line = "a continuation line starts it", number
        return
    name, colon, value = line.partition(":")
    if not colon or not _FIELD_NAME.fullmatch(name):
        paragraph.error, paragraph.error_line = "not a 'Field: value' line", number
        return
    key = name.lower()
    if key not in paragraph.fields:
        paragraph.fields[key] = value.strip()
        paragraph.lines[key] = number
