"""SPDX JSON reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from garrison.errors import SbomError
from garrison.model import Component, Gap, Location, ScanWarning
from garrison.sbom import SbomContents, read_sbom, spdx_json

SBOM_DATA = Path(__file__).resolve().parents[1] / "data" / "sbom"
SOURCE = "sbom/spdx-2.3.json"


def document(packages: Any, version: str = "SPDX-2.3") -> bytes:
    spdx = {"spdxVersion": version, "SPDXID": "SPDXRef-DOCUMENT", "packages": packages}
    return json.dumps(spdx).encode()


def purl_ref(locator: Any, category: str = "PACKAGE-MANAGER") -> dict[str, Any]:
    return {"referenceCategory": category, "referenceType": "purl", "referenceLocator": locator}


def test_spdx_2_3_document() -> None:
    contents = read_sbom((SBOM_DATA / "spdx-2.3.json").read_bytes(), SOURCE)
    where = Location(SOURCE)
    libssl_purl = (
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12"
    )
    assert (contents.format, contents.spec_version) == ("spdx", "SPDX-2.3")
    assert contents.components == (
        Component(
            "PyPI", "django", "4.2.7", "pkg:pypi/django@4.2.7", where, ("BSD-3-Clause",),
            "SPDXRef-Package-python-Django-1a2b",
        ),
        Component(
            "npm", "express", "4.17.1", "pkg:npm/express@4.17.1", where, ("MIT",),
            "SPDXRef-Package-npm-express-3c4d",
        ),
        Component(
            "Debian:12", "libssl3", "3.0.11-1~deb12u2", libssl_purl, where,
            ("Apache-2.0 AND OpenSSL",), "SPDXRef-Package-deb-libssl3-5e6f",
            source_package="openssl",  # from the purl's upstream qualifier
        ),
        # No versionInfo: the purl's version.
        Component(
            "Go", "golang.org/x/net", "v0.17.0", "pkg:golang/golang.org/x/net@v0.17.0", where,
            (), "SPDXRef-Package-go-module-golang.org-x-net-7a8b",
        ),
        Component(
            "Maven", "com.fasterxml.jackson.core:jackson-databind", None,
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind", where, ("Apache-2.0",),
            "SPDXRef-Package-java-archive-jackson-databind-e1f2",
        ),
    )  # fmt: skip
    assert contents.warnings == (
        # The image the document DESCRIBES, without a purl, is its subject: skipped.
        ScanWarning(
            SOURCE,
            "component 'internal-tool' (SPDXID SPDXRef-Package-binary-internal-tool-9c0d): "
            "no purl; not matched",
            Gap.UNMATCHED,
        ),
        ScanWarning(
            SOURCE,
            "component 'jackson-databind' "
            "(SPDXID SPDXRef-Package-java-archive-jackson-databind-e1f2): "
            "no version; treated as version unknown",
            Gap.NO_VERSION,
        ),
        ScanWarning(
            SOURCE,
            "component 'checkout' (SPDXID SPDXRef-Package-github-action-checkout-a3b4): "
            "purl type 'github' is not supported; not matched",
            Gap.UNMATCHED,
        ),
    )


def test_spdx_2_2_with_underscore_category() -> None:
    package = {
        "name": "serde",
        "SPDXID": "SPDXRef-serde",
        "versionInfo": "1.0.188",
        "licenseConcluded": "MIT OR Apache-2.0",
        "licenseDeclared": "MIT OR Apache-2.0",
        "externalRefs": [purl_ref("pkg:cargo/serde@1.0.188", "PACKAGE_MANAGER")],
    }
    contents = read_sbom(document([package], "SPDX-2.2"), "s.json")
    assert contents == SbomContents(
        "spdx",
        "SPDX-2.2",
        (
            Component(
                "crates.io", "serde", "1.0.188", "pkg:cargo/serde@1.0.188",
                Location("s.json"), ("MIT OR Apache-2.0",), "SPDXRef-serde",
            ),
        ),
        (),
    )  # fmt: skip


def test_first_package_manager_purl_is_used() -> None:
    package = {
        "name": "a",
        "versionInfo": "1",
        "externalRefs": [
            purl_ref("pkg:pypi/not-this@1", "OTHER"),
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "npm",
                "referenceLocator": "a",
            },
            purl_ref("pkg:pypi/this@1"),
            purl_ref("pkg:pypi/nor-this@1"),
        ],
    }
    (only,) = read_sbom(document([package]), "s.json").components
    assert only.purl == "pkg:pypi/this@1"


def test_operating_system_package_without_purl_is_skipped_silently() -> None:
    packages = [
        {"name": "alpine", "versionInfo": "3.20.3", "primaryPackagePurpose": "OPERATING-SYSTEM"}
    ]
    assert read_sbom(document(packages), "s.json") == SbomContents("spdx", "SPDX-2.3", (), ())


@pytest.mark.parametrize("version", ["SPDX-2.1", "SPDX-3.0"])
def test_unsupported_spdx_version_is_an_error(version: str) -> None:
    with pytest.raises(SbomError) as raised:
        read_sbom(document([], version), "s.json")
    assert str(raised.value) == (
        f"s.json: unsupported SPDX version '{version}' (supported: SPDX-2.2, SPDX-2.3)"
    )


@pytest.mark.parametrize(
    ("packages", "message"),
    [
        ({"name": "a"}, "s.json: 'packages' is not a JSON array"),
        (["a"], "s.json: a package is not a JSON object"),
    ],
)
def test_malformed_structure_is_an_error(packages: Any, message: str) -> None:
    with pytest.raises(SbomError) as raised:
        read_sbom(document(packages), "s.json")
    assert str(raised.value) == message


def test_document_without_packages_is_empty() -> None:
    data = json.dumps({"spdxVersion": "SPDX-2.3"}).encode()
    assert read_sbom(data, "s.json") == SbomContents("spdx", "SPDX-2.3", (), ())


def test_sniffing() -> None:
    assert spdx_json.NAME == "spdx"
    assert spdx_json.matches({"spdxVersion": "SPDX-2.3"})
    assert spdx_json.matches({"spdxVersion": "SPDX-9"})
    assert not spdx_json.matches({"spdxVersion": 2.3})
    assert not spdx_json.matches({"bomFormat": "CycloneDX"})
