"""The RPM header blob parser: values, and every bound it checks."""

from __future__ import annotations

import random
import struct

import pytest

from garrison.inventory.os import rpmheader
from garrison.inventory.readers.base import ReaderError
from tests.inventory.os import rpmbuild


def test_values_of_a_real_format_header() -> None:
    blob = rpmbuild.package(
        "openssl-libs", "3.0.7", "27.el9", epoch=1, sourcerpm="openssl-3.0.7-27.el9.src.rpm"
    )
    assert rpmheader.parse(blob) == {
        rpmheader.NAME: "openssl-libs",
        rpmheader.VERSION: "3.0.7",
        rpmheader.RELEASE: "27.el9",
        rpmheader.EPOCH: 1,
        rpmheader.LICENSE: "MIT",
        rpmheader.ARCH: "x86_64",
        rpmheader.SOURCERPM: "openssl-3.0.7-27.el9.src.rpm",
    }


def test_string_array_and_i18n_give_their_first_string() -> None:
    blob = rpmbuild.header_blob(
        {rpmbuild.NAME: ["first", "second"], rpmbuild.VERSION: (rpmbuild.I18NSTRING, "1.0")}
    )
    assert rpmheader.parse(blob) == {rpmheader.NAME: "first", rpmheader.VERSION: "1.0"}


def test_accessors() -> None:
    values: dict[int, str | int] = {rpmheader.NAME: "a", rpmheader.EPOCH: 2, rpmheader.ARCH: ""}
    assert rpmheader.text(values, rpmheader.NAME) == "a"
    assert rpmheader.text(values, rpmheader.ARCH) is None
    assert rpmheader.text(values, rpmheader.EPOCH) is None
    assert rpmheader.number(values, rpmheader.EPOCH) == 2
    assert rpmheader.number(values, rpmheader.NAME) is None


def _blob(entries: list[tuple[int, int, int, int]], data: bytes) -> bytes:
    index = b"".join(struct.pack(">iIiI", *entry) for entry in entries)
    return struct.pack(">ii", len(entries), len(data)) + index + data


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"", "shorter than its 8-byte preamble"),
        (struct.pack(">ii", 0, 0), "counts out of range"),
        (struct.pack(">ii", -1, 10), "counts out of range"),
        (struct.pack(">ii", 70000, 10), "counts out of range"),
        (struct.pack(">ii", 1, 1 << 30), "counts out of range"),
        (struct.pack(">ii", 2, 100) + bytes(20), "truncated"),
        (_blob([(1000, 6, 5, 1)], b"abc\x00"), "offset 5 or count 1 out of range"),
        (_blob([(1000, 6, -1, 1)], b"abc\x00"), "out of range"),
        (_blob([(1000, 6, 0, 0)], b"abc\x00"), "count 0 out of range"),
        (_blob([(1000, 6, 0, 1)], b"abcd"), "string not terminated"),
        (_blob([(1003, 4, 2, 1)], b"\x00\x00\x00\x01"), "integer past the data store"),
        (_blob([(1000, 7, 0, 4)], b"\x00\x01\x02\x03"), "unexpected type 7"),
    ],
)
def test_malformed_blobs(blob: bytes, message: str) -> None:
    with pytest.raises(ReaderError, match=message):
        rpmheader.parse(blob)


def test_unwanted_tags_are_not_decoded() -> None:
    blob = _blob([(1000, 6, 0, 1), (5000, 7, 999, 1)], b"name\x00")
    assert rpmheader.parse(blob) == {rpmheader.NAME: "name"}


def test_first_occurrence_wins() -> None:
    blob = _blob([(1000, 6, 0, 1), (1000, 6, 2, 1)], b"a\x00b\x00")
    assert rpmheader.parse(blob) == {rpmheader.NAME: "a"}


def test_truncations_and_bit_flips_never_escape_as_other_errors() -> None:
    blob = rpmbuild.package("bash", "5.1.8", "9.el9", epoch=3, sourcerpm="bash-5.1.8.src.rpm")
    rng = random.Random(20261129)
    variants = [blob[:cut] for cut in range(len(blob))]
    for _ in range(2000):
        mutated = bytearray(blob)
        for _ in range(rng.randint(1, 6)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        variants.append(bytes(mutated))
    for variant in variants:
        try:
            values = rpmheader.parse(variant)
        except ReaderError:
            continue
        assert all(isinstance(value, str | int) for value in values.values())
