"""dpkg status and distroless status.d: installed states, Source, purls, malformed input."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.os import dpkg
from garrison.inventory.os.osrelease import OsInfo
from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile
from garrison.model import Component, Gap, Location, ScanWarning
from tests.conftest import shared_path
from tests.inventory.os.helpers import DEBIAN_12, UBUNTU_2204, data_source, rows

STATUS = "var/lib/dpkg/status"
PURL = "pkg:deb/debian/{}?arch={}&distro=debian-12"


def read(text: str, os: OsInfo | None = DEBIAN_12) -> ReadResult:
    return dpkg.read_dpkg(SourceFile(STATUS, text.encode()), os)


def shared(name: str, path: str = STATUS) -> SourceFile:
    data = shared_path("fixtures", "lockfiles", "os", "dpkg", "dpkg", name).read_bytes()
    return SourceFile(path, data)


def test_matches() -> None:
    assert dpkg.matches(PurePosixPath("var/lib/dpkg/status"))
    assert dpkg.matches(PurePosixPath("rootfs/var/lib/dpkg/status"))
    assert dpkg.matches(PurePosixPath("var/lib/dpkg/status.d/libssl3"))
    assert not dpkg.matches(PurePosixPath("var/lib/dpkg/status.d/libssl3.md5sums"))
    assert not dpkg.matches(PurePosixPath("var/lib/dpkg/status-old"))
    assert not dpkg.matches(PurePosixPath("var/lib/dpkg/available"))
    assert not dpkg.matches(PurePosixPath("status"))


def test_debian_12_status() -> None:
    result = dpkg.read_dpkg(data_source("debian12", "var", "lib", "dpkg", "status"), DEBIAN_12)
    assert rows(result) == [
        (
            "base-files",
            "12.4+deb12u5",
            "base-files",
            PURL.format("base-files@12.4%2Bdeb12u5", "amd64"),
            1,
        ),
        ("libc6", "2.36-9+deb12u7", "glibc", PURL.format("libc6@2.36-9%2Bdeb12u7", "amd64")
         + "&upstream=glibc", 23),
        ("libc6", "2.36-9+deb12u7", "glibc", PURL.format("libc6@2.36-9%2Bdeb12u7", "i386")
         + "&upstream=glibc", 45),
        ("libssl3", "3.0.11-1~deb12u2", "openssl", PURL.format("libssl3@3.0.11-1~deb12u2", "amd64")
         + "&upstream=openssl", 61),
        ("libblkid1", "2.38.1-5+b1", "util-linux", PURL.format("libblkid1@2.38.1-5%2Bb1", "amd64")
         + "&upstream=util-linux%402.38.1-5", 80),
        ("tzdata", "2024a-0+deb12u1", "tzdata", PURL.format("tzdata@2024a-0%2Bdeb12u1", "all"), 96),
    ]  # fmt: skip
    assert result.warnings == ()
    assert result.dependencies == ()
    first = result.components[0]
    assert first == Component(
        ecosystem="Debian:12",
        name="base-files",
        version="12.4+deb12u5",
        purl=PURL.format("base-files@12.4%2Bdeb12u5", "amd64"),
        location=Location(STATUS, 1),
        bom_ref="base-files@12.4+deb12u5?arch=amd64",
        source_package="base-files",
    )
    assert len({c.bom_ref for c in result.components}) == 6


def test_ubuntu_purls_and_ecosystem() -> None:
    text = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
    text += "Source: openssl\nVersion: 3.0.2-0ubuntu1.15\n"
    result = dpkg.read_dpkg(SourceFile(STATUS, text.encode()), UBUNTU_2204)
    (component,) = result.components
    assert component.ecosystem == "Ubuntu:22.04:LTS"
    assert component.purl == (
        "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04&upstream=openssl"
    )


def test_distroless_status_d() -> None:
    found = [
        dpkg.read_dpkg(data_source("distroless", "var", "lib", "dpkg", "status.d", name), DEBIAN_12)
        for name in ("base-files", "libssl3", "tzdata")
    ]
    assert [rows(result) for result in found] == [
        [("base-files", "12.4+deb12u5", "base-files",
          PURL.format("base-files@12.4%2Bdeb12u5", "amd64"), 1)],
        [("libssl3", "3.0.11-1~deb12u2", "openssl",
          PURL.format("libssl3@3.0.11-1~deb12u2", "amd64") + "&upstream=openssl", 1)],
        [("tzdata", "2024a-0+deb12u1", "tzdata",
          PURL.format("tzdata@2024a-0%2Bdeb12u1", "all"), 1)],
    ]  # fmt: skip
    assert all(result.warnings == () for result in found)
    assert found[1].components[0].location == Location("var/lib/dpkg/status.d/libssl3", 1)


def test_without_os_falls_back_to_debian_with_a_warning() -> None:
    result = read("Package: a\nStatus: install ok installed\nVersion: 1.0\n", os=None)
    (component,) = result.components
    assert (component.ecosystem, component.purl) == ("Debian", "pkg:deb/debian/a@1.0")
    (warning,) = result.warnings
    assert warning.gap is Gap.UNMATCHED
    assert warning.message.startswith("the operating system was not identified")


def test_shared_valid() -> None:
    result = dpkg.read_dpkg(shared("valid"), DEBIAN_12)
    assert [(n, v, s, line) for n, v, s, _, line in rows(result)] == [
        ("accountsservice", "22.08.8-6", "accountsservice", 1),
        ("acl", "2.3.1-3", "acl", 19),
        ("adduser", "3.131", "adduser", 35),
        ("admin-session", "2023.06.26.c543406313-00", "admin-session", 75),
        ("attr", "1:2.5.1-4", "attr", 87),
        ("libacl1", "2.3.1-3", "acl", 104),
        ("util-linux-extra", "2.38.1-5+b1", "util-linux", 120),
    ]
    assert result.components[4].purl == "pkg:deb/debian/attr@1:2.5.1-4?arch=amd64&distro=debian-12"
    assert result.warnings == ()


def test_shared_status_field() -> None:
    result = dpkg.read_dpkg(shared("statusfield"), DEBIAN_12)
    assert [c.name for c in result.components] == [
        "wantinstall_installed",
        "wantdeinstall_installed",
        "wantinstall_unpacked",
        "wantpurge_installed",
    ]
    assert result.warnings == (
        ScanWarning(
            STATUS, "line 25: wantnostatus: no Status field; skipped", Gap.READER_FAILED, 25
        ),
    )


def test_shared_no_package_and_no_version() -> None:
    result = dpkg.read_dpkg(shared("nopackage"), DEBIAN_12)
    assert [c.name for c in result.components] == ["foo", "bar"]
    assert [(w.line, w.gap) for w in result.warnings] == [(5, Gap.READER_FAILED)]
    assert "without a Package field" in result.warnings[0].message
    result = dpkg.read_dpkg(shared("noversion"), DEBIAN_12)
    assert [(c.name, c.version) for c in result.components] == [
        ("foo", "1.0"),
        ("acl", None),
        ("bar", "2.0"),
    ]
    assert result.components[1].purl == "pkg:deb/debian/acl?arch=amd64&distro=debian-12"
    assert [(w.message, w.gap) for w in result.warnings] == [
        ("line 5: acl: no version", Gap.NO_VERSION)
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("single", [("acl", "2.3.1-3", "acl")]),
        ("trailingnewlines", [("acl", "2.3.1-3", "acl")]),
        ("transitional", [("iceweasel", "78.13.0esr-1~deb10u1", "firefox-esr")]),
        ("transitional_dummy", [("git-core", "1:2.14.2-1", "git")]),
        ("transitional_empty", [("runit-systemd", "2.1.2-54+usrmerge", "runit")]),
        ("empty", []),
    ],
)
def test_shared_samples(name: str, expected: list[tuple[str, str, str]]) -> None:
    result = dpkg.read_dpkg(shared(name), DEBIAN_12)
    assert [(c.name, c.version, c.source_package) for c in result.components] == expected
    assert result.warnings == ()


def test_shared_status_d_sample() -> None:
    source = shared("status.d/foo", "var/lib/dpkg/status.d/foo")
    result = dpkg.read_dpkg(source, DEBIAN_12)
    assert rows(result) == [("foo", "1.2.3", "foo", PURL.format("foo@1.2.3", "amd64"), 1)]
    assert result.warnings == ()


def test_shared_invalid_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match=r"status: line 1: not a 'Field: value' line"):
        dpkg.read_dpkg(shared("invalid"), DEBIAN_12)


def test_malformed_paragraph_is_skipped_with_a_warning() -> None:
    text = (
        "Package: good\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: broken\nthis line has no colon\nVersion: 2\n\n"
        " continuation first\n\n"
        "Package: weird\nStatus: install ok\nVersion: 3\n\n"
        "Package: later\nStatus: install ok installed\nVersion: 4\n"
    )
    result = read(text)
    assert [c.name for c in result.components] == ["good", "later"]
    assert [(w.line, w.message) for w in result.warnings] == [
        (6, "line 6: not a 'Field: value' line; paragraph skipped"),
        (9, "line 9: a continuation line starts it; paragraph skipped"),
        (11, "line 11: weird: unknown Status 'install ok'; skipped"),
    ]


def test_fields_are_case_insensitive_first_wins_and_crlf() -> None:
    text = "package: a\r\nSTATUS: install ok installed\r\nversion: 1.0\r\nVersion: 2.0\r\n"
    assert [(c.name, c.version) for c in read(text).components] == [("a", "1.0")]


def test_source_with_odd_value_falls_back_to_the_binary_name() -> None:
    text = "Package: a\nStatus: install ok installed\nVersion: 1\nSource: two words here\n"
    assert read(text).components[0].source_package == "a"


def test_binary_and_non_utf8() -> None:
    with pytest.raises(ReaderError, match="binary data"):
        dpkg.read_dpkg(SourceFile(STATUS, b"Package: a\x00\n"), DEBIAN_12)
    latin1 = "Package: a\nStatus: install ok installed\nVersion: 1\nMaintainer: Jos\xe9\n"
    result = dpkg.read_dpkg(SourceFile(STATUS, latin1.encode("latin-1")), DEBIAN_12)
    assert [c.name for c in result.components] == ["a"]
