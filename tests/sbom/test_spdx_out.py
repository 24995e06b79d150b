"""SPDX 2.3 JSON output.

Golden file: tests/data/sbom/golden/spdx-2.3.json. After an intended change of the
output, regenerate it with `GARRISON_UPDATE_GOLDEN=1 .venv/bin/pytest tests/sbom` and
review the diff.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from garrison.model import Component, Gap, Inventory, Location, ScanWarning
from garrison.sbom import read_sbom
from garrison.sbom.spdx_out import render_spdx
from tests.sbom.writer_cases import TIMESTAMP, TOOL_VERSION, check_golden, golden_inventory


def render(inventory: Inventory, timestamp: datetime = TIMESTAMP) -> str:
    return render_spdx(inventory, tool_version=TOOL_VERSION, timestamp=timestamp)


def rendered(inventory: Inventory) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(inventory))
    return document


def assert_spdx_valid(text: str, tmp_path: Path) -> None:
    """Parsed back by spdx-tools and validated in full: no messages."""
    path = tmp_path / "out.spdx.json"
    path.write_text(text, encoding="utf-8")
    assert validate_full_spdx_document(parse_file(str(path))) == []


def packages_by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {package["name"]: package for package in document["packages"]}


def test_golden(tmp_path: Path) -> None:
    text = render(golden_inventory())
    assert_spdx_valid(text, tmp_path)
    check_golden("spdx-2.3.json", text)


def test_round_trip_through_the_reader() -> None:
    inventory = golden_inventory()
    contents = read_sbom(render(inventory).encode(), "out.spdx.json")
    # The root package (the target) is DESCRIBED and has no purl: not a component.
    assert contents.warnings == ()
    read_back = {(c.ecosystem, c.name, c.version, c.purl) for c in contents.components}
    assert read_back == {
        (c.ecosystem, c.name, c.version, c.purl or "pkg:maven/org.slf4j/slf4j-api@2.0.9")
        for c in inventory.components
    }


def test_same_input_same_bytes_except_the_creation_time() -> None:
    inventory = golden_inventory()
    first = render(inventory)
    assert render(replace(inventory, components=inventory.components[::-1])) == first
    later = render(inventory, datetime(2030, 6, 1, 8, 30, 15, 999, tzinfo=UTC))
    changed = [
        (a, b) for a, b in zip(first.splitlines(), later.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        ('    "created": "2025-01-09T12:00:00Z",', '    "created": "2030-06-01T08:30:15Z",')
    ]


def test_namespace_follows_the_content() -> None:
    inventory = golden_inventory()
    namespace = rendered(inventory)["documentNamespace"]
    assert namespace.startswith("https://garrison.invalid/spdx/shop-")
    fewer = replace(inventory, components=inventory.components[1:])
    assert rendered(fewer)["documentNamespace"] != namespace


def test_document_fields() -> None:
    document = rendered(golden_inventory())
    assert document["creationInfo"]["creators"] == ["Tool: garrison-1.2.3"]
    assert (document["name"], document["spdxVersion"]) == ("shop", "SPDX-2.3")
    assert document["comment"] == (
        "Incomplete: 1 gap(s) in the inventory:\n"
        "reader-failed: go.mod:7: cannot parse: unexpected token"
    )
    root = document["packages"][0]
    assert (root["SPDXID"], root["name"], root["primaryPackagePurpose"]) == (
        "SPDXRef-Root", "shop", "APPLICATION",
    )  # fmt: skip


def test_packages() -> None:
    packages = packages_by_name(rendered(golden_inventory()))
    babel = packages["@babel/core"]
    assert babel["SPDXID"].startswith("SPDXRef-Package-")
    assert babel["externalRefs"] == [
        {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceLocator": "pkg:npm/%40babel/core@7.24.0",
            "referenceType": "purl",
        }
    ]
    assert (babel["licenseDeclared"], babel["licenseConcluded"]) == (
        "MIT OR Apache-2.0", "NOASSERTION",
    )  # fmt: skip
    assert babel["comment"] == "scope: dev; direct: true"
    assert babel["sourceInfo"] == "found in: web/package-lock.json"
    assert babel["filesAnalyzed"] is False
    assert packages["lodash"]["licenseDeclared"] == "MIT"  # 'mit' normalised
    log4j = packages["org.apache.logging.log4j:log4j-core"]
    assert log4j["licenseDeclared"] == "NOASSERTION"
    assert log4j["licenseComments"] == "declared: Apache-2.0; Apache Software License, Version 2.0"
    assert "comment" not in log4j
    assert packages["requests"]["sourceInfo"] == "found in: requirements.txt:3"
    slf4j = packages["org.slf4j:slf4j-api"]
    assert slf4j["externalRefs"][0]["referenceLocator"] == "pkg:maven/org.slf4j/slf4j-api@2.0.9"
    assert slf4j["licenseDeclared"] == "NOASSERTION"
    assert "licenseComments" not in slf4j


def test_relationships() -> None:
    document = rendered(golden_inventory())
    names = {p["SPDXID"]: p["name"] for p in document["packages"]} | {"SPDXRef-DOCUMENT": "doc"}
    relations = [
        (names[r["spdxElementId"]], r["relationshipType"], names[r["relatedSpdxElement"]])
        for r in document["relationships"]
    ]
    assert relations[0] == ("doc", "DESCRIBES", "shop")
    assert sorted(relations[1:]) == [
        ("@babel/core", "DEPENDS_ON", "lodash"),
        ("requests", "DEPENDS_ON", "urllib3"),
        ("shop", "DEPENDS_ON", "@babel/core"),
        ("shop", "DEPENDS_ON", "org.apache.logging.log4j:log4j-core"),
        ("shop", "DEPENDS_ON", "org.slf4j:slf4j-api"),
        ("shop", "DEPENDS_ON", "requests"),
    ]


@pytest.mark.parametrize(
    ("licenses", "declared", "comment"),
    [
        ((), "NOASSERTION", None),
        (("Apache-2.0",), "Apache-2.0", None),
        (("GPL-2.0+",), "GPL-2.0-or-later", None),
        (("MIT", "BSD-3-Clause"), "MIT AND BSD-3-Clause", None),
        (("MIT OR Apache-2.0", "Zlib"), "(MIT OR Apache-2.0) AND Zlib", None),
        (
            ("GPL-2.0-only WITH Classpath-exception-2.0", "MIT"),
            "GPL-2.0-only WITH Classpath-exception-2.0 AND MIT",
            None,
        ),
        (("BSD",), "NOASSERTION", "declared: BSD"),
        (("LicenseRef-acme",), "NOASSERTION", "declared: LicenseRef-acme"),
        (("MIT", "Proprietary"), "NOASSERTION", "declared: MIT; Proprietary"),
        ((" ",), "NOASSERTION", "declared:  "),
    ],
)
def test_declared_licence(
    licenses: tuple[str, ...], declared: str, comment: str | None, tmp_path: Path
) -> None:
    component = Component("Hex", "a", "1", "pkg:hex/a@1", licenses=licenses)
    text = render(Inventory("t", (component,)))
    assert_spdx_valid(text, tmp_path)
    package = packages_by_name(json.loads(text))["a"]
    assert (package["licenseDeclared"], package.get("licenseComments")) == (declared, comment)


def test_edge_cases_stay_valid(tmp_path: Path) -> None:
    twin = Component("npm", "a", "1", "pkg:npm/a@1", Location("package-lock.json"), bom_ref="a")
    odd = Component("Red Hat", "openssl", None, None, bom_ref="o", direct=False)
    warnings = (ScanWarning("x", "y", Gap.SKIPPED),)
    inventory = Inventory("my target/", (twin, twin, odd), (("a", ("o", "gone")),), warnings)
    text = render(inventory)
    assert_spdx_valid(text, tmp_path)
    document = json.loads(text)
    assert document["documentNamespace"].startswith("https://garrison.invalid/spdx/my%20target-")
    ids = [p["SPDXID"] for p in document["packages"]]
    assert len(set(ids)) == 4
    openssl = packages_by_name(document)["openssl"]
    assert ("externalRefs" not in openssl, "versionInfo" not in openssl) == (True, True)


def test_empty_inventory(tmp_path: Path) -> None:
    text = render(Inventory("/", ()))
    assert_spdx_valid(text, tmp_path)
    document = json.loads(text)
    assert [p["name"] for p in document["packages"]] == ["/"]
    assert "comment" not in document


def test_creation_time_is_written_in_utc() -> None:
    east = timezone(timedelta(hours=2))
    for timestamp in (datetime(2025, 1, 9, 14, 0, 0, 500, tzinfo=east), datetime(2025, 1, 9, 12)):
        document = json.loads(render(Inventory("t", ()), timestamp))
        assert document["creationInfo"]["created"] == "2025-01-09T12:00:00Z"
