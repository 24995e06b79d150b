"""Tiny readers for walk/collect tests (the real readers have their own tests)."""

from __future__ import annotations

from types import SimpleNamespace

from garrison.inventory.readers.base import ReaderError, ReadResult, ResultBuilder, SourceFile
from garrison.model import Gap


def _read_pins(source: SourceFile) -> ReadResult:
    """`name==version` per line; 'boom' raises ReaderError; 'crash' raises KeyError."""
    builder = ResultBuilder(source, "PyPI")
    for number, line in enumerate(source.text().splitlines(), start=1):
        if line == "boom":
            raise ReaderError(f"{source.path}: line {number}: cannot parse 'boom'")
        if line == "crash":
            raise KeyError("bug")
        if line.startswith("-r "):
            included = source.open_relative(line[3:])
            if included is None:
                builder.warn(f"include {line[3:]} not found", Gap.READER_FAILED, number)
                continue
            for extra in included.decode().splitlines():
                name, _, version = extra.partition("==")
                builder.add(name, version or None, line=None)
            continue
        name, _, version = line.partition("==")
        builder.add(name, version or None, line=number, direct=True)
    return builder.result()


PINS = SimpleNamespace(
    NAME="pins",
    ECOSYSTEM="PyPI",
    MAX_BYTES=1024 * 1024,
    matches=lambda path: path.name == "pins.txt",
    read=_read_pins,
)


def _is_binary(head: bytes) -> bool:
    return head.startswith(b"\x7fELF")


def _read_binary(source: SourceFile) -> ReadResult:
    builder = ResultBuilder(source, "Go")
    builder.add("example.com/mod", "v1.0.0")
    return builder.result()


BINARY = SimpleNamespace(
    NAME="fake-binary",
    ECOSYSTEM="Go",
    matches=lambda path: False,
    sniff=_is_binary,
    read=_read_binary,
)


READERS = (PINS, BINARY)
__all__ = ["BINARY", "PINS", "READERS"]
