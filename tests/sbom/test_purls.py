"""Package URL parsing, and purl -> OSV ecosystem mapping."""

from __future__ import annotations

import pytest
from packageurl import PackageURL

from garrison import ecosystems
from garrison.errors import SbomError
from garrison.model import Component, Location
from garrison.sbom import purls
from garrison.sbom.purls import Identity, Purl, component_from_purl, identify, parse_purl


@pytest.mark.parametrize(
    ("purl", "ecosystem", "name", "version"),
    [
        ("pkg:pypi/requests@2.31.0", "PyPI", "requests", "2.31.0"),
        ("pkg:pypi/Django_Rest@3.14.0", "PyPI", "Django_Rest", "3.14.0"),
        ("pkg:npm/lodash@4.17.21", "npm", "lodash", "4.17.21"),
        ("pkg:npm/%40babel/core@7.24.0", "npm", "@babel/core", "7.24.0"),
        ("pkg:npm/@babel/core@7.24.0", "npm", "@babel/core", "7.24.0"),
        ("pkg:npm/@babel/core", "npm", "@babel/core", None),
        ("pkg:npm/babel/core@7.24.0", "npm", "@babel/core", "7.24.0"),
        ("pkg:cargo/serde@1.0.188", "crates.io", "serde", "1.0.188"),
        ("pkg:golang/github.com/gorilla/mux@v1.8.0", "Go", "github.com/gorilla/mux", "v1.8.0"),
        ("pkg:golang/golang.org/x/net@v0.17.0", "Go", "golang.org/x/net", "v0.17.0"),
        ("pkg:golang/stdlib@1.21.3", "Go", "stdlib", "1.21.3"),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
        ),
        ("pkg:gem/rails@7.0.4", "RubyGems", "rails", "7.0.4"),
        ("pkg:nuget/Newtonsoft.Json@12.0.3", "NuGet", "Newtonsoft.Json", "12.0.3"),
        ("pkg:composer/laravel/framework@v10.48.4", "Packagist", "laravel/framework", "v10.48.4"),
        ("pkg:pub/http@1.2.0", "Pub", "http", "1.2.0"),
        ("pkg:hackage/aeson@2.1.2.1", "Hackage", "aeson", "2.1.2.1"),
        ("pkg:cran/jsonlite@1.8.7", "CRAN", "jsonlite", "1.8.7"),
        ("pkg:hex/phoenix@1.7.10", "Hex", "phoenix", "1.7.10"),
        ("pkg:hex/acme/private_lib@0.1.0", "Hex", "private_lib", "0.1.0"),
        (
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            "Debian:12",
            "openssl",
            "3.0.11-1~deb12u2",
        ),
        ("pkg:deb/debian/curl@7.88.1-10?distro=debian-12.5", "Debian:12", "curl", "7.88.1-10"),
        ("pkg:deb/debian/curl@7.50.3-1?distro=jessie", "Debian", "curl", "7.50.3-1"),
        ("pkg:deb/debian/curl@7.50.3-1", "Debian", "curl", "7.50.3-1"),
        (
            "pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15?arch=amd64&distro=ubuntu-22.04",
            "Ubuntu:22.04",
            "curl",
            "7.81.0-1ubuntu1.15",
        ),
        ("pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15", "Ubuntu", "curl", "7.81.0-1ubuntu1.15"),
        (
            "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.20.3",
            "Alpine:v3.20",
            "busybox",
            "1.36.1-r15",
        ),
        ("pkg:apk/alpine/musl@1.2.5-r0?distro=alpine-3.20", "Alpine:v3.20", "musl", "1.2.5-r0"),
        ("pkg:apk/alpine/musl@1.2.5-r0", "Alpine", "musl", "1.2.5-r0"),
        ("pkg:apk/wolfi/glibc@2.40-r3", "Wolfi", "glibc", "2.40-r3"),
        ("pkg:apk/chainguard/glibc@2.40-r3", "Chainguard", "glibc", "2.40-r3"),
        (
            "pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64",
            "Red Hat",
            "openssl",
            "3.0.7-27.el9",
        ),
        (
            "pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64&epoch=1",
            "Red Hat",
            "openssl",
            "1:3.0.7-27.el9",
        ),
        ("pkg:rpm/rocky/bash@5.1.8-9.el9", "Rocky Linux", "bash", "5.1.8-9.el9"),
        ("pkg:rpm/almalinux/bash@5.1.8-9.el9", "AlmaLinux", "bash", "5.1.8-9.el9"),
        ("pkg:rpm/opensuse/bash@5.2.15-3.1", "openSUSE", "bash", "5.2.15-3.1"),
        ("pkg:rpm/suse/bash@4.4-150400.25.22", "SUSE", "bash", "4.4-150400.25.22"),
    ],
)
def test_ecosystem_mapping(purl: str, ecosystem: str, name: str, version: str | None) -> None:
    assert identify(purl) == Identity(ecosystem, name, version)
    # Every ecosystem produced is one the rest of garrison knows.
    assert ecosystems.base(ecosystem) == ecosystem.split(":")[0]


def test_every_supported_type_is_covered() -> None:
    expected = {
        "pypi", "npm", "cargo", "golang", "maven", "gem", "nuget", "composer", "pub",
        "hackage", "cran", "hex", "deb", "apk", "rpm",
    }  # fmt: skip
    assert expected == purls.SUPPORTED_TYPES


@pytest.mark.parametrize(
    ("purl", "reason"),
    [
        ("pkg:github/actions/checkout@v4", "purl type 'github' is not supported"),
        ("pkg:generic/openssl@3.0.0", "purl type 'generic' is not supported"),
        ("npm:left-pad@1.3.0", "invalid purl 'npm:left-pad@1.3.0': no 'pkg:' scheme"),
        ("left-pad", "invalid purl 'left-pad': no 'pkg:' scheme"),
        ("pkg:", "invalid purl 'pkg:': bad or missing type"),
        ("pkg:9x/name@1", "invalid purl 'pkg:9x/name@1': bad or missing type"),
        ("pkg:npm", "invalid purl 'pkg:npm': no name"),
        ("pkg:maven/log4j-core@2.14.1", "maven purl for 'log4j-core' has no namespace (group id)"),
        (
            "pkg:composer/framework@10.0.0",
            "composer purl for 'framework' has no namespace (vendor)",
        ),
        ("pkg:deb/kali/curl@1.0", "deb purl namespace 'kali' is not supported"),
        ("pkg:deb/curl@1.0", "deb purl for 'curl' has no namespace (distribution)"),
        ("pkg:rpm/fedora/bash@5.2", "rpm purl namespace 'fedora' is not supported"),
        ("pkg:apk/postmarketos/foo@1", "apk purl namespace 'postmarketos' is not supported"),
    ],
)
def test_unusable_purls(purl: str, reason: str) -> None:
    with pytest.raises(SbomError) as raised:
        identify(purl)
    assert str(raised.value) == reason


def test_parse_all_parts() -> None:
    purl = (
        "pkg:maven/org.example/my%20lib@1.0%2Bbuild"
        "?Classifier=sources&type=jar&empty=#src/./main/../java"
    )
    assert parse_purl(purl) == Purl(
        type="maven",
        namespace="org.example",
        name="my lib",
        version="1.0+build",
        qualifiers={"classifier": "sources", "type": "jar"},
        subpath="src/main/java",
    )


def test_parse_is_lenient_about_slashes_case_and_space() -> None:
    assert parse_purl("  PKG://PyPI//requests/@2.0  ") == Purl(
        "pypi", None, "requests", "2.0", {}, None
    )


def test_npm_scope_without_version_is_not_a_version() -> None:
    assert parse_purl("pkg:npm/@types/node") == Purl("npm", "@types", "node", None, {}, None)
    assert parse_purl("pkg:npm/@types/node@20.1.0").version == "20.1.0"


def test_a_plus_is_not_a_space() -> None:
    assert parse_purl("pkg:pypi/a@1.0+local").version == "1.0+local"


CORPUS = [
    "pkg:npm/%40angular/core@16.0.0",
    "pkg:npm/lodash@4.17.21?foo=bar#dist",
    "pkg:golang/github.com/gorilla/mux@v1.8.0",
    "pkg:golang/google.golang.org/genproto/googleapis/api@v0.0.0-20240123012728-ef4313101c80",
    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar&classifier=sources",
    "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
    "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.20.3",
    "pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64&epoch=1",
    "pkg:composer/laravel/framework@v10.48.4",
    "pkg:cargo/serde@1.0.188",
    "pkg:nuget/Newtonsoft.Json@12.0.3",
    "pkg:pypi/requests@2.31.0%2Blocal",
    "pkg:gem/rails@7.0.4#lib/rails",
    "pkg:hackage/aeson@2.1.2.1",
    "pkg:github/package-url/purl-spec@244fd47e07d1004",
]


@pytest.mark.parametrize("purl", CORPUS)
def test_parser_agrees_with_packageurl(purl: str) -> None:
    reference = PackageURL.from_string(purl)
    ours = parse_purl(purl)
    assert ours == Purl(
        reference.type,
        reference.namespace or None,
        reference.name,
        reference.version,
        dict(reference.qualifiers),
        reference.subpath or None,
    )


def test_component_from_purl() -> None:
    built = component_from_purl(
        "pkg:npm/%40babel/core@7.24.0",
        version=None,
        source="sbom.json",
        licenses=("MIT",),
        bom_ref="babel",
    )
    assert built == Component(
        "npm", "@babel/core", "7.24.0", "pkg:npm/%40babel/core@7.24.0", Location("sbom.json"),
        ("MIT",), "babel",
    )  # fmt: skip


def test_component_version_wins_over_purl_version() -> None:
    built = component_from_purl(
        "pkg:pypi/a@1.0", version="2.0", source="s", licenses=(), bom_ref=None
    )
    assert (built.version, built.purl) == ("2.0", "pkg:pypi/a@1.0")


def test_component_without_any_version() -> None:
    built = component_from_purl("pkg:pypi/a", version=None, source="s", licenses=(), bom_ref=None)
    assert built.version is None


def test_component_from_bad_purl_raises() -> None:
    with pytest.raises(SbomError, match=r"^purl type 'github' is not supported$"):
        component_from_purl("pkg:github/a/b@1", version="1", source="s", licenses=(), bom_ref=None)


def test_results_and_failures_are_cached() -> None:
    purls._identify.cache_clear()
    for _ in range(3):
        identify("pkg:pypi/cached@1")
        with pytest.raises(SbomError):
            identify("pkg:github/a/b@1")
    info = purls._identify.cache_info()
    assert (info.hits, info.misses) == (4, 2)


def test_the_source_package_comes_back_from_the_upstream_qualifier() -> None:
    from garrison.sbom.purls import component_from_purl, source_package

    deb = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl"
    assert source_package(deb) == "openssl"
    assert source_package("pkg:deb/debian/zlib1g@1:1.2.13?upstream=zlib%401%3A1.2.13") == "zlib"
    assert (
        source_package("pkg:rpm/redhat/openssl-libs@3.0.7?upstream=openssl-3.0.7-27.el9.src.rpm")
        == "openssl"
    )
    assert source_package("pkg:deb/debian/bash@5.2") is None  # the same as its name
    assert source_package("pkg:pypi/six@1.0?upstream=x") is None
    component = component_from_purl(deb, version=None, source="s.json", licenses=(), bom_ref=None)
    assert (component.name, component.source_package) == ("libssl3", "openssl")
