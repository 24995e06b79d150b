"""Identifying an SBOM component that has no purl from its other fields.

Generators tell a package's type in their own properties: syft as `syft:package:type`,
trivy as `aquasecurity:trivy:PkgType` (CycloneDX properties; in SPDX, annotations that the
SPDX reader turns into the same property names), garrison as `garrison:ecosystem`. With a
known type, the name (and the CycloneDX `group`: npm scope, Maven group id, Composer vendor)
gives a purl, built with `build_purl`, that is then read like any other purl. A CPE alone is
not enough: it does not say which registry a package comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from garrison.sbom.purls import build_purl

SYFT_TYPE = "syft:package:type"
TRIVY_TYPE = "aquasecurity:trivy:PkgType"
TRIVY_CLASS = "aquasecurity:trivy:Class"
GARRISON_ECOSYSTEM = "garrison:ecosystem"

# syft's package types (syft/pkg/type.go) -> OSV ecosystem.
SYFT_ECOSYSTEMS = {
    "python": "PyPI", "npm": "npm", "go-module": "Go", "rust-crate": "crates.io",
    "gem": "RubyGems", "php-composer": "Packagist", "java-archive": "Maven",
    "dotnet": "NuGet", "dart-pub": "Pub", "hex": "Hex", "deb": "Debian", "apk": "Alpine",
    "rpm": "Red Hat",
}  # fmt: skip
# trivy's language package types (pkg/fanal/types/const.go) -> OSV ecosystem.
TRIVY_ECOSYSTEMS = {
    "pip": "PyPI", "pipenv": "PyPI", "poetry": "PyPI", "python-pkg": "PyPI", "uv": "PyPI",
    "npm": "npm", "yarn": "npm", "pnpm": "npm", "node-pkg": "npm", "bun": "npm",
    "gomod": "Go", "gobinary": "Go", "cargo": "crates.io", "rust-binary": "crates.io",
    "bundler": "RubyGems", "gemspec": "RubyGems", "composer": "Packagist",
    "composer-vendor": "Packagist", "jar": "Maven", "pom": "Maven", "gradle": "Maven",
    "sbt": "Maven", "nuget": "NuGet", "dotnet-core": "NuGet", "packages-props": "NuGet",
    "pub": "Pub", "hex": "Hex",
}  # fmt: skip
# Where the Maven group id may be when the component has no `group` (syft versions differ).
_SYFT_GROUP_ID = ("syft:metadata:pomGroupID", "syft:metadata:-:groupID")
_SYFT_ARTIFACT_ID = ("syft:metadata:pomArtifactID", "syft:metadata:-:artifactID")
# Ecosystems whose package name joins a CycloneDX `group` to the name, and with what.
_GROUP_JOIN = {"npm": "/", "Go": "/", "Packagist": "/", "Maven": ":"}


@dataclass(frozen=True, slots=True)
class Fields:
    """What an SBOM entry says of itself besides its purl. Properties: first value wins."""

    name: str | None
    version: str | None
    group: str | None = None
    properties: Mapping[str, str] = field(default_factory=dict)


def properties_of(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A name -> value mapping of property pairs; the first value of a repeated name wins."""
    found: dict[str, str] = {}
    for name, value in pairs:
        found.setdefault(name, value)
    return found


def ecosystem_of(properties: Mapping[str, str]) -> str | None:
    """The OSV ecosystem a generator's type property names, or None."""
    syft_type = properties.get(SYFT_TYPE)
    if syft_type in SYFT_ECOSYSTEMS:
        return SYFT_ECOSYSTEMS[syft_type]
    trivy_type = properties.get(TRIVY_TYPE)
    if trivy_type in TRIVY_ECOSYSTEMS:
        return TRIVY_ECOSYSTEMS[trivy_type]
    return properties.get(GARRISON_ECOSYSTEM) or None


def is_aggregate(fields: Fields) -> bool:
    """An entry that groups packages rather than being one: trivy's per-lockfile
    'application' entries (`aquasecurity:trivy:Class` = lang-pkgs, os-pkgs, ...)."""
    return TRIVY_CLASS in fields.properties and TRIVY_TYPE not in fields.properties


def purl_from_fields(fields: Fields) -> str | None:
    """A purl for an entry without one, or None when its fields do not identify it.

    The purl may still be unusable (a Maven artifact without a group id, an rpm of no
    known distribution): reading it then says why, as for any purl.
    """
    ecosystem = ecosystem_of(fields.properties)
    if ecosystem is None:
        return None
    name = _package_name(ecosystem, fields)
    if not name:
        return None
    return build_purl(ecosystem, name, fields.version)


def _package_name(ecosystem: str, fields: Fields) -> str | None:
    name, group = fields.name, fields.group
    if ecosystem == "Maven":
        group = group or _first(fields.properties, _SYFT_GROUP_ID)
        name = _first(fields.properties, _SYFT_ARTIFACT_ID) or name
    joiner = _GROUP_JOIN.get(ecosystem)
    if not name or not group or joiner is None or joiner in name:
        return name
    if ecosystem == "npm" and not group.startswith("@"):
        group = f"@{group}"
    return f"{group}{joiner}{name}"


def _first(properties: Mapping[str, str], names: Iterable[str]) -> str | None:
    return next((properties[name] for name in names if properties.get(name)), None)
