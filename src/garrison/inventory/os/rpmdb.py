"""The three storage formats of rpm's package database, each read from bytes into header blobs.

- SQLite `rpmdb.sqlite` (rpm >= 4.16: RHEL 9, Fedora 33+): table `Packages(hnum, blob)`.
  Opened in memory with `sqlite3.Connection.deserialize`, nothing written to disk; a WAL-mode
  file is switched to rollback mode in the copy (the in-memory VFS has no WAL), the schema
  must have `Packages` as a table, and a progress handler bounds the work a hostile file
  can cause.
- ndb `Packages.db` (rpm >= 4.16 on SUSE): a 32-byte header (`RpmP`, version 0, generation,
  slot page count), 16-byte slots (`Slot`, package index, block offset, block count) in the
  slot pages, and blobs in 16-byte blocks: head (`BlbS`, index, timestamp, length), the
  header blob, padding, tail (adler32, length, `BlbE`). All little-endian.
- Berkeley DB hash `Packages` (RHEL 7/8, CentOS, Amazon Linux 2): hash pages hold key/value
  item offsets; every package is an off-page value (`H_OFFPAGE`) whose bytes run through a
  chain of overflow pages.

Each reader returns the blobs it could read and the problems it met for the others (a
damaged slot or page loses one package, not the database); a file that is not the format
at all is a ReaderError.
"""

from __future__ import annotations

import sqlite3
import struct
import zlib

from garrison.inventory.readers.base import ReaderError

Records = list[tuple[int, bytes]]
Problems = list[str]

SQLITE_MAGIC = b"SQLite format 3\x00"
NDB_MAGIC = b"RpmP"
BDB_HASH_MAGIC = 0x00061561
_SQLITE_STEPS = 1000  # VM instructions between progress checks
_SQLITE_MAX_CHECKS = 500_000
_SQLITE_MAX_VALUE = 64 * 1024 * 1024  # no header blob comes near; bounds computed values


def kind_of(data: bytes) -> str | None:
    """'sqlite', 'ndb', 'bdb' or None, from the first bytes."""
    if data.startswith(SQLITE_MAGIC):
        return "sqlite"
    if data.startswith(NDB_MAGIC):
        return "ndb"
    if len(data) >= 16 and BDB_HASH_MAGIC in (
        struct.unpack_from("<I", data, 12)[0],
        struct.unpack_from(">I", data, 12)[0],
    ):
        return "bdb"
    return None


# --- SQLite ------------------------------------------------------------------------------


def sqlite_blobs(data: bytes) -> tuple[Records, Problems]:
    image = bytearray(data)
    if image[18:20] == b"\x02\x02":  # WAL mode: the in-memory copy must not look for a -wal
        image[18:20] = b"\x01\x01"
    connection = sqlite3.connect(":memory:")
    checks = 0

    def progress() -> int:
        nonlocal checks
        checks += 1
        return 1 if checks > _SQLITE_MAX_CHECKS else 0

    connection.text_factory = bytes  # text in a damaged file must not fail decoding
    try:
        connection.deserialize(bytes(image))
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _SQLITE_MAX_VALUE)
        connection.set_progress_handler(progress, _SQLITE_STEPS)
        connection.execute("PRAGMA trusted_schema = OFF")
        kind = connection.execute(
            "SELECT type FROM sqlite_master WHERE name = 'Packages'"
        ).fetchone()
        if kind != (b"table",):
            raise ReaderError("no Packages table: not an rpm SQLite database")
        query = "SELECT hnum, blob, typeof(blob) FROM Packages ORDER BY hnum"
        rows = connection.execute(query).fetchall()
    except sqlite3.Error as exc:
        raise ReaderError(f"unreadable SQLite rpm database: {exc}") from None
    except UnicodeDecodeError:  # SQLite's own message quoted undecodable bytes of the file
        raise ReaderError("unreadable SQLite rpm database: damaged schema") from None
    finally:
        connection.close()
    return _sqlite_rows(rows)


def _sqlite_rows(rows: list[tuple[object, object, object]]) -> tuple[Records, Problems]:
    records: Records = []
    problems: Problems = []
    for index, (hnum, blob, kind) in enumerate(rows, 1):
        key = hnum if isinstance(hnum, int) else index
        if kind == b"blob" and isinstance(blob, bytes):
            records.append((key, blob))
        else:
            problems.append(f"package {key}: its header is not a blob")
    return records, problems


# --- ndb ---------------------------------------------------------------------------------

_PAGE = 4096
_SLOT = struct.Struct("<4I")
_BLOB_HEAD = struct.Struct("<4s3I")
_BLOB_TAIL = struct.Struct("<2I4s")
_BLOCK = 16


def ndb_blobs(data: bytes) -> tuple[Records, Problems]:
    if len(data) < 32 or not data.startswith(NDB_MAGIC):
        raise ReaderError("not an rpm ndb database (no RpmP header)")
    version, _generation, pages = struct.unpack_from("<3I", data, 4)
    if version != 0:
        raise ReaderError(f"rpm ndb database version {version} is not supported")
    if pages < 1 or pages * _PAGE > len(data):
        raise ReaderError(f"rpm ndb database truncated ({pages} slot pages announced)")
    records: Records = []
    problems: Problems = []
    for offset in range(32, pages * _PAGE, _SLOT.size):
        magic, index, block, count = _SLOT.unpack_from(data, offset)
        if magic != 0x746F6C53:  # b"Slot"
            raise ReaderError(f"rpm ndb database: bad slot at byte {offset}")
        if block == 0:
            continue
        try:
            records.append((index, _ndb_blob(data, index, block, count, pages)))
        except ReaderError as exc:
            problems.append(f"package {index}: {exc}")
    return records, problems


def _ndb_blob(data: bytes, index: int, block: int, count: int, pages: int) -> bytes:
    start, end = block * _BLOCK, (block + count) * _BLOCK
    if not index or not count or block < pages * (_PAGE // _BLOCK) or end > len(data):
        raise ReaderError("slot points outside the database")
    magic, owner, _stamp, length = _BLOB_HEAD.unpack_from(data, start)
    if magic != b"BlbS" or owner != index:
        raise ReaderError("blob header damaged")
    if count != -(-(_BLOB_HEAD.size + length + _BLOB_TAIL.size) // _BLOCK):
        raise ReaderError("blob length does not fit its slot")
    checksum, tail_length, tail_magic = _BLOB_TAIL.unpack_from(data, end - _BLOB_TAIL.size)
    if tail_magic != b"BlbE" or tail_length != length:
        raise ReaderError("blob tail damaged")
    if zlib.adler32(data[start : end - _BLOB_TAIL.size]) != checksum:
        raise ReaderError("blob checksum mismatch")
    body = start + _BLOB_HEAD.size
    return data[body : body + length]


# --- Berkeley DB hash --------------------------------------------------------------------

_PAGE_HEADER = 26
_HASH_PAGES = (2, 13)  # P_HASH_UNSORTED, P_HASH
_OVERFLOW_PAGE = 7
_OFF_PAGE_ITEM = 3  # H_OFFPAGE


def bdb_blobs(data: bytes) -> tuple[Records, Problems]:
    order = _bdb_order(data)
    (page_size,) = struct.unpack_from(f"{order}I", data, 20)
    (last,) = struct.unpack_from(f"{order}I", data, 32)
    if page_size not in {512 << shift for shift in range(8)}:
        raise ReaderError(f"Berkeley DB page size {page_size} is not valid")
    problems: Problems = []
    available = len(data) // page_size - 1
    if last > available:
        problems.append(f"database truncated: {last} pages announced, {available} present")
        last = available
    records: Records = []
    for number in range(1, last + 1):
        page = data[number * page_size : (number + 1) * page_size]
        if page[25] not in _HASH_PAGES:
            continue
        for offset in _value_offsets(page, order, number, problems):
            try:
                records.append((len(records) + 1, _overflow(data, page, offset, order, last)))
            except ReaderError as exc:
                problems.append(f"page {number}: {exc}")
    return records, problems


def _bdb_order(data: bytes) -> str:
    if len(data) < 512:
        raise ReaderError("too short for a Berkeley DB database")
    for order in ("<", ">"):
        if struct.unpack_from(f"{order}I", data, 12)[0] == BDB_HASH_MAGIC:
            return order
    raise ReaderError("not a Berkeley DB hash database")


def _value_offsets(page: bytes, order: str, number: int, problems: Problems) -> list[int]:
    """Offsets of the page's off-page value items (keys and values alternate)."""
    (entries,) = struct.unpack_from(f"{order}H", page, 20)
    if entries % 2 or _PAGE_HEADER + 2 * entries > len(page):
        problems.append(f"page {number}: bad item count {entries}")
        return []
    offsets = struct.unpack_from(f"{order}{entries}H", page, _PAGE_HEADER)
    wanted = [o for o in offsets[1::2] if o + 12 <= len(page) and page[o] == _OFF_PAGE_ITEM]
    if any(o + 12 > len(page) for o in offsets[1::2]):
        problems.append(f"page {number}: item offset past the page")
    return wanted


def _overflow(data: bytes, page: bytes, offset: int, order: str, last: int) -> bytes:
    """The bytes of one off-page item, following its chain of overflow pages."""
    number, length = struct.unpack_from(f"{order}2I", page, offset + 4)
    page_size = len(page)
    chunks: list[bytes] = []
    seen: set[int] = set()
    while number:
        if number > last or number in seen:
            raise ReaderError(f"overflow chain broken at page {number}")
        seen.add(number)
        current = data[number * page_size : (number + 1) * page_size]
        if current[25] != _OVERFLOW_PAGE:
            raise ReaderError(f"page {number} is not an overflow page")
        (following,) = struct.unpack_from(f"{order}I", current, 16)
        (used,) = struct.unpack_from(f"{order}H", current, 22)
        end = page_size if following else min(page_size, _PAGE_HEADER + used)
        chunks.append(current[_PAGE_HEADER:end])
        number = following
    value = b"".join(chunks)
    if len(value) < length:
        raise ReaderError(f"off-page item truncated ({len(value)} of {length} bytes)")
    return value[:length]
