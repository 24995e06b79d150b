"""Test data for the server: CycloneDX documents built in code, and upload helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

DIGEST_A = "sha256:" + "a1" * 32
DIGEST_B = "sha256:" + "b2" * 32


def cyclonedx(purls: Iterable[str], *, serial: str = "1") -> dict[str, Any]:
    """A CycloneDX 1.6 JSON document listing one library per purl (its version from it)."""
    components = []
    for index, purl in enumerate(purls):
        name = purl.split("/")[-1].split("@")[0]
        version = purl.split("@", 1)[1].split("?")[0] if "@" in purl else None
        component: dict[str, Any] = {
            "type": "library",
            "bom-ref": f"c{index}",
            "name": name,
            "purl": purl,
        }
        if version:
            component["version"] = version
        components.append(component)
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:00000000-0000-4000-8000-{int(serial):012d}",
        "version": 1,
        "components": components,
    }


PURLS_V1 = ("pkg:pypi/requests@2.31.0", "pkg:pypi/Flask_Login@0.6.3", "pkg:npm/lodash@4.17.20")
PURLS_V2 = (
    "pkg:pypi/requests@2.32.3",
    "pkg:pypi/Flask_Login@0.6.3",
    "pkg:deb/debian/openssl@3.0.11-1?distro=debian-12",
)


def artifact_body(key: str, purls: Iterable[str] = PURLS_V1, **meta: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"key": key, "name": meta.pop("name", "shop"), **meta}
    body["sbom"] = cyclonedx(purls)
    return body


def upload(
    client: TestClient,
    headers: Mapping[str, str],
    key: str,
    purls: Iterable[str] = PURLS_V1,
    **meta: Any,
) -> Response:
    body = artifact_body(key, purls, **meta)
    response: Response = client.post("/api/v1/artifacts", json=body, headers=dict(headers))
    return response


def sbom_bytes(purls: Iterable[str]) -> bytes:
    return json.dumps(cyclonedx(purls)).encode()
