"""SBOM readers: CycloneDX JSON and SPDX JSON documents to Components.

Public API:
    read_sbom(data, source) -> SbomContents; raises SbomError
    READERS: the reader modules, each with NAME, matches(document), read(document, source)
"""

from __future__ import annotations

import json
from typing import Any

from garrison.errors import SbomError
from garrison.perf import gc_paused
from garrison.sbom import cyclonedx_json, spdx_json
from garrison.sbom.base import SbomContents, SbomReader

__all__ = ["READERS", "SbomContents", "read_sbom"]

READERS: tuple[SbomReader, ...] = (cyclonedx_json, spdx_json)


def read_sbom(data: bytes, source: str) -> SbomContents:
    """Read an SBOM document; `source` is the path shown in messages and locations."""
    with gc_paused():
        document = _parse_json(data, source)
        if isinstance(document, dict):
            for reader in READERS:
                if reader.matches(document):
                    return reader.read(document, source)
    raise SbomError(f"{source}: not a CycloneDX or SPDX JSON document")


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
