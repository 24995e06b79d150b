"""Writers for rpm's formats, so tests can build real-format databases from scratch.

`header_blob` writes a header the way rpm stores it in its database: an immutable region
tag (63) first whose trailer closes the data store, entries sorted by tag, INT32 data
aligned to 4. `sqlite_db`, `ndb_db` and `bdb_db` wrap blobs in the three storage formats.
"""

from __future__ import annotations

import sqlite3
import struct
import zlib
from collections.abc import Mapping, Sequence

NAME, VERSION, RELEASE, EPOCH, SUMMARY, LICENSE, ARCH, SOURCERPM = (
    1000, 1001, 1002, 1003, 1004, 1014, 1022, 1044,
)  # fmt: skip
PROVIDENAME = 1047
REGION = 63
INT32, STRING, BIN, STRING_ARRAY, I18NSTRING = 4, 6, 7, 8, 9

Value = str | int | list[str] | tuple[int, str]  # (type, text) forces a string type


def package(
    name: str,
    version: str,
    release: str,
    *,
    arch: str | None = "x86_64",
    epoch: int | None = None,
    sourcerpm: str | None = None,
    license: str | None = "MIT",
) -> bytes:
    """The header blob of an installed package, with the tags rpm itself always writes."""
    tags: dict[int, Value] = {
        NAME: name,
        VERSION: version,
        RELEASE: release,
        SUMMARY: (I18NSTRING, f"The {name} package"),
        PROVIDENAME: [name, f"{name}(x86-64)"],
    }
    if arch is not None:
        tags[ARCH] = arch
    if epoch is not None:
        tags[EPOCH] = epoch
    if sourcerpm is not None:
        tags[SOURCERPM] = sourcerpm
    if license is not None:
        tags[LICENSE] = license
    return header_blob(tags)


def header_blob(tags: Mapping[int, Value]) -> bytes:
    entries: list[tuple[int, int, int, int]] = []
    store = bytearray()
    for tag in sorted(tags):
        kind, payload, count, align = _encode(tags[tag])
        store.extend(b"\x00" * (-len(store) % align))
        entries.append((tag, kind, len(store), count))
        store.extend(payload)
    count = len(entries) + 1
    trailer = struct.pack(">iIiI", REGION, BIN, -count * 16, 16)
    entries.insert(0, (REGION, BIN, len(store), 16))
    store.extend(trailer)
    index = b"".join(struct.pack(">iIiI", *entry) for entry in entries)
    return struct.pack(">ii", count, len(store)) + index + bytes(store)


def _encode(value: Value) -> tuple[int, bytes, int, int]:
    if isinstance(value, tuple):
        kind, text = value
        return kind, text.encode() + b"\x00", 1, 1
    if isinstance(value, int):
        return INT32, struct.pack(">i", value), 1, 4
    if isinstance(value, list):
        return STRING_ARRAY, b"".join(v.encode() + b"\x00" for v in value), len(value), 1
    return STRING, value.encode() + b"\x00", 1, 1


# --- storage formats ---------------------------------------------------------------------


def sqlite_db(blobs: Sequence[bytes]) -> bytes:
    """An rpmdb.sqlite as rpm >= 4.16 creates it (Packages plus one index table)."""
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"
    )
    connection.execute("CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL)")
    for blob in blobs:
        connection.execute("INSERT INTO Packages (blob) VALUES (?)", (blob,))
    connection.commit()
    data = connection.serialize()
    connection.close()
    return data


def ndb_db(blobs: Sequence[bytes], *, slot_pages: int = 1) -> bytes:
    """A Packages.db (ndb): header, slot pages, then each blob in 16-byte blocks."""
    slots = bytearray()
    area = bytearray()
    first_block = slot_pages * 4096 // 16
    for index, blob in enumerate(blobs, 1):
        head = struct.pack("<4s3I", b"BlbS", index, 1_700_000_000, len(blob))
        blocks = -(-(16 + len(blob) + 12) // 16)
        padding = b"\x00" * (blocks * 16 - 16 - len(blob) - 12)
        checksum = zlib.adler32(head + blob + padding)
        tail = struct.pack("<2I4s", checksum, len(blob), b"BlbE")
        slots.extend(struct.pack("<4I", 0x746F6C53, index, first_block + len(area) // 16, blocks))
        area.extend(head + blob + padding + tail)
    free = slot_pages * 4096 - 32 - len(slots)
    slots.extend(struct.pack("<4I", 0x746F6C53, 0, 0, 0) * (free // 16))
    header = struct.pack("<4s4I", b"RpmP", 0, 7, slot_pages, len(blobs) + 1) + b"\x00" * 12
    return header + bytes(slots) + bytes(area)


def bdb_db(blobs: Sequence[bytes], *, page_size: int = 4096, order: str = "<") -> bytes:
    """A Berkeley DB hash `Packages`: meta page, one hash page, overflow chains."""
    pages: list[bytes] = []
    items: list[bytes] = []
    next_page = 2  # page 0: meta, page 1: the hash page
    for key, blob in enumerate(blobs, 1):
        chain = _overflow_pages(blob, next_page, page_size, order)
        items.append(b"\x01" + struct.pack(f"{order}I", key))  # H_KEYDATA, 4-byte key
        items.append(struct.pack(f"{order}B3x2I", 3, next_page, len(blob)))  # H_OFFPAGE
        pages.extend(chain)
        next_page += len(chain)
    last = next_page - 1
    meta = _page_header(0, 0, 0, 8, order, page_size)
    struct.pack_into(f"{order}3I", meta, 12, 0x00061561, 9, page_size)
    struct.pack_into(f"{order}I", meta, 32, last)
    return bytes(meta) + _hash_page(items, page_size, order) + b"".join(pages)


def _page_header(
    number: int, following: int, used: int, kind: int, order: str, size: int
) -> bytearray:
    page = bytearray(size)
    struct.pack_into(f"{order}I", page, 8, number)
    struct.pack_into(f"{order}I", page, 16, following)
    struct.pack_into(f"{order}H", page, 22, used)
    page[25] = kind
    return page


def _hash_page(items: Sequence[bytes], size: int, order: str) -> bytes:
    page = _page_header(1, 0, 0, 13, order, size)
    end = size
    offsets = []
    for item in items:
        end -= len(item)
        page[end : end + len(item)] = item
        offsets.append(end)
    struct.pack_into(f"{order}H", page, 20, len(items))
    struct.pack_into(f"{order}H", page, 22, end)
    struct.pack_into(f"{order}{len(offsets)}H", page, 26, *offsets)
    return bytes(page)


def _overflow_pages(blob: bytes, first: int, size: int, order: str) -> list[bytes]:
    room = size - 26
    chunks = [blob[i : i + room] for i in range(0, len(blob), room)] or [b""]
    pages = []
    for offset, chunk in enumerate(chunks):
        following = first + offset + 1 if offset + 1 < len(chunks) else 0
        page = _page_header(first + offset, following, len(chunk), 7, order, size)
        page[26 : 26 + len(chunk)] = chunk
        pages.append(bytes(page))
    return pages
