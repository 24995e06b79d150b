"""What an SBOM reader returns, the interface every reader module implements, and helpers;
and the layout both SBOM writers give an Inventory (document refs, edges, content id)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, Protocol

from garrison.errors import SbomError
from garrison.model import Component, Gap, Inventory, ScanWarning
from garrison.sbom.fields import Fields, is_aggregate, purl_from_fields
from garrison.sbom.purls import build_purl, component_from_purl

# Component kinds that are not packages: without a purl they are skipped without a warning.
NON_PACKAGE_KINDS = frozenset({"operating-system", "file", "data"})

# The syntaxes a reader can declare; read_sbom parses the document before asking readers.
JSON = "json"  # the document is the parsed JSON value
XML = "xml"  # the document is the root xml.etree.ElementTree.Element


@dataclass(frozen=True, slots=True)
class SbomContents:
    """The components of one SBOM document, and what could not be used."""

    format: str  # "cyclonedx" | "spdx"
    spec_version: str  # e.g. "1.6" / "SPDX-2.3"
    components: tuple[Component, ...]
    warnings: tuple[ScanWarning, ...]


class SbomReader(Protocol):
    """A reader module: `NAME`, the `SYNTAX` it reads (JSON or XML), a cheap `matches`
    sniff of the parsed document, and `read`. `document` is a JSON value for SYNTAX JSON
    and an ElementTree Element for SYNTAX XML."""

    NAME: str
    SYNTAX: str

    def matches(self, document: Any) -> bool: ...

    def read(self, document: Any, source: str) -> SbomContents: ...


def component_warning(
    source: str, name: str, ref_label: str, ref: str | None, problem: str, gap: Gap
) -> ScanWarning:
    """ScanWarning(source, "component 'NAME' (bom-ref X): PROBLEM")."""
    where = f" ({ref_label} {ref})" if ref else ""
    return ScanWarning(source, f"component '{name}'{where}: {problem}", gap)


def text_or_none(value: Any) -> str | None:
    """A non-blank string field, stripped; anything else is None."""
    if isinstance(value, str):
        return value.strip() or None
    return None


@dataclass(slots=True)
class Collector:
    """Accumulates the components and warnings of one document, in document order."""

    source: str
    ref_label: str  # how the document names its identifiers: "bom-ref", "SPDXID"
    components: list[Component] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)

    def add(
        self,
        *,
        name: str,
        ref: str | None,
        purl: Any,
        version: str | None,
        licenses: tuple[str, ...],
        kind: str | None = None,
        fields: Fields | None = None,
    ) -> None:
        """Add one SBOM entry as a Component, or warn why it cannot be matched.

        Without a purl, `fields` (the entry's name, group and generator properties) may
        still identify it (garrison.sbom.fields); non-package kinds and aggregates are
        skipped silently.
        """
        if purl in (None, "") and fields is not None:
            if is_aggregate(fields):
                return
            purl = purl_from_fields(fields)
        if purl in (None, "") and kind in NON_PACKAGE_KINDS:
            return
        problem = _purl_problem(purl)
        if problem is None:
            try:
                component = component_from_purl(
                    purl, version=version, source=self.source, licenses=licenses, bom_ref=ref
                )
            except SbomError as error:
                problem = str(error)
            else:
                self.components.append(component)
                if component.version is None:
                    self.warn(name, ref, "no version; treated as version unknown", Gap.NO_VERSION)
                return
        self.warn(name, ref, f"{problem}; not matched", Gap.UNMATCHED)

    def warn(self, name: str, ref: str | None, problem: str, gap: Gap) -> None:
        self.warnings.append(
            component_warning(self.source, name, self.ref_label, ref, problem, gap)
        )

    def contents(self, format_name: str, spec_version: str) -> SbomContents:
        return SbomContents(format_name, spec_version, tuple(self.components), tuple(self.warnings))


def _purl_problem(purl: Any) -> str | None:
    if purl is None or purl == "":
        return "no purl"
    if not isinstance(purl, str):
        return f"purl is not a string ({type(purl).__name__})"
    return None


# ---------------------------------------------------------------------------------------
# Writers: an Inventory laid out deterministically

_CONTENT_NAMESPACE = uuid.UUID("6f0e3a52-61c5-4b36-9a43-2a4bb1f0c2d7")


@dataclass(frozen=True, slots=True)
class Layout:
    """An Inventory as both writers lay it out, the same for the same input.

    `entries` pairs each component (its purl built from its ecosystem when it had none)
    with a document-unique ref derived from purl and location path, sorted by (ecosystem,
    name, version, location). `dependencies` (parent -> children, by those refs, sorted)
    includes the root, which depends on the direct components and on those of unknown
    directness that no edge reaches. `content_id` is a uuid5 of everything but the time.
    """

    target_name: str
    root_ref: str
    entries: tuple[tuple[str, Component], ...]
    dependencies: tuple[tuple[str, tuple[str, ...]], ...]
    gaps: tuple[str, ...]
    content_id: uuid.UUID


def lay_out(inventory: Inventory, *, tool_version: str, format_name: str) -> Layout:
    """The Layout of `inventory` for the writer `format_name`."""
    target_name = PurePosixPath(inventory.target.replace("\\", "/").rstrip("/")).name
    target_name = target_name or inventory.target or "target"
    root_ref = f"target:{target_name}"
    entries = _entries(inventory.components)
    dependencies = _dependencies(inventory, entries, root_ref)
    gaps = tuple(gap_text(warning) for warning in inventory.warnings)
    identities = [_identity(entry) for entry in entries]
    content = [format_name, tool_version, inventory.target, identities, dependencies, gaps]
    canonical = json.dumps(content, separators=(",", ":"))
    content_id = uuid.uuid5(_CONTENT_NAMESPACE, canonical)
    return Layout(target_name, root_ref, entries, dependencies, gaps, content_id)


def utc(timestamp: datetime) -> datetime:
    """`timestamp` in UTC, whole seconds; a naive one is taken to be UTC already."""
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(UTC).replace(microsecond=0)


def gap_text(warning: ScanWarning) -> str:
    """`<gap>: <source>[:<line>]: <message>`, as the writers record a warning."""
    where = f"{warning.source}:{warning.line}" if warning.line else warning.source
    return f"{warning.gap}: {where}: {warning.message}"


def _sort_key(component: Component) -> tuple[Any, ...]:
    """(ecosystem, name, version, location), then the rest: the order of the input
    does not matter, even between components alike in all four."""
    c, location = component, component.location
    path, line = (location.path, location.line or 0) if location else ("", 0)
    rest = (c.purl or "", c.scope or "", str(c.direct), c.licenses, c.bom_ref or "")
    return (c.ecosystem, c.name, c.version or "", path, line, *rest)


def _entries(components: Iterable[Component]) -> tuple[tuple[str, Component], ...]:
    entries: list[tuple[str, Component]] = []
    taken: set[str] = set()
    for component in sorted(components, key=_sort_key):
        purl = component.purl or build_purl(component.ecosystem, component.name, component.version)
        if purl != component.purl:
            component = replace(component, purl=purl)
        base = purl or f"{component.ecosystem}:{component.name}@{component.version or ''}"
        if component.location:
            base = f"{base}#{component.location.path}"
        ref, counter = base, 1
        while ref in taken:
            counter += 1
            ref = f"{base}~{counter}"
        taken.add(ref)
        entries.append((ref, component))
    return tuple(entries)


def _dependencies(
    inventory: Inventory, entries: tuple[tuple[str, Component], ...], root_ref: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    refs: dict[str, str] = {}
    for ref, component in entries:
        if component.bom_ref is not None:
            refs.setdefault(component.bom_ref, ref)
    graph: dict[str, set[str]] = {}
    for parent, children in inventory.dependencies:
        if parent in refs:
            known = {refs[child] for child in children if child in refs}
            graph.setdefault(refs[parent], set()).update(known)
    reached = set().union(*graph.values()) if graph else set()
    graph[root_ref] = {
        ref
        for ref, component in entries
        if component.direct or (component.direct is None and ref not in reached)
    }
    return tuple((parent, tuple(sorted(graph[parent]))) for parent in sorted(graph))


def _identity(entry: tuple[str, Component]) -> list[Any]:
    ref, c = entry
    location = [c.location.path, c.location.line] if c.location else None
    return [ref, c.ecosystem, c.name, c.version, c.purl, location, c.licenses, c.scope, c.direct]
