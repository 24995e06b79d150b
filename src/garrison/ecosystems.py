"""Ecosystem names as OSV spells them, release suffixes, and package-name normalisation."""

from __future__ import annotations

import re
from functools import lru_cache

from garrison.errors import UnknownEcosystemError

# Base OSV ecosystem names garrison understands (release suffixes are split off first).
KNOWN: frozenset[str] = frozenset(
    {
        "AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux",
        "BellSoft Hardened Containers", "Bioconductor", "Bitnami", "Chainguard", "CleanStart",
        "ConanCenter", "CRAN", "crates.io", "Debian", "Docker Hardened Images", "Echo",
        "FreeBSD", "GHC", "GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Kubernetes",
        "Linux", "Mageia", "Maven", "MinimOS", "npm", "NuGet", "opam", "openEuler", "openSUSE",
        "OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat", "Rocky Linux", "Root",
        "RubyGems", "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi", "GIT",
    }
)  # fmt: skip

_CASEFOLD = {name.casefold(): name for name in KNOWN}
_PEP503 = re.compile(r"[-_.]+")
# Registries whose package names are case-insensitive.
_CASE_INSENSITIVE = frozenset({"PyPI", "NuGet", "Packagist", "Hackage", "Hex", "Pub"})


@lru_cache(maxsize=4096)
def split(ecosystem: str) -> tuple[str, str | None]:
    """Split 'Debian:12' into ('Debian', '12'); 'Ubuntu:22.04:LTS' into ('Ubuntu', '22.04:LTS').

    The base name is returned with OSV's spelling; an unknown base raises.
    """
    base, _, release = ecosystem.partition(":")
    canonical = _CASEFOLD.get(base.strip().casefold())
    if canonical is None:
        raise UnknownEcosystemError(ecosystem)
    return canonical, (release.strip() or None)


def same_release(wanted: str | None, offered: str | None) -> bool:
    """Do two release suffixes agree? Unknown on either side agrees.

    Compared on their core: '22.04' ~ '22.04:LTS' ~ 'Pro:22.04:LTS', and Red Hat's
    'enterprise_linux:9' ~ 'enterprise_linux:9::appstream' (the repository is not recorded
    on an installed system), but 'enterprise_linux:8' is not '...:9'.
    """
    if not wanted or not offered:
        return True
    return _release_core(wanted) == _release_core(offered)


def _release_core(release: str) -> str:
    core = release.split("::", 1)[0].removeprefix("Pro:")
    return core.removesuffix(":LTS")


def base(ecosystem: str) -> str:
    return split(ecosystem)[0]


def normalize_name(ecosystem: str, name: str) -> str:
    """The key a package is indexed by within its (base) ecosystem.

    PyPI follows PEP 503; case-insensitive registries are lower-cased; Maven keeps
    `group:artifact` as is; Go module paths and everything else stay exact.
    """
    eco = base(ecosystem)
    text = name.strip()
    if eco == "PyPI":
        lowered = text.lower()
        if "_" in lowered or "." in lowered or "--" in lowered:
            return _PEP503.sub("-", lowered)
        return lowered
    if eco in _CASE_INSENSITIVE:
        return text.lower()
    if eco == "npm":
        return text.lower()
    if eco == "Maven":
        return text.replace("/", ":")
    return text
