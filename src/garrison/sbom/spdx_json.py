"""SPDX JSON documents, versions 2.2 and 2.3.

Every entry of `packages` becomes a Component when it has a purl external reference
naming a supported ecosystem, or when it has none but trivy's annotations identify it
(garrison.sbom.fields); otherwise it becomes a warning. A package the document DESCRIBES
that has no purl is the subject of the SBOM (a directory, an image), not a dependency: it
is skipped silently, as CycloneDX's `metadata.component` is.
"""

from __future__ import annotations

from typing import Any

from garrison.errors import SbomError
from garrison.sbom.base import JSON, Collector, SbomContents, text_or_none
from garrison.sbom.fields import Fields, properties_of

NAME = "spdx"
SYNTAX = JSON
SPEC_VERSIONS = ("SPDX-2.2", "SPDX-2.3")
_PURL_CATEGORIES = frozenset({"PACKAGE-MANAGER", "PACKAGE_MANAGER"})
_NO_LICENSE = frozenset({"NOASSERTION", "NONE"})
# SPDX 2.3 primaryPackagePurpose values that are not packages (skipped if without purl).
_NON_PACKAGE_PURPOSES = {"OPERATING-SYSTEM": "operating-system", "FILE": "file"}
_TRIVY_PREFIX = "aquasecurity:trivy:"


def matches(document: Any) -> bool:
    version = document.get("spdxVersion") if isinstance(document, dict) else None
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
    described = _described(document)
    collector = Collector(source, "SPDXID")
    for package in packages:
        if not isinstance(package, dict):
            raise SbomError(f"{source}: a package is not a JSON object")
        purl = _purl(package.get("externalRefs"))
        ref = text_or_none(package.get("SPDXID"))
        if purl in (None, "") and ref in described:
            continue
        name = text_or_none(package.get("name"))
        version = text_or_none(package.get("versionInfo"))
        collector.add(
            name=name or "<unnamed>",
            ref=ref,
            purl=purl,
            version=version,
            licenses=_licenses(package),
            kind=_NON_PACKAGE_PURPOSES.get(package.get("primaryPackagePurpose") or ""),
            fields=_fields(package, name, version) if purl in (None, "") else None,
        )
    return collector.contents(NAME, str(spec_version))


def _described(document: dict[str, Any]) -> set[str]:
    """The SPDXIDs the document DESCRIBES (relationships, or 2.2's documentDescribes)."""
    listed = document.get("documentDescribes")
    described = (
        {ref for ref in listed if isinstance(ref, str)} if isinstance(listed, list) else set()
    )
    document_id = document.get("SPDXID", "SPDXRef-DOCUMENT")
    relationships = document.get("relationships")
    for relation in relationships if isinstance(relationships, list) else ():
        if (
            isinstance(relation, dict)
            and relation.get("relationshipType") == "DESCRIBES"
            and relation.get("spdxElementId") == document_id
            and isinstance(relation.get("relatedSpdxElement"), str)
        ):
            described.add(relation["relatedSpdxElement"])
    return described


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


def _fields(package: dict[str, Any], name: str | None, version: str | None) -> Fields:
    """trivy writes its properties as annotations by 'Tool: trivy-…' with comments
    'Key: value': read as the CycloneDX properties `aquasecurity:trivy:Key`."""
    annotations = package.get("annotations")
    pairs = []
    for annotation in annotations if isinstance(annotations, list) else ():
        if not isinstance(annotation, dict):
            continue
        annotator, comment = annotation.get("annotator"), annotation.get("comment")
        if not (isinstance(annotator, str) and annotator.startswith("Tool: trivy")):
            continue
        key, colon, value = comment.partition(": ") if isinstance(comment, str) else ("", "", "")
        if colon:
            pairs.append((f"{_TRIVY_PREFIX}{key}", value))
    return Fields(name, version, None, properties_of(pairs))


def _licenses(package: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for key in ("licenseConcluded", "licenseDeclared"):
        value = text_or_none(package.get(key))
        if value and value not in _NO_LICENSE and value not in found:
            found.append(value)
    return tuple(found)
