"""Package URLs (purls): parsing, and mapping a purl to the OSV ecosystem and package name.

The parser follows the purl specification's parsing steps. It is our own rather than
`packageurl.PackageURL.from_string` because that one costs ~10-15 µs a purl, which alone
would take over a second for a 100,000-component SBOM; this one takes ~2 µs, and results
(failures included) are cached because SBOMs repeat purls. Names are percent-decoded but
not otherwise normalised: `garrison.ecosystems.normalize_name` does that when matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote

from garrison.errors import SbomError
from garrison.model import Component, Location

_CACHE_SIZE = 1 << 17
_TYPE = re.compile(r"[A-Za-z.+\-][A-Za-z0-9.+\-_]*")
_ALPINE_RELEASE = re.compile(r"(\d+)\.(\d+)")


class Purl(NamedTuple):
    """The parts of a package URL, percent-decoded. `type` is lower-cased."""

    type: str
    namespace: str | None
    name: str
    version: str | None
    qualifiers: dict[str, str]
    subpath: str | None


class Identity(NamedTuple):
    """What a purl names, in OSV's terms: an ecosystem (maybe with a release) and a name."""

    ecosystem: str
    name: str
    version: str | None


def parse_purl(text: str) -> Purl:
    """Parse a purl string; raise SbomError with the reason when it is not one."""
    scheme, colon, rest = text.strip().partition(":")
    if not colon or scheme.lower() != "pkg":
        raise SbomError(f"invalid purl {text!r}: no 'pkg:' scheme")
    rest, subpath = _split_right(rest, "#")
    rest, qualifiers = _split_right(rest, "?")
    type_, _, path = rest.strip("/").partition("/")
    if type_ not in _ECOSYSTEMS and not _TYPE.fullmatch(type_):
        raise SbomError(f"invalid purl {text!r}: bad or missing type")
    path, version = _split_version(path)
    segments = path.split("/")
    if "" in segments:
        segments = [segment for segment in segments if segment]
    if "%" in path:
        segments = [unquote(segment) for segment in segments]
    if not segments or not segments[-1]:
        raise SbomError(f"invalid purl {text!r}: no name")
    return Purl(
        type_.lower(),
        "/".join(segments[:-1]) or None,
        segments[-1],
        _decode(version) if version else None,
        _parse_qualifiers(qualifiers) if qualifiers else {},
        _parse_subpath(subpath) if subpath else None,
    )


def _split_version(path: str) -> tuple[str, str | None]:
    if "@" not in path:
        return path, None
    head, _, version = path.rpartition("@")
    # An '@' starting the path is an unencoded npm scope ('@babel/core'), not a version.
    if head.strip("/"):
        return head, version
    return path, None


def _split_right(text: str, separator: str) -> tuple[str, str | None]:
    if separator not in text:
        return text, None
    head, _, tail = text.rpartition(separator)
    return head, tail


def _decode(text: str) -> str:
    return unquote(text) if "%" in text else text


def _parse_qualifiers(text: str) -> dict[str, str]:
    qualifiers: dict[str, str] = {}
    for pair in text.split("&"):
        key, _, value = pair.partition("=")
        if key and value:
            qualifiers[key.lower()] = _decode(value)
    return qualifiers


def _parse_subpath(text: str) -> str | None:
    segments = [_decode(s) for s in text.split("/") if s not in ("", ".", "..")]
    return "/".join(segments) or None


# ---------------------------------------------------------------------------------------
# purl type -> OSV ecosystem


def _plain(ecosystem: str) -> Callable[[Purl], tuple[str, str]]:
    """Registries whose OSV package name is the purl name alone."""
    return lambda purl: (ecosystem, purl.name)


def _npm(purl: Purl) -> tuple[str, str]:
    if not purl.namespace:
        return "npm", purl.name
    scope = purl.namespace if purl.namespace.startswith("@") else f"@{purl.namespace}"
    return "npm", f"{scope}/{purl.name}"


def _golang(purl: Purl) -> tuple[str, str]:
    return "Go", f"{purl.namespace}/{purl.name}" if purl.namespace else purl.name


def _maven(purl: Purl) -> tuple[str, str]:
    if not purl.namespace:
        raise SbomError(f"maven purl for {purl.name!r} has no namespace (group id)")
    return "Maven", f"{purl.namespace}:{purl.name}"


def _composer(purl: Purl) -> tuple[str, str]:
    if not purl.namespace:
        raise SbomError(f"composer purl for {purl.name!r} has no namespace (vendor)")
    return "Packagist", f"{purl.namespace}/{purl.name}"


def _deb(purl: Purl) -> tuple[str, str]:
    ecosystem = _namespace_ecosystem(purl, {"debian": "Debian", "ubuntu": "Ubuntu"})
    release = _distro_release(purl, ecosystem.lower())
    if release and ecosystem == "Debian":
        release = release.split(".")[0]
    return (f"{ecosystem}:{release}" if release else ecosystem), purl.name


def _apk(purl: Purl) -> tuple[str, str]:
    namespaces = {"alpine": "Alpine", "wolfi": "Wolfi", "chainguard": "Chainguard"}
    ecosystem = _namespace_ecosystem(purl, namespaces, default="Alpine")
    release = _distro_release(purl, "alpine") if ecosystem == "Alpine" else None
    found = _ALPINE_RELEASE.match(release or "")
    if found:
        return f"Alpine:v{found[1]}.{found[2]}", purl.name
    return ecosystem, purl.name


def _rpm(purl: Purl) -> tuple[str, str]:
    namespaces = {
        "redhat": "Red Hat",
        "rocky": "Rocky Linux",
        "almalinux": "AlmaLinux",
        "opensuse": "openSUSE",
        "suse": "SUSE",
    }
    return _namespace_ecosystem(purl, namespaces), purl.name


def _namespace_ecosystem(purl: Purl, known: dict[str, str], default: str | None = None) -> str:
    namespace = (purl.namespace or "").lower()
    ecosystem = known.get(namespace) if namespace else default
    if ecosystem is None and not namespace:
        raise SbomError(f"{purl.type} purl for {purl.name!r} has no namespace (distribution)")
    if ecosystem is None:
        raise SbomError(f"{purl.type} purl namespace {purl.namespace!r} is not supported")
    return ecosystem


def _distro_release(purl: Purl, distro_name: str) -> str | None:
    """'debian-12' -> '12', 'alpine-3.20.3' -> '3.20.3'; a bare codename gives None."""
    distro = purl.qualifiers.get("distro", "")
    prefix = f"{distro_name}-"
    if distro.lower().startswith(prefix):
        return distro[len(prefix) :] or None
    return None


_ECOSYSTEMS: dict[str, Callable[[Purl], tuple[str, str]]] = {
    "pypi": _plain("PyPI"),
    "npm": _npm,
    "cargo": _plain("crates.io"),
    "golang": _golang,
    "maven": _maven,
    "gem": _plain("RubyGems"),
    "nuget": _plain("NuGet"),
    "composer": _composer,
    "pub": _plain("Pub"),
    "hackage": _plain("Hackage"),
    "cran": _plain("CRAN"),
    "hex": _plain("Hex"),
    "deb": _deb,
    "apk": _apk,
    "rpm": _rpm,
}
SUPPORTED_TYPES: frozenset[str] = frozenset(_ECOSYSTEMS)


def identify(purl: str) -> Identity:
    """The OSV ecosystem, package name and purl version; SbomError says why not."""
    result = _identify(purl)
    if isinstance(result, str):
        raise SbomError(result)
    return result


@lru_cache(maxsize=_CACHE_SIZE)
def _identify(text: str) -> Identity | str:
    """Cached, failures included: an error is returned as its message."""
    try:
        purl = parse_purl(text)
        to_ecosystem = _ECOSYSTEMS.get(purl.type)
        if to_ecosystem is None:
            return f"purl type {purl.type!r} is not supported"
        ecosystem, name = to_ecosystem(purl)
    except SbomError as error:
        return str(error)
    return Identity(ecosystem, name, _purl_version(purl))


def _purl_version(purl: Purl) -> str | None:
    epoch = purl.qualifiers.get("epoch")
    if purl.type == "rpm" and epoch and purl.version and ":" not in purl.version:
        return f"{epoch}:{purl.version}"
    return purl.version


def component_from_purl(
    purl: str,
    *,
    version: str | None,
    source: str,
    licenses: tuple[str, ...],
    bom_ref: str | None,
) -> Component:
    """A Component for an SBOM entry. `version` (the entry's own) wins over the purl's.

    Raises SbomError (with the reason) for an unparsable purl or an unsupported type.
    """
    identity = _identify(purl)
    if isinstance(identity, str):
        raise SbomError(identity)
    ecosystem, name, purl_version = identity
    location = _location(source)
    return Component(
        ecosystem, name, version or purl_version, purl, location, licenses, bom_ref,
        source_package=source_package(purl),
    )  # fmt: skip


_SOURCE_RPM = re.compile(r"^(?P<name>.+)-[^-]+-[^-]+\.src\.rpm$")


@lru_cache(maxsize=_CACHE_SIZE)
def source_package(text: str) -> str | None:
    """The source package an OS package's purl names in its `upstream` qualifier (`openssl`,
    `openssl@3.0.11-1`, or for rpm `openssl-3.0.7-27.el9.src.rpm`); OS advisories are keyed
    by it. None for other types or when the purl names none."""
    try:
        purl = parse_purl(text)
    except SbomError:
        return None
    upstream = purl.qualifiers.get("upstream")
    if purl.type not in ("deb", "apk", "rpm") or not upstream:
        return None
    rpm = _SOURCE_RPM.match(upstream) if purl.type == "rpm" else None
    return rpm.group("name") if rpm else upstream.split("@", 1)[0]


@lru_cache(maxsize=64)
def _location(source: str) -> Location:
    """One shared (immutable) Location per document rather than one per component."""
    return Location(source)


# ---------------------------------------------------------------------------------------
# OSV ecosystem -> purl (building, through packageurl-python)

_PURL_TYPE_OF = {
    "PyPI": "pypi", "npm": "npm", "crates.io": "cargo", "Go": "golang", "Maven": "maven",
    "RubyGems": "gem", "NuGet": "nuget", "Packagist": "composer", "Pub": "pub", "Hex": "hex",
    "Hackage": "hackage", "CRAN": "cran", "Debian": "deb", "Ubuntu": "deb", "Alpine": "apk",
    "SwiftURL": "swift", "ConanCenter": "conan",
}  # fmt: skip
_NAMESPACE_SEPARATOR = {"npm": "/", "golang": "/", "composer": "/", "maven": ":", "swift": "/"}


@lru_cache(maxsize=_CACHE_SIZE)
def build_purl(ecosystem: str, name: str, version: str | None) -> str | None:
    """The purl for an OSV ecosystem/name/version, or None for an ecosystem without a type."""
    base = ecosystem.partition(":")[0]
    purl_type = _PURL_TYPE_OF.get(base)
    if purl_type is None or not name:
        return None
    namespace: str | None = None
    separator = _NAMESPACE_SEPARATOR.get(purl_type)
    if separator and separator in name:
        namespace, _, name = name.rpartition(separator)
    if purl_type == "deb":
        namespace = base.lower()
    elif purl_type == "apk":
        namespace = "alpine"
    from packageurl import PackageURL  # imported on first use: only inventories need it

    return str(PackageURL(purl_type, namespace, name, version or None).to_string())
