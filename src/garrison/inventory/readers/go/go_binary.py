"""Go executables (ELF, Mach-O, PE): the build information the linker embeds.

Since Go 1.18 a data section holds a 32-byte header starting with the magic
`\\xff Go buildinf:` (then the pointer size, and a flags byte whose value-2 bit means
"inline"), followed by two strings, each prefixed by its length as an unsigned varint: the
Go version (`go1.21.3`) and the module information, framed by two 16-byte sentinels, as
tab-separated lines: `path` (the main package), `mod` (the main module), `dep` (a module
compiled in), `=>` (the replacement of the `dep` line above it), `build` (build settings).

Reports each `dep` (replacement applied; direct unknown, so None) and `stdlib` at the Go
version. The main module is the binary itself, not a component. A dependency replaced by a
local directory, or built from one (a workspace module, version `(devel)`), is skipped with
a NO_VERSION warning. Binaries built before Go 1.18 hold pointers to the strings instead,
which would need each executable format's address map: they get a SKIPPED warning. A file
without the magic is not a Go binary: an empty result.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from garrison.inventory.readers.base import ReaderError, ReadResult, ResultBuilder, SourceFile
from garrison.inventory.readers.go.common import STDLIB, is_local_path, stdlib_version
from garrison.model import Gap

NAME = "Go binary"
ECOSYSTEM = "Go"
MAX_BYTES = 256 * 1024 * 1024

MAGIC = b"\xff Go buildinf:"
HEADER_SIZE = 32
FLAG_INLINE = 0x2
SENTINEL_SIZE = 16

_ELF = b"\x7fELF"
_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_FAT = b"\xca\xfe\xba\xbe"
_FAT_MAX_ARCHES = 45  # a Java class file has the same magic, then a version >= 45
_PE = b"MZ"
_DEVEL = "(devel)"  # the version Go gives a module built from a local directory


def matches(path: PurePosixPath) -> bool:
    """Binaries have no telltale name: `sniff` decides."""
    return False


def sniff(head: bytes) -> bool:
    """Is this the start of an executable (ELF, Mach-O, universal Mach-O or PE)?"""
    if head.startswith((_ELF, *_MACHO, _PE)):
        return True
    if head.startswith(_FAT) and len(head) >= 8:
        return 0 < int.from_bytes(head[4:8], "big") < _FAT_MAX_ARCHES
    return False


def read(source: SourceFile) -> ReadResult:
    """The modules and Go release compiled into a Go binary; empty for any other file."""
    data = source.data
    start = _find_header(data)
    if start < 0:
        return ReadResult(())
    builder = ResultBuilder(source, ECOSYSTEM)
    if not data[start + 15] & FLAG_INLINE:
        builder.warn("built before Go 1.18: its build information is not read", Gap.SKIPPED)
        return builder.result()
    go_version, offset = _varint_bytes(source, data, start + HEADER_SIZE)
    module_info, _ = _varint_bytes(source, data, offset)
    if not go_version:
        return ReadResult(())  # Go's own rule: no version, not a Go binary
    text = _decode(source, go_version)
    builder.add(STDLIB, None if text.startswith("devel") else stdlib_version(text))
    _add_modules(builder, _decode(source, _unframe(module_info)))
    return builder.result()


def _find_header(data: bytes) -> int:
    """The offset of the first plausible build-info header, or -1."""
    start = data.find(MAGIC)
    while start >= 0:
        if len(data) - start >= HEADER_SIZE and data[start + 14] in (4, 8):
            return start
        start = data.find(MAGIC, start + 1)
    return -1


def _varint_bytes(source: SourceFile, data: bytes, offset: int) -> tuple[bytes, int]:
    """Bytes prefixed by their unsigned-varint length; returns them and the offset after."""
    length = shift = 0
    while True:
        if offset >= len(data) or shift > 63:
            raise ReaderError(f"{source.path}: Go build information is truncated")
        byte = data[offset]
        offset += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    end = offset + length
    if end > len(data):
        raise ReaderError(f"{source.path}: Go build information is truncated")
    return data[offset:end], end


def _decode(source: SourceFile, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ReaderError(f"{source.path}: Go build information is not UTF-8") from None


def _unframe(module_info: bytes) -> bytes:
    """The module lines inside the sentinels (Go's own check), or nothing."""
    size = SENTINEL_SIZE
    if len(module_info) > 2 * size and module_info[-size - 1 : -size] == b"\n":
        return module_info[size:-size]
    return b""


def _add_modules(builder: ResultBuilder, text: str) -> None:
    """Each `dep` line, or the `=>` line replacing it."""
    pending: tuple[str, str] | None = None  # the last `dep` not yet added
    for line in text.splitlines():
        word, _, rest = line.partition("\t")
        fields = rest.split("\t")
        if word == "=>" and pending is not None:
            _add_replacement(builder, pending, fields)
            pending = None
            continue
        if pending is not None:
            _add_dep(builder, *pending)
            pending = None
        if word == "dep" and len(fields) >= 2:
            pending = (fields[0], fields[1])
    if pending is not None:
        _add_dep(builder, *pending)


def _add_dep(builder: ResultBuilder, path: str, version: str) -> None:
    if version == _DEVEL:  # a workspace module: built from a local directory
        builder.warn(f"{path}: built from a local directory (not inventoried)", Gap.NO_VERSION)
    else:
        builder.add(path, version or None)


def _add_replacement(builder: ResultBuilder, dep: tuple[str, str], fields: list[str]) -> None:
    path = fields[0]
    version = fields[1] if len(fields) > 1 else ""
    if is_local_path(path):
        builder.warn(
            f"{dep[0]} {dep[1]}: replaced by local directory {path} (not inventoried)",
            Gap.NO_VERSION,
        )
    else:
        _add_dep(builder, path, version)
