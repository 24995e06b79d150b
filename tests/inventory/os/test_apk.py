"""apk installed database: origin as source package, licences, purls, malformed input."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.os import apk
from garrison.inventory.readers.base import ReaderError, SourceFile
from garrison.model import Component, Gap, Location
from tests.conftest import shared_path
from tests.inventory.os.helpers import ALPINE_319, WOLFI, data_source, rows

INSTALLED = "lib/apk/db/installed"
PURL = "pkg:apk/alpine/{}?arch=x86_64&distro=alpine-3.19.1"


def shared(name: str) -> SourceFile:
    data = shared_path("fixtures", "lockfiles", "os", "apk", name).read_bytes()
    return SourceFile(INSTALLED, data)


def test_matches() -> None:
    assert apk.matches(PurePosixPath("lib/apk/db/installed"))
    assert apk.matches(PurePosixPath("usr/lib/apk/db/installed"))
    assert not apk.matches(PurePosixPath("lib/apk/db/triggers"))
    assert not apk.matches(PurePosixPath("installed"))


def test_alpine_319() -> None:
    result = apk.read_apk(data_source("alpine319", "lib", "apk", "db", "installed"), ALPINE_319)
    assert rows(result) == [
        ("alpine-baselayout-data", "3.4.3-r2", "alpine-baselayout",
         PURL.format("alpine-baselayout-data@3.4.3-r2") + "&upstream=alpine-baselayout", 2),
        ("musl", "1.2.4_git20230717-r4", "musl", PURL.format("musl@1.2.4_git20230717-r4"), 24),
        ("busybox", "1.36.1-r15", "busybox", PURL.format("busybox@1.36.1-r15"), 46),
        ("busybox-binsh", "1.36.1-r15", "busybox",
         PURL.format("busybox-binsh@1.36.1-r15") + "&upstream=busybox", 67),
        ("ca-certificates-bundle", "20240226-r0", "ca-certificates",
         PURL.format("ca-certificates-bundle@20240226-r0") + "&upstream=ca-certificates", 87),
        ("libcrypto3", "3.1.4-r5", "openssl",
         PURL.format("libcrypto3@3.1.4-r5") + "&upstream=openssl", 107),
        ("libssl3", "3.1.4-r5", "openssl",
         PURL.format("libssl3@3.1.4-r5") + "&upstream=openssl", 128),
        ("zlib", "1.3.1-r0", "zlib", PURL.format("zlib@1.3.1-r0"), 149),
    ]  # fmt: skip
    assert result.warnings == ()
    assert result.components[4] == Component(
        ecosystem="Alpine:v3.19",
        name="ca-certificates-bundle",
        version="20240226-r0",
        purl=PURL.format("ca-certificates-bundle@20240226-r0") + "&upstream=ca-certificates",
        location=Location(INSTALLED, 87),
        licenses=("MPL-2.0 AND MIT",),
        bom_ref="ca-certificates-bundle@20240226-r0?arch=x86_64",
        source_package="ca-certificates",
    )


def test_wolfi() -> None:
    text = "P:glibc\nV:2.39-r1\nA:x86_64\nL:LGPL-2.1-or-later\no:glibc\n"
    result = apk.read_apk(SourceFile(INSTALLED, text.encode()), WOLFI)
    (component,) = result.components
    assert (component.ecosystem, component.purl) == (
        "Wolfi",
        "pkg:apk/wolfi/glibc@2.39-r1?arch=x86_64&distro=wolfi-20230201",
    )
    assert result.warnings == ()


def test_shared_installed() -> None:
    result = apk.read_apk(shared("installed"), ALPINE_319)
    assert [(c.name, c.version, c.source_package) for c in result.components] == [
        ("alpine-baselayout", "3.4.3-r1", "alpine-baselayout"),
        ("alpine-baselayout-data", "3.4.3-r1", "alpine-baselayout"),
        ("alpine-keys", "2.4-r1", "alpine-keys"),
        ("apk-tools", "2.14.0-r0", "apk-tools"),
        ("busybox", "1.36.0-r9", "busybox"),
        ("busybox-binsh", "1.36.0-r9", "busybox"),
        ("ca-certificates-bundle", "20230506-r0", "ca-certificates"),
        ("libc-utils", "0.7.2-r5", "libc-dev"),
        ("libcrypto3", "3.1.0-r4", "openssl"),
        ("libssl3", "3.1.0-r4", "openssl"),
        ("musl", "1.2.4-r0", "musl"),
        ("musl-utils", "1.2.4-r0", "musl"),
        ("scanelf", "1.3.7-r1", "pax-utils"),
        ("ssl_client", "1.36.0-r9", "busybox"),
        ("zlib", "1.2.13-r1", "zlib"),
    ]
    assert [c.location.line for c in result.components if c.location][:3] == [2, 118, 166]
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("single", [("alpine-baselayout-data", "3.4.3-r1", "alpine-baselayout", "x86_64")]),
        ("different-arch", [("alpine-baselayout-data", "3.4.3-r1", "alpine-baselayout", "noarch")]),
        ("no-origin", [("pkgname", "1.2.3", "pkgname", "x86_64")]),
        ("empty", []),
    ],
)
def test_shared_samples(name: str, expected: list[tuple[str, str, str, str]]) -> None:
    result = apk.read_apk(shared(name), ALPINE_319)
    found = [
        (c.name, c.version, c.source_package, (c.purl or "").split("arch=")[1].split("&")[0])
        for c in result.components
    ]
    assert found == expected
    assert result.warnings == ()


def test_shared_invalid_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match=r"installed: line 1: not a 'X:value' line"):
        apk.read_apk(shared("invalid"), ALPINE_319)


def test_bad_records_are_skipped_with_warnings() -> None:
    text = "P:a\nV:1\n\nV:2\nA:x86_64\n\nP:b\nnot a field\n\nP:c\n"
    result = apk.read_apk(SourceFile(INSTALLED, text.encode()), ALPINE_319)
    assert [(c.name, c.version) for c in result.components] == [("a", "1"), ("c", None)]
    assert [(w.line, w.gap, w.message) for w in result.warnings] == [
        (4, Gap.READER_FAILED, "line 4: a record without a P: (name) line; skipped"),
        (8, Gap.READER_FAILED, "line 8: not a 'X:value' line; record skipped"),
        (10, Gap.NO_VERSION, "line 10: c: no version"),
    ]


def test_without_os() -> None:
    result = apk.read_apk(SourceFile(INSTALLED, b"P:a\nV:1-r0\n"), None)
    assert [(c.ecosystem, c.purl) for c in result.components] == [
        ("Alpine", "pkg:apk/alpine/a@1-r0")
    ]
    assert [w.gap for w in result.warnings] == [Gap.UNMATCHED]


def test_binary_data_is_refused() -> None:
    with pytest.raises(ReaderError, match="binary data"):
        apk.read_apk(SourceFile(INSTALLED, b"P:a\x00\n"), ALPINE_319)
