"""Components without a purl, identified from the fields syft, trivy and garrison write."""

from __future__ import annotations

import json
from typing import Any

import pytest

from garrison.model import Gap, ScanWarning
from garrison.sbom import SbomContents, read_sbom
from garrison.sbom.fields import (
    SYFT_ECOSYSTEMS,
    TRIVY_ECOSYSTEMS,
    Fields,
    ecosystem_of,
    is_aggregate,
    properties_of,
    purl_from_fields,
)
from garrison.sbom.purls import build_purl


def cyclonedx(*components: dict[str, Any]) -> SbomContents:
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": list(components)}
    return read_sbom(json.dumps(bom).encode(), "bom.json")


def entry(name: str, version: str | None, *properties: tuple[str, str], **extra: Any) -> Any:
    found: dict[str, Any] = {"type": "library", "name": name, **extra}
    if version is not None:
        found["version"] = version
    found["properties"] = [{"name": key, "value": value} for key, value in properties]
    return found


def syft(package_type: str) -> tuple[str, str]:
    return ("syft:package:type", package_type)


def trivy(package_type: str) -> tuple[str, str]:
    return ("aquasecurity:trivy:PkgType", package_type)


@pytest.mark.parametrize(
    ("package_type", "name", "purl"),
    [
        ("python", "requests", "pkg:pypi/requests@1.0"),
        ("npm", "@babel/core", "pkg:npm/%40babel/core@1.0"),
        ("go-module", "github.com/gorilla/mux", "pkg:golang/github.com/gorilla/mux@1.0"),
        ("rust-crate", "serde", "pkg:cargo/serde@1.0"),
        ("gem", "rails", "pkg:gem/rails@1.0"),
        ("php-composer", "laravel/framework", "pkg:composer/laravel/framework@1.0"),
        ("dotnet", "Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json@1.0"),
        ("dart-pub", "http", "pkg:pub/http@1.0"),
        ("hex", "phoenix", "pkg:hex/phoenix@1.0"),
        ("deb", "openssl", "pkg:deb/debian/openssl@1.0"),
        ("apk", "busybox", "pkg:apk/alpine/busybox@1.0"),
    ],
)
def test_syft_package_types(package_type: str, name: str, purl: str) -> None:
    contents = cyclonedx(entry(name, "1.0", syft(package_type), bom_ref="r"))
    (only,) = contents.components
    assert (only.ecosystem.partition(":")[0], only.name, only.version, only.purl) == (
        SYFT_ECOSYSTEMS[package_type], name, "1.0", purl,
    )  # fmt: skip
    assert contents.warnings == ()


@pytest.mark.parametrize(
    ("package_type", "ecosystem"),
    sorted(TRIVY_ECOSYSTEMS.items()),
)
def test_trivy_package_types(package_type: str, ecosystem: str) -> None:
    group = "org.example" if ecosystem == "Maven" else "acme" if ecosystem == "Packagist" else None
    fields = Fields("widget", "2.0", group, {"aquasecurity:trivy:PkgType": package_type})
    assert ecosystem_of(fields.properties) == ecosystem
    purl = purl_from_fields(fields)
    assert purl is not None
    (only,) = cyclonedx(entry("widget", "2.0", trivy(package_type), group=group)).components
    assert (only.ecosystem, only.purl) == (ecosystem, purl)


def test_trivy_npm_scope_in_group() -> None:
    (only,) = cyclonedx(
        entry("helper-string-parser", "7.24.1", trivy("npm"), group="@babel")
    ).components
    assert (only.name, only.purl) == (
        "@babel/helper-string-parser",
        "pkg:npm/%40babel/helper-string-parser@7.24.1",
    )


def test_npm_group_without_at_sign_is_a_scope() -> None:
    fields = Fields("core", "1", "babel", {"syft:package:type": "npm"})
    assert purl_from_fields(fields) == "pkg:npm/%40babel/core@1"


@pytest.mark.parametrize(
    ("extra", "properties"),
    [
        ({"group": "org.example"}, ()),
        ({}, (("syft:metadata:-:groupID", "org.example"),)),  # syft 1.x
        ({}, (("syft:metadata:pomGroupID", "org.example"),)),
        ({"group": "org.example"}, (("syft:metadata:-:artifactID", "demo-lib"),)),
    ],
)
def test_syft_java_archive_group_id(
    extra: dict[str, Any], properties: tuple[tuple[str, str], ...]
) -> None:
    component = entry("demo-lib", "1.2.3", syft("java-archive"), *properties, **extra)
    (only,) = cyclonedx(component).components
    assert (only.ecosystem, only.name, only.purl) == (
        "Maven", "org.example:demo-lib", "pkg:maven/org.example/demo-lib@1.2.3",
    )  # fmt: skip


def test_java_archive_without_group_id_is_a_warning() -> None:
    contents = cyclonedx(entry("demo-lib", "1.2.3", syft("java-archive"), **{"bom-ref": "j"}))
    assert contents.components == ()
    assert contents.warnings == (
        ScanWarning(
            "bom.json",
            "component 'demo-lib' (bom-ref j): maven purl for 'demo-lib' has no namespace "
            "(group id); not matched",
            Gap.UNMATCHED,
        ),
    )


def test_composer_vendor_in_group() -> None:
    fields = Fields("monolog", "3.5.0", "monolog", {"aquasecurity:trivy:PkgType": "composer"})
    assert purl_from_fields(fields) == "pkg:composer/monolog/monolog@3.5.0"


def test_rpm_is_red_hat_and_built_as_build_purl_builds_it() -> None:
    fields = Fields("openssl", "3.0.7", None, {"syft:package:type": "rpm"})
    assert ecosystem_of(fields.properties) == "Red Hat"
    assert purl_from_fields(fields) == build_purl("Red Hat", "openssl", "3.0.7")


def test_garrison_ecosystem_property() -> None:
    (only,) = cyclonedx(entry("left-pad", "1.3.0", ("garrison:ecosystem", "npm"))).components
    assert only.purl == "pkg:npm/left-pad@1.3.0"


def test_without_version_the_component_is_version_unknown() -> None:
    contents = cyclonedx(entry("requests", None, syft("python")))
    (only,) = contents.components
    assert (only.purl, only.version) == ("pkg:pypi/requests", None)
    assert [w.gap for w in contents.warnings] == [Gap.NO_VERSION]


@pytest.mark.parametrize(
    "properties",
    [
        (),
        (syft("binary"),),  # a type with no registry
        (trivy("conda-pkg"),),
        (("syft:package:language", "python"),),  # language alone is not a registry
    ],
)
def test_unidentified_component_stays_a_warning(properties: tuple[tuple[str, str], ...]) -> None:
    contents = cyclonedx(
        entry("thing", "1.0", *properties, cpe="cpe:2.3:a:x:thing:1.0:*:*:*:*:*:*:*")
    )
    assert contents.components == ()
    assert contents.warnings == (
        ScanWarning("bom.json", "component 'thing': no purl; not matched", Gap.UNMATCHED),
    )


def test_a_purl_wins_over_fields() -> None:
    (only,) = cyclonedx(
        entry("requests", "2.0", syft("npm"), purl="pkg:pypi/requests@2.0")
    ).components
    assert only.ecosystem == "PyPI"


def test_trivy_lockfile_aggregates_are_skipped_silently() -> None:
    aggregate = entry(
        "package-lock.json",
        None,
        ("aquasecurity:trivy:Class", "lang-pkgs"),
        ("aquasecurity:trivy:Type", "npm"),
        type="application",
    )
    assert cyclonedx(aggregate) == SbomContents("cyclonedx", "1.6", (), ())
    assert is_aggregate(Fields("x", None, None, {"aquasecurity:trivy:Class": "lang-pkgs"}))
    assert not is_aggregate(Fields("x", None, None, {"aquasecurity:trivy:PkgType": "npm"}))


def test_first_value_of_a_repeated_property_wins() -> None:
    assert properties_of([("a", "1"), ("b", "2"), ("a", "3")]) == {"a": "1", "b": "2"}
    (only,) = cyclonedx(entry("x", "1", syft("python"), syft("npm"))).components
    assert only.ecosystem == "PyPI"


def test_malformed_properties_are_ignored() -> None:
    component = entry("x", "1", syft("gem"))
    component["properties"] += [{"name": 1, "value": "npm"}, "junk", {"name": "only"}]
    (only,) = cyclonedx(component).components
    assert only.purl == "pkg:gem/x@1"
    assert cyclonedx({"name": "y", "version": "1", "properties": {"a": "b"}}).components == ()


# --- SPDX -------------------------------------------------------------------------------


def spdx(*packages: dict[str, Any]) -> SbomContents:
    document = {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": packages}
    return read_sbom(json.dumps(document).encode(), "s.json")


def annotation(comment: Any, annotator: str = "Tool: trivy-0.76.0") -> dict[str, Any]:
    return {"annotator": annotator, "annotationType": "OTHER", "comment": comment}


def test_spdx_trivy_annotations_identify_a_package() -> None:
    package = {
        "name": "lodash",
        "SPDXID": "SPDXRef-Package-1",
        "versionInfo": "4.17.20",
        "annotations": [annotation("PkgID: lodash@4.17.20"), annotation("PkgType: npm")],
    }
    (only,) = spdx(package).components
    assert (only.purl, only.bom_ref) == ("pkg:npm/lodash@4.17.20", "SPDXRef-Package-1")


def test_spdx_trivy_application_aggregate_is_skipped() -> None:
    package = {
        "name": "requirements.txt",
        "SPDXID": "SPDXRef-Application-1",
        "primaryPackagePurpose": "APPLICATION",
        "annotations": [annotation("Class: lang-pkgs"), annotation("Type: pip")],
    }
    assert spdx(package) == SbomContents("spdx", "SPDX-2.3", (), ())


@pytest.mark.parametrize(
    "annotations",
    [
        [annotation("PkgType: npm", annotator="Tool: other-1.0")],
        [annotation(None), annotation("no separator"), "junk"],
        "not a list",
    ],
)
def test_spdx_other_annotations_do_not_identify(annotations: Any) -> None:
    package = {"name": "lodash", "SPDXID": "SPDXRef-P", "annotations": annotations}
    assert [w.gap for w in spdx(package).warnings] == [Gap.UNMATCHED]


def test_spdx_cpe_alone_is_not_enough() -> None:
    package = {
        "name": "zlib",
        "SPDXID": "SPDXRef-zlib",
        "versionInfo": "1.2.13",
        "externalRefs": [
            {
                "referenceCategory": "SECURITY",
                "referenceType": "cpe23Type",
                "referenceLocator": "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*",
            }
        ],
    }
    assert spdx(package).warnings == (
        ScanWarning("s.json", "component 'zlib' (SPDXID SPDXRef-zlib): no purl; not matched",
                    Gap.UNMATCHED),
    )  # fmt: skip


def test_spdx_described_package_without_purl_is_the_subject() -> None:
    packages = [
        {"name": "/src/app", "SPDXID": "SPDXRef-Root", "primaryPackagePurpose": "SOURCE"},
        {"name": "orphan", "SPDXID": "SPDXRef-Orphan"},
    ]
    document = {
        "spdxVersion": "SPDX-2.2",
        "SPDXID": "SPDXRef-DOCUMENT",
        "documentDescribes": ["SPDXRef-Orphan"],
        "packages": packages,
        "relationships": [
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": "SPDXRef-Root",
            },
            {"spdxElementId": "SPDXRef-Root", "relationshipType": "DESCRIBES"},
            "junk",
        ],
    }
    contents = read_sbom(json.dumps(document).encode(), "s.json")
    assert contents == SbomContents("spdx", "SPDX-2.2", (), ())


def test_spdx_described_package_with_purl_is_read() -> None:
    document = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "documentDescribes": ["SPDXRef-A"],
        "packages": [
            {
                "name": "a",
                "SPDXID": "SPDXRef-A",
                "versionInfo": "1",
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": "pkg:npm/a@1",
                    }
                ],
            }
        ],
    }
    (only,) = read_sbom(json.dumps(document).encode(), "s.json").components
    assert only.purl == "pkg:npm/a@1"
