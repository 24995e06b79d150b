"""Which files the secret scanner reads, and how their bytes become text (pure).

`skip_by_name` and `skip_by_size` decide before a file is read; `decode` turns the bytes
into text (UTF-8 with or without a BOM, UTF-16/32 with a BOM, BOM-less UTF-16 recognised by
the NUL bytes of ASCII text) or says why the file is skipped (binary, minified). Invalid
bytes are replaced one character each, so lines and columns of the rest stay right.
"""

from __future__ import annotations

import codecs
import enum
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 8192  # NUL bytes in this head mean binary (unless it is UTF-16 text)
MINIFIED_MIN_BYTES = 10 * 1024
MINIFIED_LINE_CHARS = 1000  # average line length above which a JS/CSS file is minified

BINARY_SUFFIXES = frozenset({
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "heic",
    "avif", "mp3", "mp4", "m4a", "m4v", "wav", "ogg", "oga", "flac", "aac", "avi", "mov", "mkv",
    "webm", "wmv", "zip", "gz", "tgz", "bz2", "xz", "zst", "lz4", "7z", "rar", "tar", "jar",
    "war", "ear", "aar", "apk", "whl", "egg", "nupkg", "deb", "rpm", "dmg", "iso", "pyc", "pyo",
    "pyd", "so", "dll", "dylib", "exe", "o", "a", "lib", "obj", "class", "wasm", "bin", "ttf",
    "otf", "woff", "woff2", "eot", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt",
    "ods", "sqlite", "sqlite3", "db", "parquet", "avro", "npy", "npz", "pkl", "h5", "onnx", "pt",
})  # fmt: skip
MINIFIABLE_SUFFIXES = frozenset({"js", "mjs", "cjs", "css", "map"})
MINIFIED_NAMES = ("*.min.js", "*.min.mjs", "*.min.css", "*.min.js.map", "*.min.css.map")

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class SkipReason(enum.StrEnum):
    """Why a file was not scanned; the keys of a scan's `skipped` counts."""

    BINARY = "binary"
    MINIFIED = "minified"
    TOO_LARGE = "too-large"
    GITIGNORED = "gitignored"


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text. `invalid_line` is the first line holding bytes that were not valid
    in `encoding` (each replaced by U+FFFD), or None when all were valid."""

    text: str
    encoding: str
    invalid_line: int | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A file not scanned. `warning` is the text of the warning to report (never file
    content), or "" when the skip is by rule and only counted."""

    reason: SkipReason
    warning: str = ""


def _extension(path: str) -> str:
    """The last suffix of a path's name, lowercased, without the dot ("" for none)."""
    name = path.rpartition("/")[2]
    stem, dot, suffix = name.rpartition(".")
    return suffix.lower() if dot and stem.strip(".") else ""


def skip_by_name(path: str) -> Skip | None:
    """A skip decided by the file name alone (known binary formats, minified names)."""
    extension = _extension(path)
    if extension in BINARY_SUFFIXES:
        return Skip(SkipReason.BINARY)
    name = path.rpartition("/")[2].lower()
    if ".min." in name and any(fnmatch.fnmatchcase(name, p) for p in MINIFIED_NAMES):
        return Skip(SkipReason.MINIFIED)
    return None


def skip_by_size(size: int, max_bytes: int) -> Skip | None:
    """A file over the size limit: skipped with a warning naming the size."""
    if size <= max_bytes:
        return None
    return Skip(SkipReason.TOO_LARGE, f"{size} bytes, over the {max_bytes} byte limit; not scanned")


def is_minified(data: bytes, path: str) -> bool:
    """A JS/CSS/source-map file over 10 KB whose lines average over 1,000 characters.
    Other files with long lines (data, YAML, .env) are scanned: secrets hide there."""
    if len(data) <= MINIFIED_MIN_BYTES or _extension(path) not in MINIFIABLE_SUFFIXES:
        return False
    return len(data) / (data.count(b"\n") + 1) > MINIFIED_LINE_CHARS


def decode(data: bytes, path: str) -> Decoded | Skip:
    """The text of a file's bytes, or why it is skipped (binary, minified)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding)
    head = data[:SNIFF_BYTES]
    if b"\0" in head:
        utf16 = bomless_utf16(head)
        return Skip(SkipReason.BINARY) if utf16 is None else _decode(data, utf16)
    if is_minified(data, path):
        return Skip(SkipReason.MINIFIED)
    return _decode(data, "utf-8")


def bomless_utf16(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the head looks like mostly-ASCII UTF-16 text (a NUL
    in nearly every odd, or every even, byte and almost none in the others), else None."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 2:
        return None
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= 0.9 and even_nul <= 0.1:
        return "utf-16-le"
    if even_nul >= 0.9 and odd_nul <= 0.1:
        return "utf-16-be"
    return None


def _decode(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, errors="replace")
        return Decoded(text, encoding, _line_of(data, exc.start, encoding))


def _line_of(data: bytes, offset: int, encoding: str) -> int:
    """1-based line of a byte offset."""
    return data[:offset].decode(encoding, errors="replace").count("\n") + 1


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """The `--exclude GLOB` rule of the tree walk, for a path not found by walking (git
    history): a pattern matches the relative path, or the name of it or of any parent."""
    if not patterns:
        return False
    parts = PurePosixPath(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatchcase(text, pattern) for pattern in patterns for text in (*prefixes, *parts)
    )
