"""CycloneDX XML reading, and read_sbom's choice between JSON and XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.xml import XmlValidator

from garrison.errors import SbomError
from garrison.model import Component, Gap, Location, ScanWarning
from garrison.sbom import SbomContents, cyclonedx_xml, read_sbom, syntax_of
from garrison.sbom.base import JSON, XML

SBOM_DATA = Path(__file__).resolve().parents[1] / "data" / "sbom"
CASE = "cyclonedx-1.5.xml"
SOURCE = f"sbom/{CASE}"


def xml_document(spec_version: str, components: str) -> bytes:
    namespace = f"http://cyclonedx.org/schema/bom/{spec_version}"
    return (
        f'<bom xmlns="{namespace}" version="1"><components>{components}</components></bom>'.encode()
    )


def test_fixture_is_schema_valid() -> None:
    error = XmlValidator(SchemaVersion.V1_5).validate_str((SBOM_DATA / CASE).read_text())
    assert error is None, getattr(error, "data", error)


def test_cyclonedx_1_5_xml() -> None:
    contents = read_sbom((SBOM_DATA / CASE).read_bytes(), SOURCE)
    where = Location(SOURCE)
    log4j_purl = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"
    assert (contents.format, contents.spec_version) == ("cyclonedx", "1.5")
    assert contents.components == (
        Component(
            "PyPI", "requests", "2.31.0", "pkg:pypi/requests@2.31.0", where, ("Apache-2.0",),
            "pkg:pypi/requests@2.31.0",
        ),
        Component(
            "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", log4j_purl, where,
            ("Apache-2.0", "Apache Software License, Version 2.0"), "log4j-core",
        ),
        # Nested components, depth-first in document order.
        Component(
            "npm", "shop-frontend", "3.2.0", "pkg:npm/shop-frontend@3.2.0", where, (), "frontend"
        ),
        Component(
            "npm", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", where, ("MIT OR CC0-1.0",),
            "lodash",
        ),
        Component("npm", "left-pad", "1.3.0", "pkg:npm/left-pad@1.3.0", where, (), "left-pad"),
        Component("PyPI", "urllib3", None, "pkg:pypi/urllib3", where, (), "urllib3"),
        # No purl, but syft's package type identifies it.
        Component(
            "crates.io", "serde", "1.0.188", "pkg:cargo/serde@1.0.188", where, (), "syft-serde"
        ),
    )  # fmt: skip
    assert contents.warnings == (
        ScanWarning(
            SOURCE,
            "component 'urllib3' (bom-ref urllib3): no version; treated as version unknown",
            Gap.NO_VERSION,
        ),
        ScanWarning(
            SOURCE, "component 'zlib' (bom-ref vendored-zlib): no purl; not matched", Gap.UNMATCHED
        ),
        ScanWarning(
            SOURCE,
            "component 'checkout' (bom-ref checkout): purl type 'github' is not supported; "
            "not matched",
            Gap.UNMATCHED,
        ),
    )


def test_xml_and_json_forms_of_one_document_read_the_same() -> None:
    twin = "cyclonedx-1.5-xml-twin.json"
    from_xml = read_sbom((SBOM_DATA / CASE).read_bytes(), "bom")
    from_json = read_sbom((SBOM_DATA / twin).read_bytes(), "bom")
    assert from_xml == from_json
    assert len(from_xml.components) == 7


def test_entity_bomb_is_refused_before_expansion() -> None:
    with pytest.raises(SbomError) as raised:
        read_sbom((SBOM_DATA / "entity-bomb.xml").read_bytes(), "bomb.xml")
    assert str(raised.value) == "bomb.xml: XML refused: entity declarations are not allowed"


def test_external_entity_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components/></bom>'
    )
    with pytest.raises(SbomError, match=r"^x\.xml: XML refused: "):
        read_sbom(data, "x.xml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<bom><components>", "x.xml: not valid XML: no element found: line 1, column 17"),
        (b"<bom>a</b>", "x.xml: not valid XML: mismatched tag: line 1, column 8"),
        (
            b'<bom xmlns="http://cyclonedx.org/schema/bom/1.3"/>',
            "x.xml: unsupported CycloneDX specVersion '1.3' (supported: 1.4, 1.5, 1.6, 1.7)",
        ),
        (b"<bom/>", "x.xml: not a CycloneDX XML document"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
         "x.xml: not a CycloneDX XML document"),
        (b'<components xmlns="http://cyclonedx.org/schema/bom/1.6"/>',
         "x.xml: not a CycloneDX XML document"),
    ],
)  # fmt: skip
def test_bad_xml_is_an_error(data: bytes, message: str) -> None:
    with pytest.raises(SbomError) as raised:
        read_sbom(data, "x.xml")
    assert str(raised.value) == message


@pytest.mark.parametrize("spec_version", ["1.4", "1.5", "1.6", "1.7"])
def test_every_supported_namespace(spec_version: str) -> None:
    data = xml_document(spec_version, "<component type='library'><name>a</name>"
                        "<purl>pkg:npm/a@1.0.0</purl></component>")  # fmt: skip
    contents = read_sbom(data, "x.xml")
    assert contents.spec_version == spec_version
    assert [c.purl for c in contents.components] == ["pkg:npm/a@1.0.0"]


def test_licence_forms_and_empty_elements() -> None:
    data = xml_document(
        "1.6",
        "<component type='library'><name>a</name><version> 2.0 </version>"
        "<licenses><license><id>MIT</id></license><license><name>Custom</name></license>"
        "<license><id/></license></licenses><purl>pkg:cargo/a@1.0</purl></component>"
        "<component type='library'><name/><purl>pkg:cargo/b@1</purl>"
        "<licenses><expression>MIT OR Apache-2.0</expression></licenses></component>",
    )
    first, second = read_sbom(data, "x.xml").components
    assert (first.version, first.licenses) == ("2.0", ("MIT", "Custom"))
    assert (second.name, second.licenses) == ("b", ("MIT OR Apache-2.0",))


def test_metadata_and_pedigree_components_are_not_read() -> None:
    namespace = "http://cyclonedx.org/schema/bom/1.6"
    data = (
        f'<bom xmlns="{namespace}"><metadata><component type="application"><name>me</name>'
        "<purl>pkg:npm/me@1</purl></component></metadata><components>"
        "<component type='library'><name>a</name><purl>pkg:npm/a@1</purl><pedigree>"
        "<ancestors><component type='library'><name>old</name><purl>pkg:npm/old@0</purl>"
        "</component></ancestors></pedigree></component></components></bom>"
    ).encode()
    assert [c.name for c in read_sbom(data, "x.xml").components] == ["a"]


def test_deeply_nested_components() -> None:
    depth = 3000
    opening = "<component type='library'><name>n</name><purl>pkg:npm/n@1</purl><components>"
    data = xml_document("1.6", opening * depth + "</components></component>" * depth)
    assert len(read_sbom(data, "x.xml").components) == depth


@pytest.mark.parametrize(
    ("data", "syntax"),
    [
        (b"<bom/>", XML),
        (b"\xef\xbb\xbf \r\n\t<?xml version='1.0'?><bom/>", XML),
        (b"  {}", JSON),
        (b"", JSON),
        (b"\xef\xbb\xbf[]", JSON),
    ],
)
def test_syntax_is_told_by_the_first_non_blank_byte(data: bytes, syntax: str) -> None:
    assert syntax_of(data) == syntax


def test_utf8_byte_order_mark_before_xml() -> None:
    data = b"\xef\xbb\xbf\n" + xml_document("1.6", "")
    assert read_sbom(data, "x.xml") == SbomContents("cyclonedx", "1.6", (), ())


def test_reader_interface() -> None:
    assert (cyclonedx_xml.NAME, cyclonedx_xml.SYNTAX) == ("cyclonedx-xml", XML)
    assert not cyclonedx_xml.matches({"bomFormat": "CycloneDX"})


def test_location_is_the_source() -> None:
    data = xml_document("1.6", "<component type='library'><name>a</name>"
                        "<purl>pkg:npm/a@1</purl></component>")  # fmt: skip
    (only,) = read_sbom(data, "dir/bom.xml").components
    assert only.location == Location("dir/bom.xml")
