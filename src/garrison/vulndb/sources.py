"""Read OSV entries from an export archive, a directory or single files (I/O module).

Yields each raw document with a label naming where it came from ("PyPI/all.zip:PYSEC-1.json").
A bad member or file is yielded as a Problem and the walk goes on; an archive that cannot be
read at all (truncated, not a zip) raises AdvisoryError, so the caller can keep the old data.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from garrison.errors import AdvisoryError
from garrison.yamlsafe import StrictLoader

MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_ARCHIVE_BYTES = 8 * 1024 * 1024 * 1024
_SUFFIXES = (".json", ".yaml", ".yml")
_SKIP_DIRS = frozenset({".git", ".github", "node_modules", "__pycache__"})


@dataclass(frozen=True, slots=True)
class RawEntry:
    source: str
    document: Any
    data: bytes


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    message: str


Item = RawEntry | Problem


def iter_source(path: Path) -> Iterator[Item]:
    """Every entry under `path`: an export root, an all.zip, a directory or one file."""
    if not path.exists():
        raise AdvisoryError(f"{path}: no such file or directory")
    if path.is_dir():
        yield from _iter_directory(path)
    elif zipfile.is_zipfile(path) or path.suffix == ".zip":
        yield from iter_zip(path, str(path))
    else:
        yield from _iter_file(path, str(path))


def _iter_directory(root: Path) -> Iterator[Item]:
    archives = sorted(root.glob("*/all.zip")) or sorted(root.glob("all.zip"))
    if archives:
        for archive in archives:
            yield from iter_zip(archive, str(archive))
        return
    for path in sorted(_walk(root)):
        yield from _iter_file(path, str(path))


def _walk(root: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            if name.endswith(_SUFFIXES):
                yield Path(current) / name


def _iter_file(path: Path, label: str) -> Iterator[Item]:
    try:
        size = path.stat().st_size
        if size > MAX_MEMBER_BYTES:
            yield Problem(label, f"larger than the {MAX_MEMBER_BYTES} byte limit; skipped")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(label, f"cannot read: {exc.strerror or exc}")
        return
    yield from decode(data, label)


def iter_zip(path: Path, label: str) -> Iterator[Item]:
    """Entries of one zip archive, refusing unsafe names and members that inflate too far."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise AdvisoryError(f"{label}: not a readable zip archive ({exc})") from None
    with archive:
        total = 0
        for info in archive.infolist():
            member = f"{label}:{info.filename}"
            if info.is_dir():
                continue
            unsafe = _unsafe_name(info.filename)
            if unsafe:
                yield Problem(member, unsafe)
                continue
            if not info.filename.endswith(_SUFFIXES):
                continue
            data = _read_member(archive, info, member)
            if isinstance(data, Problem):
                yield data
                continue
            total += len(data)
            if total > MAX_ARCHIVE_BYTES:
                raise AdvisoryError(f"{label}: inflates past {MAX_ARCHIVE_BYTES} bytes; refused")
            yield from decode(data, member)


def _unsafe_name(name: str) -> str | None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts:
        return f"unsafe member name {name!r} (absolute or '..'); skipped"
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> bytes | Problem:
    if info.file_size > MAX_MEMBER_BYTES:
        return Problem(member, f"declares {info.file_size} bytes, over the member limit; skipped")
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise AdvisoryError(f"{member}: archive is damaged or truncated ({exc})") from None
    if len(data) > MAX_MEMBER_BYTES:
        return Problem(member, f"inflates past the {MAX_MEMBER_BYTES} byte member limit; skipped")
    return data


def decode(data: bytes, label: str) -> Iterator[Item]:
    """Parse JSON or YAML bytes into one or more entry documents."""
    try:
        if label.endswith((".yaml", ".yml")):
            document = yaml.load(data, Loader=StrictLoader)
        else:
            document = json.loads(data)
    except json.JSONDecodeError as exc:
        yield Problem(label, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        yield Problem(label, f"malformed YAML{where}: {getattr(exc, 'problem', exc)}")
        return
    except UnicodeDecodeError as exc:
        yield Problem(label, f"not UTF-8 text ({exc.reason})")
        return
    is_json = not label.endswith((".yaml", ".yml"))
    documents = document if isinstance(document, list) else [document]
    for index, item in enumerate(documents):
        name = f"{label}[{index}]" if isinstance(document, list) else label
        keep_bytes = is_json and len(documents) == 1
        yield RawEntry(name, item, data if keep_bytes else json.dumps(item).encode())
