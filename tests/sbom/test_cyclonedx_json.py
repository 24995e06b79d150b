"""CycloneDX JSON reading, and read_sbom's parsing and dispatch."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from garrison.errors import SbomError
from garrison.model import Component, Gap, Location, ScanWarning
from garrison.sbom import (
    READERS,
    SbomContents,
    cyclonedx_json,
    cyclonedx_xml,
    read_sbom,
    spdx_json,
)

SBOM_DATA = Path(__file__).resolve().parents[1] / "data" / "sbom"


def read_case(case: str) -> SbomContents:
    return read_sbom((SBOM_DATA / case).read_bytes(), f"sbom/{case}")


def component(
    case: str,
    ecosystem: str,
    name: str,
    version: str | None,
    purl: str,
    bom_ref: str | None,
    licenses: tuple[str, ...] = (),
) -> Component:
    return Component(
        ecosystem=ecosystem,
        name=name,
        version=version,
        purl=purl,
        location=Location(f"sbom/{case}"),
        licenses=licenses,
        bom_ref=bom_ref,
    )


def document(spec_version: str, components: list[Any]) -> bytes:
    bom = {"bomFormat": "CycloneDX", "specVersion": spec_version, "components": components}
    return json.dumps(bom).encode()


@pytest.mark.parametrize(
    ("case", "schema"),
    [
        ("cyclonedx-1.4.json", SchemaVersion.V1_4),
        ("cyclonedx-1.5.json", SchemaVersion.V1_5),
        ("cyclonedx-1.6.json", SchemaVersion.V1_6),
        ("cyclonedx-no-purl.json", SchemaVersion.V1_5),
        ("cyclonedx-unknown-purl-type.json", SchemaVersion.V1_6),
    ],
)
def test_fixtures_are_schema_valid(case: str, schema: SchemaVersion) -> None:
    error = JsonStrictValidator(schema).validate_str((SBOM_DATA / case).read_text())
    assert error is None, getattr(error, "data", error)


def test_cyclonedx_1_6() -> None:
    case = "cyclonedx-1.6.json"
    contents = read_case(case)
    debian_purl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
    alpine_purl = "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.20.3"
    maven_purl = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"
    assert contents.format == "cyclonedx"
    assert contents.spec_version == "1.6"
    assert contents.components == (
        component(
            case, "PyPI", "requests", "2.31.0", "pkg:pypi/requests@2.31.0",
            "pkg:pypi/requests@2.31.0", ("Apache-2.0",),
        ),
        component(
            case, "npm", "@babel/core", "7.24.0", "pkg:npm/%40babel/core@7.24.0",
            "pkg:npm/%40babel/core@7.24.0", ("MIT",),
        ),
        component(
            case, "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", maven_purl,
            "log4j-core", ("Apache-2.0", "Apache Software License, Version 2.0"),
        ),
        component(
            case, "Go", "github.com/gorilla/mux", "v1.8.0",
            "pkg:golang/github.com/gorilla/mux@v1.8.0", "gorilla-mux",
        ),
        component(
            case, "npm", "shop-frontend", "3.2.0", "pkg:npm/shop-frontend@3.2.0", "frontend"
        ),
        component(
            case, "npm", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", "lodash", ("MIT",)
        ),
        component(
            case, "Debian:12", "openssl", "3.0.11-1~deb12u2", debian_purl, "openssl-deb"
        ),
        component(
            case, "Alpine:v3.20", "busybox", "1.36.1-r15", alpine_purl, "busybox-apk",
            ("GPL-2.0-only",),
        ),
        component(case, "PyPI", "urllib3", None, "pkg:pypi/urllib3", "urllib3"),
    )  # fmt: skip
    assert contents.warnings == (
        ScanWarning(
            f"sbom/{case}",
            "component 'urllib3' (bom-ref urllib3): no version; treated as version unknown",
            Gap.NO_VERSION,
        ),
    )


def test_cyclonedx_1_5() -> None:
    case = "cyclonedx-1.5.json"
    contents = read_case(case)
    rpm_purl = "pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64&epoch=1"
    ubuntu_purl = "pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15?arch=amd64&distro=ubuntu-22.04"
    assert (contents.format, contents.spec_version) == ("cyclonedx", "1.5")
    assert contents.components == (
        component(
            case, "Hex", "phoenix", "1.7.10", "pkg:hex/phoenix@1.7.10", "pkg:hex/phoenix@1.7.10"
        ),
        component(
            case, "Pub", "http", "1.2.0", "pkg:pub/http@1.2.0", "pkg:pub/http@1.2.0",
            ("BSD-3-Clause",),
        ),
        component(
            case, "Hackage", "aeson", "2.1.2.1", "pkg:hackage/aeson@2.1.2.1",
            "pkg:hackage/aeson@2.1.2.1",
        ),
        component(
            case, "CRAN", "jsonlite", "1.8.7", "pkg:cran/jsonlite@1.8.7",
            "pkg:cran/jsonlite@1.8.7", ("MIT OR Apache-2.0",),
        ),
        # No `version` field: the purl's version, with the rpm epoch qualifier applied.
        component(case, "Red Hat", "openssl", "1:3.0.7-27.el9", rpm_purl, "openssl-rpm"),
        component(
            case, "Ubuntu:22.04", "curl", "7.81.0-1ubuntu1.15", ubuntu_purl, "curl-ubuntu"
        ),
    )  # fmt: skip
    assert contents.warnings == ()


def test_cyclonedx_1_4() -> None:
    case = "cyclonedx-1.4.json"
    contents = read_case(case)
    assert (contents.format, contents.spec_version) == ("cyclonedx", "1.4")
    assert contents.components == (
        component(
            case, "crates.io", "serde", "1.0.188", "pkg:cargo/serde@1.0.188", "serde",
            ("MIT OR Apache-2.0",),
        ),
        component(case, "RubyGems", "rails", "7.0.4", "pkg:gem/rails@7.0.4", "rails", ("MIT",)),
        component(
            case, "NuGet", "Newtonsoft.Json", "12.0.3", "pkg:nuget/Newtonsoft.Json@12.0.3",
            "newtonsoft", ("MIT License",),
        ),
        component(
            case, "Packagist", "laravel/framework", "v10.48.4",
            "pkg:composer/laravel/framework@v10.48.4", "laravel",
        ),
    )  # fmt: skip
    assert contents.warnings == ()


def test_component_without_purl_is_a_warning() -> None:
    case = "cyclonedx-no-purl.json"
    contents = read_case(case)
    assert contents.components == (
        component(case, "PyPI", "flask", "2.2.2", "pkg:pypi/flask@2.2.2", "flask"),
    )
    assert contents.warnings == (
        ScanWarning(
            f"sbom/{case}",
            "component 'zlib' (bom-ref vendored-zlib): no purl; not matched",
            Gap.UNMATCHED,
        ),
    )


def test_unknown_purl_type_and_bad_purl_are_warnings() -> None:
    case = "cyclonedx-unknown-purl-type.json"
    contents = read_case(case)
    assert contents.components == (
        component(case, "PyPI", "jinja2", "3.1.2", "pkg:pypi/jinja2@3.1.2", None),
    )
    assert contents.warnings == (
        ScanWarning(
            f"sbom/{case}",
            "component 'checkout' (bom-ref checkout-action): "
            "purl type 'github' is not supported; not matched",
            Gap.UNMATCHED,
        ),
        ScanWarning(
            f"sbom/{case}",
            "component 'left-pad' (bom-ref broken): "
            "invalid purl 'npm:left-pad@1.3.0': no 'pkg:' scheme; not matched",
            Gap.UNMATCHED,
        ),
    )


def test_unknown_spec_version_is_an_error() -> None:
    with pytest.raises(SbomError) as raised:
        read_case("cyclonedx-unknown-spec.json")
    assert str(raised.value) == (
        "sbom/cyclonedx-unknown-spec.json: unsupported CycloneDX specVersion '1.3' "
        "(supported: 1.4, 1.5, 1.6, 1.7)"
    )


def test_malformed_json_is_an_error_with_position() -> None:
    with pytest.raises(SbomError) as raised:
        read_case("malformed.json")
    assert str(raised.value) == (
        "sbom/malformed.json: not valid JSON: line 5 column 25: "
        "Expecting property name enclosed in double quotes"
    )


@pytest.mark.parametrize(
    "data",
    [b"[]", b'"CycloneDX"', b'{"bomFormat": "SWID"}', b"{}", b'{"spdxVersion": 2.3}'],
)
def test_other_json_is_not_an_sbom(data: bytes) -> None:
    with pytest.raises(SbomError, match=r"^x\.json: not a CycloneDX or SPDX JSON document$"):
        read_sbom(data, "x.json")


def test_undecodable_bytes_are_an_error() -> None:
    with pytest.raises(SbomError, match=r"^x\.json: not valid JSON: "):
        read_sbom(b"\xff\xfe\x00", "x.json")


def test_absurdly_nested_json_is_an_error() -> None:
    with pytest.raises(SbomError, match=r"^x\.json: not valid JSON: nested too deeply$"):
        read_sbom(b"[" * 100_000 + b"]" * 100_000, "x.json")


def test_utf8_bom_is_accepted() -> None:
    contents = read_sbom(b"\xef\xbb\xbf" + document("1.6", []), "x.json")
    assert contents == SbomContents("cyclonedx", "1.6", (), ())


def test_registry_and_sniffing() -> None:
    assert (cyclonedx_json, spdx_json, cyclonedx_xml) == READERS
    assert [reader.NAME for reader in READERS] == ["cyclonedx", "spdx", "cyclonedx-xml"]
    assert [reader.SYNTAX for reader in READERS] == ["json", "json", "xml"]
    assert cyclonedx_json.matches({"bomFormat": "CycloneDX"})
    assert not cyclonedx_json.matches({"bomFormat": "cyclonedx"})
    assert not cyclonedx_json.matches({"spdxVersion": "SPDX-2.3"})
    assert not cyclonedx_json.matches(["CycloneDX"])


def test_deeply_nested_components_are_read_in_document_order() -> None:
    innermost: dict[str, Any] = {"name": "leaf", "version": "1", "purl": "pkg:npm/leaf@1"}
    nested = innermost
    for depth in range(5000):
        nested = {"name": f"n{depth}", "purl": f"pkg:npm/n{depth}@1", "components": [nested]}
    sibling = {"name": "last", "version": "2", "purl": "pkg:npm/last@2"}
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [nested, sibling]}
    contents = cyclonedx_json.read(bom, "deep.json")
    names = [c.name for c in contents.components]
    assert len(names) == 5002
    assert names[:2] == ["n4999", "n4998"]
    assert names[-2:] == ["leaf", "last"]


def test_version_field_wins_over_purl_version() -> None:
    bom = document("1.6", [{"name": "a", "version": "2.0", "purl": "pkg:pypi/a@1.0"}])
    (only,) = read_sbom(bom, "x.json").components
    assert only.version == "2.0"


def test_licence_choices_and_oddities() -> None:
    licenses = [
        {"license": {"id": "MIT"}},
        {"license": {"name": "Custom Licence"}},
        {"expression": "Apache-2.0 OR MIT"},
        {"license": {"id": "MIT"}},
        {"license": {}},
        "not an object",
    ]
    bom = document(
        "1.6", [{"name": "a", "version": "1", "purl": "pkg:cargo/a@1", "licenses": licenses}]
    )
    (only,) = read_sbom(bom, "x.json").components
    assert only.licenses == ("MIT", "Custom Licence", "Apache-2.0 OR MIT")


def test_non_package_kinds_without_purl_are_skipped_silently() -> None:
    entries = [
        {"type": "operating-system", "name": "alpine", "version": "3.20.3"},
        {"type": "file", "name": "/usr/bin/app"},
        {"type": "firmware", "name": "bios", "version": "1.0"},
    ]
    contents = read_sbom(document("1.6", entries), "x.json")
    assert contents.components == ()
    assert contents.warnings == (
        ScanWarning(
            "x.json",
            "component 'bios': no purl; not matched",
            Gap.UNMATCHED,
        ),
    )


def test_purl_that_is_not_a_string_is_a_warning() -> None:
    entries = [{"name": "odd", "bom-ref": "r1", "version": "1", "purl": 42}]
    contents = read_sbom(document("1.6", entries), "x.json")
    assert contents.warnings == (
        ScanWarning(
            "x.json",
            "component 'odd' (bom-ref r1): purl is not a string (int); not matched",
            Gap.UNMATCHED,
        ),
    )


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ({"name": "a"}, "x.json: 'components' is not a JSON array"),
        (["pkg:npm/a@1"], "x.json: a component is not a JSON object"),
        ([None], "x.json: a component is not a JSON object"),
    ],
)
def test_malformed_structure_is_an_error(components: Any, message: str) -> None:
    with pytest.raises(SbomError) as raised:
        read_sbom(document("1.6", components), "x.json")
    assert str(raised.value) == message


def test_missing_components_is_an_empty_sbom() -> None:
    data = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.4"}).encode()
    assert read_sbom(data, "x.json") == SbomContents("cyclonedx", "1.4", (), ())


def test_hundred_thousand_components_are_all_read() -> None:
    ecosystems = ("pypi", "npm", "cargo", "gem")
    entries = [
        {
            "bom-ref": f"ref-{index}",
            "type": "library",
            "name": f"package-{index}",
            "version": f"1.{index % 50}.0",
            "purl": f"pkg:{ecosystems[index % 4]}/package-{index}@1.{index % 50}.0",
            "licenses": [{"license": {"id": "MIT"}}],
        }
        for index in range(100_000)
    ]
    data = document("1.6", entries)
    contents = read_sbom(data, "big.json")
    assert len(contents.components) == 100_000
    assert contents.warnings == ()
    assert contents.components[99_999].purl == "pkg:gem/package-99999@1.49.0"
    # Speed is measured in bench/, not asserted here.


def test_garbage_collector_state_is_restored() -> None:
    assert gc.isenabled()
    read_case("cyclonedx-1.4.json")
    assert gc.isenabled()
    with pytest.raises(SbomError):
        read_case("malformed.json")
    assert gc.isenabled()
    gc.disable()
    try:
        read_case("cyclonedx-1.4.json")
        assert not gc.isenabled()
    finally:
        gc.enable()
