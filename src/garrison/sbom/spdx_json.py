"""SPDX JSON documents, versions 2.2 and 2.3.

Every entry of `packages` becomes a Component when it has a purl external reference
naming a supported ecosystem; otherwise it becomes a warning.
"""

from __future__ import annotations

from typing import Any

from garrison.errors import SbomError
from garrison.sbom.base import Collector, SbomContents, text_or_none

NAME = "spdx"
SPEC_VERSIONS = ("SPDX-2.2", "SPDX-2.3")
_PURL_CATEGORIES = frozenset({"PACKAGE-MANAGER", "PACKAGE_MANAGER"})
_NO_LICENSE = frozenset({"NOASSERTION", "NONE"})
# SPDX 2.3 primaryPackagePurpose values that are not packages (skipped if without purl).
_NON_PACKAGE_PURPOSES = {"OPERATING-SYSTEM": "operating-system", "FILE": "file"}


def matches(document: dict[str, Any]) -> bool:
    version = document.get("spdxVersion")
    return isinstance(version, str) and version.startswith("SPDX-")


def read(document: dict[str, Any], source: str) -> SbomContents:
    spec_version = document.get("spdxVersion")
    if spec_version not in SPEC_VERSIONS:
        supported = ", ".join(SPEC_VERSIONS)
        raise SbomError(
            f"{source}: unsupported SPDX version {spec_version!r} (supported: {supported})"
        )
    packages = document.get("packages") or []
    if not isinstance(packages, list):
        raise SbomError(f"{source}: 'packages' is not a JSON array")
    collector = Collector(source, "SPDXID")
    for package in packages:
        if not isinstance(package, dict):
            raise SbomError(f"{source}: a package is not a JSON object")
        collector.add(
            name=text_or_none(package.get("name")) or "<unnamed>",
            ref=text_or_none(package.get("SPDXID")),
            purl=_purl(package.get("externalRefs")),
            version=text_or_none(package.get("versionInfo")),
            licenses=_licenses(package),
            kind=_NON_PACKAGE_PURPOSES.get(package.get("primaryPackagePurpose") or ""),
        )
    return collector.contents(NAME, str(spec_version))


def _purl(external_refs: Any) -> Any:
    """The locator of the first purl reference in the package-manager category."""
    if not isinstance(external_refs, list):
        return None
    for ref in external_refs:
        if (
            isinstance(ref, dict)
            and ref.get("referenceType") == "purl"
            and ref.get("referenceCategory") in _PURL_CATEGORIES
        ):
            return ref.get("referenceLocator")
    return None


def _licenses(package: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for key in ("licenseConcluded", "licenseDeclared"):
        value = text_or_none(package.get(key))
        if value and value not in _NO_LICENSE and value not in found:
            found.append(value)
    return tuple(found)
