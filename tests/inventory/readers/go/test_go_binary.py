"""Go binaries: the build information Go >= 1.18 embeds, on synthetic executables.

No Go toolchain is assumed on the machine, so the executables are built here: an
executable-looking head, padding, then the build-info header and varint-prefixed strings
laid out exactly as the Go linker writes them.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.go import go_binary
from garrison.model import Gap, Location, ScanWarning
from tests.conftest import shared_path
from tests.inventory.readers.helpers import shared_file, source

ELF_HEAD = b"\x7fELF\x02\x01\x01" + bytes(57)
# The sentinels Go frames the module information with (runtime/debug, cmd/go).
INFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
INFO_END = bytes.fromhex("f932433186182072008242104116d8f2")

MODULE_INFO = (
    "path\texample.com/acme/tool/cmd/tool\n"
    "mod\texample.com/acme/tool\t(devel)\t\n"
    "dep\tgithub.com/spf13/cobra\tv1.8.0\th1:7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0=\n"
    "dep\tgolang.org/x/net\tv0.21.0\th1:AQyQV4dYCvJ7vGmJyKki9+PBdyvhkSd8EIx/qb0AYv4=\n"
    "=>\tgithub.com/acme/net\tv0.21.1\th1:abc=\n"
    "dep\texample.com/acme/shared\tv0.0.0\n"
    "=>\t../shared\t(devel)\t\n"
    "dep\texample.com/acme/workspace-mod\t(devel)\t\n"
    "dep\tgopkg.in/yaml.v3\tv3.0.1\th1:fxVm/GzAzEWqLHuvctI91KS9hhNmmWOoWu0XTYJS7CA=\n"
    "build\t-compiler=gc\n"
    "build\tGOOS=linux\n"
)


def varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def go_executable(
    go_version: str = "go1.22.4", info: str = MODULE_INFO, *, flags: int = 2, head: bytes = ELF_HEAD
) -> bytes:
    """An executable-shaped blob with Go build information in the >= 1.18 inline format."""
    framed = INFO_START + info.encode() + INFO_END if info else b""
    header = go_binary.MAGIC + bytes([8, flags]) + bytes(16)
    body = varint(len(go_version)) + go_version.encode() + varint(len(framed)) + framed
    padding = bytes(-len(head) % 16 + 64)
    return head + padding + header + body + bytes(128)


def read(data: bytes) -> ReadResult:
    return go_binary.read(source("bin/tool", data))


def test_never_matches_by_name_and_sniffs_executables() -> None:
    assert not go_binary.matches(PurePosixPath("bin/tool"))
    assert go_binary.MAX_BYTES == 256 * 1024 * 1024
    for head in (
        b"\x7fELF\x02\x01",
        b"MZ\x90\x00",
        b"\xcf\xfa\xed\xfe\x07\x00",
        b"\xfe\xed\xfa\xce",
    ):
        assert go_binary.sniff(head), head
    assert go_binary.sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x02")  # universal Mach-O, 2 arches
    assert not go_binary.sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x41")  # a Java class file
    for head in (b"#!/bin/sh\n", b"PK\x03\x04", b"", b"M"):
        assert not go_binary.sniff(head), head


def test_modules_and_stdlib() -> None:
    result = read(go_executable())
    assert [(c.ecosystem, c.name, c.version, c.purl, c.direct) for c in result.components] == [
        ("Go", "stdlib", "1.22.4", "pkg:golang/stdlib@1.22.4", None),
        ("Go", "github.com/spf13/cobra", "v1.8.0",
         "pkg:golang/github.com/spf13/cobra@v1.8.0", None),
        ("Go", "github.com/acme/net", "v0.21.1", "pkg:golang/github.com/acme/net@v0.21.1", None),
        ("Go", "gopkg.in/yaml.v3", "v3.0.1", "pkg:golang/gopkg.in/yaml.v3@v3.0.1", None),
    ]  # fmt: skip
    assert {c.location for c in result.components} == {Location("bin/tool", None)}
    assert result.dependencies == ()
    assert result.warnings == (
        ScanWarning(
            "bin/tool",
            "example.com/acme/shared v0.0.0: replaced by local directory ../shared"
            " (not inventoried)",
            Gap.NO_VERSION,
        ),
        ScanWarning(
            "bin/tool",
            "example.com/acme/workspace-mod: built from a local directory (not inventoried)",
            Gap.NO_VERSION,
        ),
    )


@pytest.mark.parametrize(
    "head",
    [b"MZ\x90\x00" + bytes(60), b"\xcf\xfa\xed\xfe" + bytes(60)],
)
def test_pe_and_mach_o_are_read_the_same_way(head: bytes) -> None:
    result = read(go_executable("go1.21.3", "path\tm\n", head=head))
    assert [(c.name, c.version) for c in result.components] == [("stdlib", "1.21.3")]


def test_binary_without_module_information_has_only_the_stdlib() -> None:
    result = read(go_executable("go1.24.3 X:boringcrypto", ""))
    assert [(c.name, c.version) for c in result.components] == [("stdlib", "1.24.3")]


def test_development_toolchain_has_no_stdlib_version() -> None:
    result = read(go_executable("devel go1.23-abcdef Tue Jan 2 2024", "path\tm\n"))
    assert [(c.name, c.version) for c in result.components] == [("stdlib", None)]
    assert [w.gap for w in result.warnings] == [Gap.NO_VERSION]


def test_pre_go_1_18_pointer_format_is_a_skipped_warning() -> None:
    result = read(go_executable(flags=0))
    assert result.components == ()
    assert result.warnings == (
        ScanWarning(
            "bin/tool", "built before Go 1.18: its build information is not read", Gap.SKIPPED
        ),
    )


def test_other_executables_and_junk_are_empty_results() -> None:
    assert read(ELF_HEAD + bytes(4096)) == ReadResult(())
    assert read(b"\x00\xff\xfe garbage") == ReadResult(())
    assert read(b"") == ReadResult(())
    # The magic with an implausible pointer size is not a header.
    assert read(ELF_HEAD + go_binary.MAGIC + bytes([3, 2]) + bytes(64)) == ReadResult(())


def test_magic_too_close_to_the_end_is_not_a_header() -> None:
    assert read(ELF_HEAD + go_binary.MAGIC + b"\x08\x02") == ReadResult(())


@pytest.mark.parametrize("cut", [20, 200, 400])
def test_truncated_build_information_is_a_reader_error(cut: int) -> None:
    data = go_executable()
    start = data.index(go_binary.MAGIC) + go_binary.HEADER_SIZE
    with pytest.raises(ReaderError, match=r"^bin/tool: Go build information is truncated"):
        read(data[: start + cut])


def test_invalid_utf8_in_build_information_is_a_reader_error() -> None:
    data = go_executable("go1.22.4", "path\tcaf\u00e9\n")
    with pytest.raises(ReaderError, match="not UTF-8"):
        read(data.replace("\u00e9".encode(), b"\xff\xfe"))  # same length: the varint holds


def test_every_sample_reads_or_fails_cleanly() -> None:
    """The shared samples are stand-ins (empty or text files): none is a Go binary."""
    directory = shared_path("fixtures", "lockfiles", "language", "golang", "gobinary")
    for path in sorted(directory.iterdir()):
        assert go_binary.read(shared_file(path)) == ReadResult(()), path
