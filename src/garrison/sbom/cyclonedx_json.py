"""CycloneDX JSON documents, spec versions 1.4 to 1.6.

Every entry of `components`, nested `components` included, becomes a Component when its
purl names a supported ecosystem; otherwise it becomes a warning. `metadata.component`
(the subject of the SBOM) is not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from garrison.errors import SbomError
from garrison.sbom.base import Collector, SbomContents, text_or_none

NAME = "cyclonedx"
SPEC_VERSIONS = ("1.4", "1.5", "1.6")


def matches(document: dict[str, Any]) -> bool:
    return document.get("bomFormat") == "CycloneDX"


def read(document: dict[str, Any], source: str) -> SbomContents:
    spec_version = document.get("specVersion")
    if spec_version not in SPEC_VERSIONS:
        supported = ", ".join(SPEC_VERSIONS)
        raise SbomError(
            f"{source}: unsupported CycloneDX specVersion {spec_version!r} (supported: {supported})"
        )
    collector = Collector(source, "bom-ref")
    for entry in _walk(document.get("components"), source):
        collector.add(
            name=text_or_none(entry.get("name")) or "<unnamed>",
            ref=text_or_none(entry.get("bom-ref")),
            purl=entry.get("purl"),
            version=text_or_none(entry.get("version")),
            licenses=_licenses(entry.get("licenses")),
            kind=entry.get("type"),
        )
    return collector.contents(NAME, str(spec_version))


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
