"""CycloneDX 1.6 JSON output.

Golden file: tests/data/sbom/golden/cyclonedx-1.6.json. After an intended change of the
output, regenerate it with `GARRISON_UPDATE_GOLDEN=1 .venv/bin/pytest tests/sbom` and
review the diff.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from garrison.model import Component, Gap, Inventory, Location, ScanWarning
from garrison.sbom import read_sbom
from garrison.sbom.cyclonedx_out import render_cyclonedx
from tests.sbom.writer_cases import TIMESTAMP, TOOL_VERSION, check_golden, golden_inventory


def render(inventory: Inventory, timestamp: datetime = TIMESTAMP) -> str:
    return render_cyclonedx(inventory, tool_version=TOOL_VERSION, timestamp=timestamp)


def rendered(inventory: Inventory) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(inventory))
    return document


def assert_schema_valid(text: str) -> None:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, getattr(error, "data", error)


def properties(entry: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in entry.get("properties", [])}


def test_golden() -> None:
    text = render(golden_inventory())
    assert_schema_valid(text)
    check_golden("cyclonedx-1.6.json", text)


def test_round_trip_through_the_reader() -> None:
    inventory = golden_inventory()
    contents = read_sbom(render(inventory).encode(), "out.json")
    assert contents.warnings == ()
    read_back = {(c.ecosystem, c.name, c.version, c.purl) for c in contents.components}
    assert read_back == {
        (c.ecosystem, c.name, c.version, c.purl or "pkg:maven/org.slf4j/slf4j-api@2.0.9")
        for c in inventory.components
    }
    licences = {c.name: c.licenses for c in contents.components}
    assert licences["org.apache.logging.log4j:log4j-core"] == (
        "Apache-2.0", "Apache Software License, Version 2.0",
    )  # fmt: skip
    assert licences["@babel/core"] == ("MIT OR Apache-2.0",)
    assert licences["lodash"] == ("MIT",)


def test_same_input_same_bytes_except_the_timestamp() -> None:
    inventory = golden_inventory()
    first, again = render(inventory), render(inventory)
    assert first == again
    reversed_input = replace(inventory, components=inventory.components[::-1])
    assert render(reversed_input) == first
    later = render(inventory, datetime(2030, 6, 1, tzinfo=UTC))
    changed = [
        (a, b) for a, b in zip(first.splitlines(), later.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        (
            '    "timestamp": "2025-01-09T12:00:00+00:00",',
            '    "timestamp": "2030-06-01T00:00:00+00:00",',
        )
    ]


def test_serial_number_follows_the_content() -> None:
    inventory = golden_inventory()
    serial = rendered(inventory)["serialNumber"]
    assert serial.startswith("urn:uuid:")
    fewer = replace(inventory, components=inventory.components[1:])
    assert rendered(fewer)["serialNumber"] != serial
    other_tool = render_cyclonedx(inventory, tool_version="9", timestamp=TIMESTAMP)
    assert json.loads(other_tool)["serialNumber"] != serial


def test_document_shape() -> None:
    document = rendered(golden_inventory())
    assert list(document)[:7] == [
        "$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata", "components",
    ]  # fmt: skip
    metadata = document["metadata"]
    assert metadata["component"] == {
        "bom-ref": "target:shop",
        "name": "shop",
        "type": "application",
    }
    assert metadata["tools"] == {
        "components": [{"name": "garrison", "type": "application", "version": TOOL_VERSION}]
    }
    assert metadata["properties"] == [
        {"name": "garrison:gap", "value": "reader-failed: go.mod:7: cannot parse: unexpected token"}
    ]


def test_components_in_ecosystem_name_version_location_order() -> None:
    components = rendered(golden_inventory())["components"]
    assert [(c.get("group"), c["name"]) for c in components] == [
        ("org.apache.logging.log4j", "log4j-core"),
        ("org.slf4j", "slf4j-api"),
        (None, "requests"),
        (None, "urllib3"),
        ("@babel", "core"),
        (None, "lodash"),
    ]


def test_component_fields() -> None:
    by_name = {c["name"]: c for c in rendered(golden_inventory())["components"]}
    babel = by_name["core"]
    assert babel["bom-ref"] == "pkg:npm/%40babel/core@7.24.0#web/package-lock.json"
    assert babel["purl"] == "pkg:npm/%40babel/core@7.24.0"
    assert babel["scope"] == "optional"
    assert babel["licenses"] == [{"expression": "MIT OR Apache-2.0"}]
    assert properties(babel) == {"garrison:direct": "true", "garrison:scope": "dev"}
    assert babel["evidence"] == {"occurrences": [{"location": "web/package-lock.json"}]}
    requests = by_name["requests"]
    assert requests["scope"] == "required"
    assert requests["evidence"] == {"occurrences": [{"line": 3, "location": "requirements.txt"}]}
    assert "garrison:scope" not in properties(requests)
    log4j = by_name["log4j-core"]
    assert log4j["licenses"] == [
        {"license": {"id": "Apache-2.0"}},
        {"license": {"name": "Apache Software License, Version 2.0"}},
    ]
    assert "garrison:direct" not in properties(log4j)
    assert by_name["lodash"]["licenses"] == [{"license": {"id": "MIT"}}]  # 'mit' fixed up
    slf4j = by_name["slf4j-api"]
    assert slf4j["purl"] == "pkg:maven/org.slf4j/slf4j-api@2.0.9"
    assert (slf4j["scope"], "licenses" in slf4j) == ("optional", False)


def test_dependency_graph() -> None:
    graph = {d["ref"]: d.get("dependsOn", []) for d in rendered(golden_inventory())["dependencies"]}
    assert graph == {
        # Direct components, and log4j: directness unknown and no edge reaches it.
        "target:shop": [
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#pom.xml",
            "pkg:maven/org.slf4j/slf4j-api@2.0.9#pom.xml",
            "pkg:npm/%40babel/core@7.24.0#web/package-lock.json",
            "pkg:pypi/requests@2.31.0#requirements.txt",
        ],
        "pkg:npm/%40babel/core@7.24.0#web/package-lock.json": [
            "pkg:npm/lodash@4.17.20#web/package-lock.json"
        ],
        "pkg:pypi/requests@2.31.0#requirements.txt": ["pkg:pypi/urllib3@1.26.18#requirements.txt"],
        "pkg:pypi/urllib3@1.26.18#requirements.txt": [],
    }


def test_without_edges_the_root_depends_on_every_component_of_unknown_directness() -> None:
    components = tuple(
        Component("PyPI", f"p{index}", "1.0", f"pkg:pypi/p{index}@1.0", bom_ref=f"r{index}")
        for index in range(3)
    )
    document = rendered(Inventory(".", components))
    assert document["dependencies"] == [
        {"dependsOn": ["pkg:pypi/p0@1.0", "pkg:pypi/p1@1.0", "pkg:pypi/p2@1.0"], "ref": "target:."}
    ]


def test_edges_to_unknown_refs_are_dropped() -> None:
    component = Component("npm", "a", "1", "pkg:npm/a@1", bom_ref="a", direct=True)
    inventory = Inventory("t", (component,), (("a", ("missing",)), ("missing", ("a",))))
    text = render(inventory)
    assert_schema_valid(text)
    graph = {d["ref"]: d.get("dependsOn", []) for d in json.loads(text)["dependencies"]}
    assert graph == {"pkg:npm/a@1": [], "target:t": ["pkg:npm/a@1"]}


def test_duplicate_components_get_unique_refs() -> None:
    twin = Component("npm", "a", "1", "pkg:npm/a@1", Location("x/package-lock.json"))
    text = render(Inventory("t", (twin, twin, replace(twin, location=None))))
    assert_schema_valid(text)
    refs = [c["bom-ref"] for c in json.loads(text)["components"]]
    assert refs == [
        "pkg:npm/a@1",
        "pkg:npm/a@1#x/package-lock.json",
        "pkg:npm/a@1#x/package-lock.json~2",
    ]


def test_component_of_an_ecosystem_without_purl_type() -> None:
    odd = Component("Red Hat", "openssl", "3.0.7", None, Location("rpmdb"))
    (entry,) = rendered(Inventory("t", (odd,)))["components"]
    assert "purl" not in entry
    assert entry["bom-ref"] == "Red Hat:openssl@3.0.7#rpmdb"
    assert properties(entry)["garrison:ecosystem"] == "Red Hat"


def test_empty_inventory_is_valid_and_complete() -> None:
    text = render(Inventory("/src/empty/", ()))
    assert_schema_valid(text)
    document = json.loads(text)
    assert document["metadata"]["component"]["name"] == "empty"
    assert "properties" not in document["metadata"]
    assert document["components"] == []


def test_every_warning_is_a_gap_property() -> None:
    warnings = (
        ScanWarning("a.txt", "one", Gap.UNPINNED, 2),
        ScanWarning("b.lock", "two", Gap.SKIPPED),
    )
    document = rendered(Inventory("t", (), warnings=warnings))
    assert [p["value"] for p in document["metadata"]["properties"]] == [
        "skipped: b.lock: two",
        "unpinned: a.txt:2: one",
    ]


def test_timestamps_are_written_in_utc() -> None:
    east = timezone(timedelta(hours=2))
    for timestamp in (datetime(2025, 1, 9, 14, 0, 0, 500, tzinfo=east), datetime(2025, 1, 9, 12)):
        assert rendered_at(timestamp)["metadata"]["timestamp"] == "2025-01-09T12:00:00+00:00"


def rendered_at(timestamp: datetime) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(Inventory("t", ()), timestamp))
    return document


def test_input_order_does_not_matter_even_for_near_duplicates() -> None:
    base = Component("npm", "a", "1", "pkg:npm/a@1", Location("package-lock.json"))
    alike = (
        base,
        replace(base, scope="dev"),
        replace(base, direct=True),
        replace(base, bom_ref="x"),
    )
    assert render(Inventory("t", alike)) == render(Inventory("t", alike[::-1]))
