"""CycloneDX JSON documents, spec versions 1.4 to 1.7.

Every entry of `components`, nested `components` included, becomes a Component when its
purl names a supported ecosystem, or when it has no purl but its fields identify it
(garrison.sbom.fields); otherwise it becomes a warning. `metadata.component` (the subject
of the SBOM) is not read. `read_entries` is shared with the XML reader, which turns each
XML component into the same JSON-shaped entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from garrison.errors import SbomError
from garrison.sbom.base import JSON, Collector, SbomContents, text_or_none
from garrison.sbom.fields import Fields, properties_of

NAME = "cyclonedx"
SYNTAX = JSON
SPEC_VERSIONS = ("1.4", "1.5", "1.6", "1.7")


def matches(document: Any) -> bool:
    return isinstance(document, dict) and document.get("bomFormat") == "CycloneDX"


def read(document: dict[str, Any], source: str) -> SbomContents:
    spec_version = checked_spec_version(document.get("specVersion"), source)
    return read_entries(_walk(document.get("components"), source), source, spec_version)


def checked_spec_version(spec_version: Any, source: str) -> str:
    """The spec version, or SbomError when it is not one garrison reads."""
    if spec_version not in SPEC_VERSIONS:
        supported = ", ".join(SPEC_VERSIONS)
        raise SbomError(
            f"{source}: unsupported CycloneDX specVersion {spec_version!r} (supported: {supported})"
        )
    return str(spec_version)


def read_entries(entries: Iterable[dict[str, Any]], source: str, spec_version: str) -> SbomContents:
    """The contents of a CycloneDX document given its components as JSON-shaped entries,
    in document order."""
    collector = Collector(source, "bom-ref")
    for entry in entries:
        name = text_or_none(entry.get("name"))
        version = text_or_none(entry.get("version"))
        purl = entry.get("purl")
        collector.add(
            name=name or "<unnamed>",
            ref=text_or_none(entry.get("bom-ref")),
            purl=purl,
            version=version,
            licenses=_licenses(entry.get("licenses")),
            kind=entry.get("type"),
            fields=_fields(entry, name, version) if purl in (None, "") else None,
        )
    return collector.contents(NAME, spec_version)


def _walk(components: Any, source: str) -> Iterator[dict[str, Any]]:
    """Depth-first, in document order, without recursion."""
    stack = _as_list(components, source)[::-1]
    while stack:
        entry = stack.pop()
        if not isinstance(entry, dict):
            raise SbomError(f"{source}: a component is not a JSON object")
        yield entry
        nested = entry.get("components")
        if nested:
            stack.extend(_as_list(nested, source)[::-1])


def _as_list(value: Any, source: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SbomError(f"{source}: 'components' is not a JSON array")
    return value


def _fields(entry: dict[str, Any], name: str | None, version: str | None) -> Fields:
    properties = entry.get("properties")
    pairs = [
        (item["name"], item["value"])
        for item in (properties if isinstance(properties, list) else ())
        if isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and isinstance(item.get("value"), str)
    ]
    return Fields(name, version, text_or_none(entry.get("group")), properties_of(pairs))


def _licenses(choices: Any) -> tuple[str, ...]:
    """`licenses[]`: each either {"license": {"id" | "name"}} or {"expression": ...}."""
    if not isinstance(choices, list):
        return ()
    found: list[str] = []
    for choice in choices:
        if not isinstance(choice, dict):
            continue
        license_ = choice.get("license")
        if isinstance(license_, dict):
            value = text_or_none(license_.get("id")) or text_or_none(license_.get("name"))
        else:
            value = text_or_none(choice.get("expression"))
        if value and value not in found:
            found.append(value)
    return tuple(found)
