"""An Inventory as a CycloneDX 1.6 JSON document.

The same Inventory, tool version and timestamp give the same bytes; across runs only the
timestamp changes (the serialNumber is a uuid5 of the content). The scanned target is
`metadata.component` and the root of the dependency graph. Each component's file and line
are its `evidence.occurrences`; what CycloneDX has no field for is a property
(`garrison:scope`, `garrison:direct`, and `garrison:ecosystem` when there is no purl).
Each warning of the inventory is a metadata property `garrison:gap`, and `compositions`
says whether the inventory is complete.

The document is written as plain JSON here. cyclonedx-python-lib's serializer costs about
0.5 ms per component (5 s for 10,000) and its outputter runs a validation quadratic in the
number of components; the library still classifies licences (SPDX id, expression or name),
and the tests validate every document with the library's own 1.6 schema validator.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

from garrison import jsontext
from garrison.model import Component, ImageFacts, Inventory
from garrison.sbom.base import Layout, lay_out, utc

_LICENSES = LicenseFactory()
_SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"


def render_cyclonedx(inventory: Inventory, *, tool_version: str, timestamp: datetime) -> str:
    """The inventory as CycloneDX 1.6 JSON text (2-space indent, trailing newline)."""
    document, _ = bom_document(inventory, tool_version=tool_version, timestamp=timestamp)
    return jsontext.dumps(document)


def bom_document(
    inventory: Inventory, *, tool_version: str, timestamp: datetime
) -> tuple[dict[str, Any], Layout]:
    """The CycloneDX 1.6 document of the inventory, and the layout it follows (which says
    each component's bom-ref); the VEX report adds its vulnerabilities to it."""
    layout = lay_out(inventory, tool_version=tool_version, format_name="cyclonedx-1.6")
    metadata: dict[str, Any] = {
        "timestamp": utc(timestamp).isoformat(),
        "tools": {"components": [{"type": "application", "name": "garrison",
                                  "version": tool_version}]},
        "component": _root(layout.root_ref, layout.target_name, inventory.image),
    }  # fmt: skip
    properties = [{"name": "garrison:gap", "value": gap} for gap in sorted(layout.gaps)]
    properties += _image_properties(inventory.image)
    if properties:
        metadata["properties"] = properties
    document = {
        "$schema": _SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{layout.content_id}",
        "version": 1,
        "metadata": metadata,
        "components": [_component(ref, component) for ref, component in layout.entries],
        "dependencies": [
            {"ref": parent, "dependsOn": list(children)} if children else {"ref": parent}
            for parent, children in layout.dependencies
        ],
        "compositions": [
            {"aggregate": "incomplete" if layout.gaps else "complete",
             "assemblies": [layout.root_ref]}
        ],
    }  # fmt: skip
    return document, layout


def _root(ref: str, name: str, image: ImageFacts | None) -> dict[str, Any]:
    """The scanned target: an application, or a container with its digest as hash."""
    if image is None or image.digest is None:
        return {"type": "container" if image else "application", "bom-ref": ref, "name": name}
    algorithm, _, value = image.digest.partition(":")
    root: dict[str, Any] = {"type": "container", "bom-ref": ref, "name": name,
                            "version": image.digest}  # fmt: skip
    if algorithm == "sha256":
        root["hashes"] = [{"alg": "SHA-256", "content": value}]
    return root


def _image_properties(image: ImageFacts | None) -> list[dict[str, str]]:
    """Image facts CycloneDX has no field for: times, base image, layers (bottom first)."""
    if image is None:
        return []
    pairs = [
        ("garrison:image:reference", image.reference),
        ("garrison:image:config-digest", image.config_digest),
        ("garrison:image:created", image.created),
        ("garrison:image:pushed", image.pushed),
        ("garrison:image:platform", "/".join(p for p in (image.os, image.architecture) if p)),
        ("garrison:image:base-name", image.base_name),
        ("garrison:image:base-digest", image.base_digest),
    ]
    pairs += [("garrison:image:layer", f"{layer.digest} {layer.size}") for layer in image.layers]
    return [{"name": name, "value": value} for name, value in pairs if value]


def _component(ref: str, component: Component) -> dict[str, Any]:
    group, name = _group_and_name(component)
    entry: dict[str, Any] = {"type": "library", "bom-ref": ref}
    if group:
        entry["group"] = group
    entry["name"] = name
    if component.version:
        entry["version"] = component.version
    entry["scope"] = "required" if component.scope is None else "optional"
    if component.licenses:
        entry["licenses"] = _licenses(component.licenses)
    if component.purl:
        entry["purl"] = component.purl
    properties = _properties(component)
    if properties:
        entry["properties"] = properties
    location = component.location
    if location is not None:
        occurrence: dict[str, Any] = {"location": location.path}
        if location.line:
            occurrence["line"] = location.line
        entry["evidence"] = {"occurrences": [occurrence]}
    return entry


def _properties(component: Component) -> list[dict[str, str]]:
    """What CycloneDX has no field for: the ecosystem (only when no purl tells it), the scope
    as the source said it, and whether the dependency is direct."""
    properties = []
    if component.purl is None:
        properties.append({"name": "garrison:ecosystem", "value": component.ecosystem})
    if component.scope is not None:
        properties.append({"name": "garrison:scope", "value": component.scope})
    if component.direct is not None:
        properties.append({"name": "garrison:direct", "value": str(component.direct).lower()})
    return properties


def _group_and_name(component: Component) -> tuple[str | None, str]:
    """Maven `group:artifact` and npm `@scope/name` split into CycloneDX group and name."""
    name = component.name
    if component.ecosystem == "Maven" and ":" in name:
        group, _, artifact = name.partition(":")
        return group, artifact
    if component.ecosystem == "npm" and name.startswith("@") and "/" in name:
        scope, _, package = name.partition("/")
        return scope, package
    return None, name


def _licenses(names: tuple[str, ...]) -> list[dict[str, Any]]:
    """SPDX ids as ids, anything else by name; one compound expression alone as an
    expression (CycloneDX allows an expression only as the sole licence entry)."""
    if len(names) == 1:
        return [_license(names[0], alone=True)]
    return [_license(name, alone=False) for name in names]


@lru_cache(maxsize=4096)
def _license(name: str, *, alone: bool) -> dict[str, Any]:
    made = _LICENSES.make_from_string(name)
    if isinstance(made, LicenseExpression):
        return {"expression": name} if alone else {"license": {"name": name}}
    if isinstance(made, DisjunctiveLicense) and made.id:
        return {"license": {"id": made.id}}
    return {"license": {"name": name}}
