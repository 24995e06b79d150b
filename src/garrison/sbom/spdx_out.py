"""An Inventory as an SPDX 2.3 JSON document, built with spdx-tools.

The same Inventory, tool version and timestamp give the same bytes; across runs only
`created` changes (the documentNamespace ends in a uuid5 of the content). The document
DESCRIBES a root package for the scanned target, which DEPENDS_ON the direct components;
the inventory's edges are DEPENDS_ON relationships between packages. SPDX 2.3 has no
properties: a component's location is its `sourceInfo`, its scope and directness its
`comment`, and the inventory's warnings are the document comment.

Licences: `licenseDeclared` is the component's licences joined with AND when every one is
an SPDX expression (normalised: `mit` -> `MIT`), NOASSERTION otherwise, with the original
text in `licenseComment`; `licenseConcluded` is NOASSERTION (garrison concludes nothing).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from spdx_tools.common.spdx_licensing import spdx_licensing  # type: ignore[import-untyped]
from spdx_tools.spdx.jsonschema.document_converter import DocumentConverter
from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.package import (
    ExternalPackageRef,
    ExternalPackageRefCategory,
    Package,
    PackagePurpose,
)
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion

from garrison.model import Component, Inventory
from garrison.sbom.base import Layout, lay_out, utc

DOCUMENT_ID = "SPDXRef-DOCUMENT"
ROOT_ID = "SPDXRef-Root"
NAMESPACE_BASE = "https://garrison.invalid/spdx/"


def render_spdx(inventory: Inventory, *, tool_version: str, timestamp: datetime) -> str:
    """The inventory as SPDX 2.3 JSON text (2-space indent, trailing newline)."""
    layout = lay_out(inventory, tool_version=tool_version, format_name="spdx-2.3")
    ids = _spdx_ids(layout)
    packages = [_root(layout)]
    packages.extend(_package(ids[ref], component) for ref, component in layout.entries)
    relationships = [Relationship(DOCUMENT_ID, RelationshipType.DESCRIBES, ROOT_ID)]
    relationships.extend(
        Relationship(ids[parent], RelationshipType.DEPENDS_ON, ids[child])
        for parent, children in layout.dependencies
        for child in children
    )
    document = Document(
        _creation_info(layout, tool_version, timestamp),
        packages=packages,
        relationships=relationships,
    )
    converted = DocumentConverter().convert(document)  # type: ignore[no-untyped-call]
    return json.dumps(converted, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _creation_info(layout: Layout, tool_version: str, timestamp: datetime) -> CreationInfo:
    comment = None
    if layout.gaps:
        lines = "\n".join(layout.gaps)
        comment = f"Incomplete: {len(layout.gaps)} gap(s) in the inventory:\n{lines}"
    name = quote(layout.target_name, safe="")
    return CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id=DOCUMENT_ID,
        name=layout.target_name,
        document_namespace=f"{NAMESPACE_BASE}{name}-{layout.content_id}",
        creators=[Actor(ActorType.TOOL, f"garrison-{tool_version}")],
        created=utc(timestamp),
        document_comment=comment,
    )


def _spdx_ids(layout: Layout) -> dict[str, str]:
    """`SPDXRef-Package-<16 hex of sha256(ref)>`, longer in the unlikely event of a clash."""
    ids = {layout.root_ref: ROOT_ID}
    taken = {ROOT_ID}
    for ref, _ in layout.entries:
        digest = hashlib.sha256(ref.encode()).hexdigest()
        length = 16
        while (spdx_id := f"SPDXRef-Package-{digest[:length]}") in taken:
            length += 4
        taken.add(spdx_id)
        ids[ref] = spdx_id
    return ids


def _root(layout: Layout) -> Package:
    return Package(
        ROOT_ID,
        layout.target_name,
        SpdxNoAssertion(),
        files_analyzed=False,
        license_concluded=SpdxNoAssertion(),
        license_declared=SpdxNoAssertion(),
        primary_package_purpose=PackagePurpose.APPLICATION,
    )


def _package(spdx_id: str, component: Component) -> Package:
    declared, licence_comment = _declared(component.licenses)
    purl = component.purl
    category = ExternalPackageRefCategory.PACKAGE_MANAGER
    references = [ExternalPackageRef(category, "purl", purl)] if purl else []
    location = component.location
    source_info = None
    if location is not None:
        where = f"{location.path}:{location.line}" if location.line else location.path
        source_info = f"found in: {where}"
    notes = []
    if component.scope is not None:
        notes.append(f"scope: {component.scope}")
    if component.direct is not None:
        notes.append(f"direct: {str(component.direct).lower()}")
    return Package(
        spdx_id,
        component.name,
        SpdxNoAssertion(),
        version=component.version,
        files_analyzed=False,
        source_info=source_info,
        license_concluded=SpdxNoAssertion(),
        license_declared=declared,
        license_comment=licence_comment,
        comment="; ".join(notes) or None,
        external_references=references,
        primary_package_purpose=PackagePurpose.LIBRARY,
    )


def _declared(licenses: tuple[str, ...]) -> tuple[object, str | None]:
    """The declared licence expression (or NOASSERTION) and a comment keeping the text."""
    if not licenses:
        return SpdxNoAssertion(), None
    expressions = [_expression(text) for text in licenses]
    if None in expressions:
        return SpdxNoAssertion(), "declared: " + "; ".join(licenses)
    if len(expressions) == 1:
        return expressions[0], None
    joined = " AND ".join(f"({e})" if " " in str(e) else str(e) for e in expressions)
    return _expression(joined), None


@lru_cache(maxsize=4096)
def _expression(text: str) -> object | None:
    """The parsed SPDX expression, or None when it is not one (unknown ids included)."""
    try:
        result = spdx_licensing.validate(text)
    except AttributeError:
        # license-expression 30.4: `validate` itself fails on some syntax errors ('MIT,').
        return None
    if result.errors or not result.normalized_expression or not text.strip():
        return None
    parsed: object = spdx_licensing.parse(result.normalized_expression)
    return parsed
