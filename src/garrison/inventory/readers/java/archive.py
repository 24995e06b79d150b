"""Java archives (.jar, .war, .ear): the Maven artifacts packaged inside.

Every `META-INF/maven/<group>/<artifact>/pom.properties` is a component (a shaded jar holds
several). Archives nested anywhere inside (WEB-INF/lib, BOOT-INF/lib, an EAR's modules) are
read the same way, three levels deep at most and within 512 MiB inflated in all. An archive
without pom.properties falls back to META-INF/MANIFEST.MF: Maven coordinates are then a
guess (`Bundle-SymbolicName` a.b.c -> `a.b:c`, or `Implementation-Vendor-Id:
Implementation-Title`), so such a component always comes with an UNMATCHED warning saying so;
a manifest with no usable name gives the warning alone. Components carry the outer file's
path (no line); warnings name nested archives as `outer.war!/WEB-INF/lib/inner.jar`.
direct and scope are None and there are no edges: an archive does not say who needs what.
A corrupt outer archive is a ReaderError; a corrupt nested one is a READER_FAILED warning.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from garrison.inventory.readers.base import ReaderError, ReadResult, ResultBuilder, SourceFile
from garrison.model import Gap

NAME = "Java archive"
ECOSYSTEM = "Maven"
MAX_BYTES = 256 * 1024 * 1024

_SUFFIXES = frozenset({".jar", ".war", ".ear"})
_MAX_DEPTH = 3
_MAX_INFLATED = 512 * 1024 * 1024
_MAX_METADATA = 1024 * 1024  # a pom.properties or MANIFEST.MF larger than this is not one
# zipfile raises NotImplementedError for a compression method it does not support.
_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, OSError,
           EOFError, ValueError, NotImplementedError, RuntimeError)  # fmt: skip


def matches(path: PurePosixPath) -> bool:
    return path.suffix.lower() in _SUFFIXES


@dataclass(slots=True)
class _Walk:
    """One read: the builder and the inflated-bytes budget shared by all nested archives."""

    builder: ResultBuilder
    budget: int = field(default_factory=lambda: _MAX_INFLATED)

    def inflate(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes, charged to the budget (zipfile never inflates past file_size)."""
        if info.file_size > self.budget:
            raise zipfile.LargeZipFile(f"over the limit of {_MAX_INFLATED} bytes inflated in all")
        self.budget -= info.file_size
        return archive.read(info)


def read(source: SourceFile) -> ReadResult:
    """The Maven artifacts in an archive and the archives nested in it."""
    walk = _Walk(ResultBuilder(source, ECOSYSTEM))
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        _read_archive(walk, archive, source.path, depth=1)
    except _ERRORS as exc:
        raise ReaderError(f"{source.path}: not a readable zip archive: {exc}") from None
    return walk.builder.result()


def _read_archive(walk: _Walk, archive: zipfile.ZipFile, label: str, depth: int) -> None:
    found, manifest, nested = False, None, []
    for info in archive.infolist():
        name = info.filename
        if name.startswith("/") or ".." in name.replace("\\", "/").split("/"):
            walk.builder.warn(f"{label}: member {name!r} refused (unsafe path)", Gap.SKIPPED)
            continue
        if not name or name.endswith("/"):
            continue  # a directory
        parts = name.split("/")
        if len(parts) == 5 and parts[:2] == ["META-INF", "maven"] and parts[4] == "pom.properties":
            _add_pom_properties(walk, archive, info, label)
            found = True
        elif name.upper() == "META-INF/MANIFEST.MF":
            manifest = info
        elif PurePosixPath(name).suffix.lower() in _SUFFIXES:
            nested.append(info)
    if not found and manifest is not None:
        _add_from_manifest(walk, _metadata(walk, archive, manifest), label)
    elif not found:
        walk.builder.warn(f"{label}: no Maven metadata or manifest; not reported", Gap.UNMATCHED)
    for info in nested:
        _read_nested(walk, archive, info, f"{label}!/{info.filename}", depth + 1)


def _read_nested(
    walk: _Walk, archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, depth: int
) -> None:
    if depth > _MAX_DEPTH:
        walk.builder.warn(f"{label}: nested more than {_MAX_DEPTH} deep; not read", Gap.SKIPPED)
        return
    try:
        inner = zipfile.ZipFile(io.BytesIO(walk.inflate(archive, info)))
        _read_archive(walk, inner, label, depth)
    except _ERRORS as exc:
        walk.builder.warn(f"{label}: not a readable zip archive: {exc}", Gap.READER_FAILED)


def _metadata(walk: _Walk, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    if info.file_size > _MAX_METADATA:
        return ""
    return walk.inflate(archive, info).decode("utf-8", errors="replace")


def _add_pom_properties(
    walk: _Walk, archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str
) -> None:
    """A component from META-INF/maven/<group>/<artifact>/pom.properties."""
    _, _, path_group, path_artifact, _ = info.filename.split("/")
    properties = _properties(_metadata(walk, archive, info))
    group = properties.get("groupId") or path_group
    artifact = properties.get("artifactId") or path_artifact
    version = properties.get("version") or None
    before = len(walk.builder.warnings)
    walk.builder.add(f"{group}:{artifact}", version)
    if len(walk.builder.warnings) > before:  # say where the version is missing
        walk.builder.warnings.pop()
        message = f"{group}:{artifact}: no version in {label}!/{info.filename}"
        walk.builder.warn(message, Gap.NO_VERSION)


def _properties(text: str) -> dict[str, str]:
    """Java .properties, as simple as pom.properties needs (key=value / key: value)."""
    result: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
        if cut > 0:
            result[line[:cut].strip()] = line[cut + 1 :].strip()
    return result


def _manifest(text: str) -> dict[str, str]:
    """The main section of a MANIFEST.MF (continuation lines joined)."""
    lines: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            break  # the main section ends at the first blank line
        if raw.startswith(" ") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    pairs = (line.partition(":") for line in lines)
    return {key.strip(): value.strip() for key, colon, value in pairs if colon}


def _add_from_manifest(walk: _Walk, text: str, label: str) -> None:
    """A component guessed from MANIFEST.MF, always with an UNMATCHED warning."""
    fields = _manifest(text)
    name = _guess_name(fields)
    shown = ", ".join(f"{k}: {v}" for k, v in fields.items() if k in _NAME_FIELDS)
    shown = shown or "no name fields"
    if name is None:
        message = f"{label}: no Maven metadata, and MANIFEST.MF names no artifact ({shown})"
        walk.builder.warn(message, Gap.UNMATCHED)
        return
    walk.builder.add(name, _manifest_version(fields))
    message = f"{label}: no Maven metadata; {name} is a guess from MANIFEST.MF ({shown})"
    walk.builder.warn(message, Gap.UNMATCHED)


def _manifest_version(fields: dict[str, str]) -> str | None:
    """Implementation-Version, else Bundle-Version; its first word ('1.4 1855 April 2006')."""
    for key in ("Implementation-Version", "Bundle-Version"):
        words = fields.get(key, "").split()
        if words:
            return words[0]
    return None


_NAME_FIELDS = ("Bundle-SymbolicName", "Implementation-Vendor-Id", "Implementation-Title")


def _guess_name(fields: dict[str, str]) -> str | None:
    """`group:artifact` from OSGi or JAR manifest fields, when they look like identifiers."""
    title = fields.get("Implementation-Title", "")
    group, hash_sign, rest = title.partition("#")  # Ivy's "group#artifact;version"
    if hash_sign and _identifier(group) and _identifier(rest.split(";")[0]):
        return f"{group}:{rest.split(';')[0]}"
    symbolic = fields.get("Bundle-SymbolicName", "").split(";")[0].strip()
    if _identifier(symbolic) and "." in symbolic:
        group, _, artifact = symbolic.rpartition(".")
        return f"{group}:{artifact}"
    vendor = fields.get("Implementation-Vendor-Id", "")
    if _identifier(vendor) and _identifier(title):
        return f"{vendor}:{title}"
    return None


def _identifier(text: str) -> bool:
    return bool(text) and not any(c in text for c in " \t${}%#;:,/") and text[0] != "."
