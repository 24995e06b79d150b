"""CycloneDX XML documents, spec versions 1.4 to 1.7 (told by the namespace).

Each `component` under `bom/components`, nested ones included, is turned into the entry
the JSON form of the same document has (name, group, version, purl, bom-ref, type,
licences, properties), and read as the JSON reader reads it: the same document gives the
same SbomContents in either syntax. Parsing (garrison.sbom.read_sbom) is defusedxml's,
which refuses entity declarations and external references.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from garrison.sbom import cyclonedx_json
from garrison.sbom.base import XML, SbomContents

NAME = "cyclonedx-xml"
SYNTAX = XML
NAMESPACE_PREFIX = "http://cyclonedx.org/schema/bom/"
_TEXT_FIELDS = ("name", "group", "version", "purl")


def matches(document: Any) -> bool:
    return isinstance(document, Element) and _split(document.tag) == ("bom", True)


def read(document: Element, source: str) -> SbomContents:
    namespace = document.tag[1:].partition("}")[0]
    spec_version = namespace.removeprefix(NAMESPACE_PREFIX)
    spec_version = cyclonedx_json.checked_spec_version(spec_version, source)
    entries = (_entry(element, namespace) for element in _walk(document, namespace))
    return cyclonedx_json.read_entries(entries, source, spec_version)


def _split(tag: str) -> tuple[str, bool]:
    """An element's local name, and whether its namespace is a CycloneDX one."""
    namespace, _, local = tag[1:].rpartition("}")
    return local, tag.startswith("{") and namespace.startswith(NAMESPACE_PREFIX)


def _walk(bom: Element, namespace: str) -> Iterator[Element]:
    """The `component` elements, depth-first in document order, without recursion."""
    components, component = f"{{{namespace}}}components", f"{{{namespace}}}component"
    stack = [c for list_ in bom.findall(components) for c in list_.findall(component)][::-1]
    while stack:
        element = stack.pop()
        yield element
        nested = [c for list_ in element.findall(components) for c in list_.findall(component)]
        stack.extend(nested[::-1])


def _entry(element: Element, namespace: str) -> dict[str, Any]:
    """The JSON-shaped entry of one component element (without its nested components)."""
    entry: dict[str, Any] = {
        "type": element.get("type"),
        "bom-ref": element.get("bom-ref"),
        "licenses": _licenses(element.find(f"{{{namespace}}}licenses"), namespace),
        "properties": [
            {"name": item.get("name"), "value": item.text or ""}
            for item in element.iterfind(f"{{{namespace}}}properties/{{{namespace}}}property")
        ],
    }
    for field in _TEXT_FIELDS:
        child = element.find(f"{{{namespace}}}{field}")
        if child is not None:
            entry[field] = child.text or ""
    return entry


def _licenses(licenses: Element | None, namespace: str) -> list[dict[str, Any]]:
    """`<license><id|name>` and `<expression>` (1.7: `<expression-detailed expression=>`)."""
    if licenses is None:
        return []
    choices: list[dict[str, Any]] = []
    for choice in licenses:
        local, _ = _split(choice.tag)
        if local == "license":
            id_ = choice.find(f"{{{namespace}}}id")
            name = choice.find(f"{{{namespace}}}name")
            choices.append({"license": {"id": _text(id_), "name": _text(name)}})
        elif local == "expression":
            choices.append({"expression": choice.text})
        elif local == "expression-detailed":
            choices.append({"expression": choice.get("expression")})
    return choices


def _text(element: Element | None) -> str | None:
    return None if element is None else element.text
