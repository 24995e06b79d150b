"""The RPM header blob, as every rpm database stores one per installed package.

    il: int32 BE         number of index entries
    dl: int32 BE         size of the data store
    il x 16 bytes        entries: tag, type, offset (into the data store), count; all BE
    dl bytes             the data store

Only the tags garrison needs are decoded (strings and the 32-bit epoch); every offset and
length is checked against the blob, so a malformed or hostile blob is a ReaderError and
never an out-of-range read. The limits are rpm's own (`hdrblobVerifyInfo`).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

from garrison.inventory.readers.base import ReaderError

NAME = 1000
VERSION = 1001
RELEASE = 1002
EPOCH = 1003
LICENSE = 1014
ARCH = 1022
SOURCERPM = 1044
WANTED = frozenset({NAME, VERSION, RELEASE, EPOCH, LICENSE, ARCH, SOURCERPM})

# Entry types.
INT32 = 4
STRING = 6
STRING_ARRAY = 8
I18NSTRING = 9
_STRINGS = frozenset({STRING, STRING_ARRAY, I18NSTRING})

MAX_ENTRIES = 0xFFFF
MAX_DATA = 256 * 1024 * 1024
_ENTRY = struct.Struct(">iIiI")
_COUNTS = struct.Struct(">ii")


def parse(blob: bytes, wanted: frozenset[int] = WANTED) -> dict[int, str | int]:
    """The values of the `wanted` tags present in a header blob (first occurrence wins).

    Strings are the first string of a string-array or i18n entry; INT32 entries give their
    first value. Raises ReaderError (message without a path) for a malformed blob.
    """
    if len(blob) < _COUNTS.size:
        raise ReaderError("header blob shorter than its 8-byte preamble")
    entries, size = _COUNTS.unpack_from(blob)
    if not 0 < entries <= MAX_ENTRIES or not 0 <= size <= MAX_DATA:
        raise ReaderError(f"header blob counts out of range ({entries} entries, {size} bytes)")
    store = _COUNTS.size + entries * _ENTRY.size
    if store + size > len(blob):
        raise ReaderError(f"header blob truncated ({len(blob)} of {store + size} bytes)")
    data = blob[store : store + size]
    values: dict[int, str | int] = {}
    for index in range(entries):
        tag, kind, offset, count = _ENTRY.unpack_from(blob, _COUNTS.size + index * _ENTRY.size)
        if tag in wanted and tag not in values:
            values[tag] = _value(data, tag, kind, offset, count)
    return values


def _value(data: bytes, tag: int, kind: int, offset: int, count: int) -> str | int:
    if not 0 <= offset < len(data) or count < 1:
        raise ReaderError(f"header tag {tag}: offset {offset} or count {count} out of range")
    if kind in _STRINGS:
        end = data.find(b"\x00", offset)
        if end < 0:
            raise ReaderError(f"header tag {tag}: string not terminated")
        return data[offset:end].decode("utf-8", errors="replace")
    if kind == INT32:
        if offset + 4 > len(data):
            raise ReaderError(f"header tag {tag}: integer past the data store")
        value: int = struct.unpack_from(">i", data, offset)[0]
        return value
    raise ReaderError(f"header tag {tag}: unexpected type {kind}")


def text(values: Mapping[int, str | int], tag: int) -> str | None:
    """A string tag's value, or None when absent, empty or not a string."""
    value = values.get(tag)
    return value if isinstance(value, str) and value else None


def number(values: Mapping[int, str | int], tag: int) -> int | None:
    value = values.get(tag)
    return value if isinstance(value, int) else None
