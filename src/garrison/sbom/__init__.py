"""SBOM readers (CycloneDX JSON and XML, SPDX JSON) and writers (CycloneDX, SPDX JSON).

Public API:
    read_sbom(data, source) -> SbomContents; raises SbomError
    READERS: the reader modules, each with NAME, SYNTAX (JSON or XML), matches(document)
        and read(document, source); read_sbom parses the bytes as the first non-blank
        byte says ('<': XML, else JSON) and asks the readers of that syntax in order.
    Writers: garrison.sbom.cyclonedx_out.render_cyclonedx and
        garrison.sbom.spdx_out.render_spdx (imported on use: their libraries are heavy).
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from garrison.errors import SbomError
from garrison.perf import gc_paused
from garrison.sbom import cyclonedx_json, cyclonedx_xml, spdx_json
from garrison.sbom.base import JSON, XML, SbomContents, SbomReader

__all__ = ["READERS", "SbomContents", "read_sbom", "syntax_of"]

READERS: tuple[SbomReader, ...] = (cyclonedx_json, spdx_json, cyclonedx_xml)

_BLANK = re.compile(rb"[ \t\r\n]*")
_UTF8_BOM = b"\xef\xbb\xbf"


def read_sbom(data: bytes, source: str) -> SbomContents:
    """Read an SBOM document; `source` is the path shown in messages and locations."""
    with gc_paused():
        syntax = syntax_of(data)
        document = _parse_xml(data, source) if syntax == XML else _parse_json(data, source)
        for reader in READERS:
            if syntax == reader.SYNTAX and reader.matches(document):
                return reader.read(document, source)
    if syntax == XML:
        raise SbomError(f"{source}: not a CycloneDX XML document")
    raise SbomError(f"{source}: not a CycloneDX or SPDX JSON document")


def syntax_of(data: bytes) -> str:
    """XML when the first byte after blanks (and a UTF-8 byte order mark) is '<'."""
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    blank = _BLANK.match(data, start)
    end = blank.end() if blank else start
    return XML if data[end : end + 1] == b"<" else JSON


def _parse_json(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        raise SbomError(
            f"{source}: not valid JSON: line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except UnicodeDecodeError as error:
        raise SbomError(f"{source}: not valid JSON: cannot decode text: {error.reason}") from None
    except RecursionError:
        raise SbomError(f"{source}: not valid JSON: nested too deeply") from None


def _parse_xml(data: bytes, source: str) -> Element:
    """Parse with defusedxml: entity declarations and external references are refused."""
    try:
        root: Element = fromstring(data)
    except DefusedXmlException as error:
        reason = _REFUSED.get(type(error).__name__, type(error).__name__)
        raise SbomError(f"{source}: XML refused: {reason}") from None
    except ParseError as error:
        raise SbomError(f"{source}: not valid XML: {error}") from None
    return root


_REFUSED = {
    "EntitiesForbidden": "entity declarations are not allowed",
    "ExternalReferenceForbidden": "external references are not allowed",
    "DTDForbidden": "document type declarations are not allowed",
}
