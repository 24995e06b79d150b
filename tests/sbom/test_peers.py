"""SBOMs written by the peer tools, read back exactly.

The fixtures in tests/data/sbom/peers/ are syft 1.18.1 and trivy 0.76.0 output for one
directory holding a requirements.txt (requests 2.31.0, urllib3 1.26.18), a
package-lock.json (lodash 4.17.20, @babel/helper-string-parser 7.24.1; root 'peerproj')
and a go.mod (module example.com/peerproj, requiring github.com/gorilla/mux v1.8.0):

    syft scan dir:DIR -q --source-name peerproj -o cyclonedx-json=syft-cyclonedx.json \
        -o cyclonedx-xml=syft-cyclonedx.xml -o spdx-json=syft-spdx.json
    trivy fs --quiet --skip-check-update --offline-scan --scanners "" \
        --format cyclonedx|spdx-json --output trivy-cyclonedx.json|trivy-spdx.json DIR

(trivy writes CycloneDX 1.7; both write trivy's per-lockfile 'application' entries and a
subject without purl, which are not packages.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from garrison.model import Component, Gap, Location, ScanWarning
from garrison.sbom import SbomContents, read_sbom

PEERS = Path(__file__).resolve().parents[1] / "data" / "sbom" / "peers"

BABEL = "pkg:npm/%40babel/helper-string-parser@7.24.1"
MUX = "pkg:golang/github.com/gorilla/mux@v1.8.0"
MAIN_MODULE = "pkg:golang/example.com/peerproj"

# (ecosystem, name, version, purl, licences)
Row = tuple[str, str, str | None, str, tuple[str, ...]]
# The same in every peer's output.
COMMON: set[Row] = {
    ("npm", "@babel/helper-string-parser", "7.24.1", BABEL, ("MIT",)),
    ("Go", "github.com/gorilla/mux", "v1.8.0", MUX, ()),
    ("npm", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", ("MIT",)),
    ("PyPI", "requests", "2.31.0", "pkg:pypi/requests@2.31.0", ()),
    ("PyPI", "urllib3", "1.26.18", "pkg:pypi/urllib3@1.26.18", ()),
}
SYFT_ONLY: Row = ("npm", "peerproj", "1.0.0", "pkg:npm/peerproj@1.0.0", ())  # the lockfile's root
TRIVY_ONLY: Row = ("Go", "example.com/peerproj", None, MAIN_MODULE, ())  # the main module


def read(name: str) -> SbomContents:
    return read_sbom((PEERS / name).read_bytes(), f"peers/{name}")


def summary(contents: SbomContents) -> set[Row]:
    return {(c.ecosystem, c.name, c.version, c.purl or "", c.licenses) for c in contents.components}


def syft_component(name: str, row: Row) -> Component:
    ecosystem, package, version, purl, licenses = row
    package_ids = {
        "@babel/helper-string-parser": "1601b425fe300e30",
        "github.com/gorilla/mux": "262a6f49c345087c",
        "lodash": "94de9319b3b6a42e",
        "peerproj": "5908ea25ad241dbb",
        "requests": "21ce5e236ab6b5c2",
        "urllib3": "32f54611e2edac19",
    }
    return Component(
        ecosystem, package, version, purl, Location(f"peers/{name}"), licenses,
        f"{purl}?package-id={package_ids[package]}",
    )  # fmt: skip


@pytest.mark.parametrize("name", ["syft-cyclonedx.json", "syft-cyclonedx.xml"])
def test_syft_cyclonedx(name: str) -> None:
    contents = read(name)
    assert (contents.format, contents.spec_version) == ("cyclonedx", "1.6")
    # Document order: syft sorts by name.
    expected = sorted(COMMON | {SYFT_ONLY}, key=lambda row: row[1])
    assert contents.components == tuple(syft_component(name, row) for row in expected)
    assert contents.warnings == ()


def test_syft_json_and_xml_agree() -> None:
    from_json, from_xml = read("syft-cyclonedx.json"), read("syft-cyclonedx.xml")
    strip = [(c.ecosystem, c.name, c.version, c.purl, c.licenses, c.bom_ref) for c in
             from_json.components]  # fmt: skip
    assert strip == [
        (c.ecosystem, c.name, c.version, c.purl, c.licenses, c.bom_ref) for c in from_xml.components
    ]


def test_syft_spdx() -> None:
    contents = read("syft-spdx.json")
    assert (contents.format, contents.spec_version) == ("spdx", "SPDX-2.3")
    assert summary(contents) == COMMON | {SYFT_ONLY}
    assert [c.bom_ref for c in contents.components] == [
        "SPDXRef-Package-npm--babel-helper-string-parser-1601b425fe300e30",
        "SPDXRef-Package-go-module-github.com-gorilla-mux-262a6f49c345087c",
        "SPDXRef-Package-npm-lodash-94de9319b3b6a42e",
        "SPDXRef-Package-npm-peerproj-5908ea25ad241dbb",
        "SPDXRef-Package-python-requests-21ce5e236ab6b5c2",
        "SPDXRef-Package-python-urllib3-32f54611e2edac19",
    ]
    # The directory it DESCRIBES (purpose FILE, no purl) is not a package: no warning.
    assert contents.warnings == ()


@pytest.mark.parametrize(
    ("name", "spec_version", "ref"),
    [
        ("trivy-cyclonedx.json", "1.7", "bom-ref pkg:golang/example.com/peerproj"),
        ("trivy-spdx.json", "SPDX-2.3", "SPDXID SPDXRef-Package-6021dbe3815cfef5"),
    ],
)
def test_trivy(name: str, spec_version: str, ref: str) -> None:
    contents = read(name)
    assert contents.spec_version == spec_version
    assert summary(contents) == COMMON | {TRIVY_ONLY}
    assert len(contents.components) == 6
    # The per-lockfile 'application' entries and the scanned directory are skipped; the
    # main module has no version.
    assert contents.warnings == (
        ScanWarning(
            f"peers/{name}",
            f"component 'example.com/peerproj' ({ref}): no version; treated as version unknown",
            Gap.NO_VERSION,
        ),
    )


def test_trivy_cyclonedx_bom_refs_are_purls() -> None:
    contents = read("trivy-cyclonedx.json")
    assert all(c.bom_ref == c.purl for c in contents.components)


@pytest.mark.parametrize(
    "name", ["cyclonedx-py-requirements.cdx.json", "cyclonedx-py-requirements.cdx.xml"]
)
def test_cyclonedx_py_output(name: str) -> None:
    """`cyclonedx-py requirements examples/demo-app/requirements.txt` (cyclonedx-bom 7.5.0)."""
    path = PEERS / name
    contents = read_sbom(path.read_bytes(), name)
    assert contents.warnings == ()
    assert sorted((c.ecosystem, c.name, c.version, c.purl) for c in contents.components) == [
        ("PyPI", "flask", "2.2.2", "pkg:pypi/flask@2.2.2"),
        ("PyPI", "jinja2", "3.1.2", "pkg:pypi/jinja2@3.1.2"),
        ("PyPI", "pyyaml", "5.3.1", "pkg:pypi/pyyaml@5.3.1"),
        ("PyPI", "requests", "2.28.1", "pkg:pypi/requests@2.28.1"),
        ("PyPI", "urllib3", "1.26.12", "pkg:pypi/urllib3@1.26.12"),
    ]
