"""Helpers shared by the Go readers: Go toolchain versions and local module paths."""

from __future__ import annotations

import re

STDLIB = "stdlib"  # what OSV's Go ecosystem calls the standard library

# "go1.21.3", "1.21", "go1.21rc2", "go1.23.6-xyz" (a suffix after the version is ignored).
_TOOLCHAIN = re.compile(r"(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?")
# A canonical module version: v1.2.3, v1.2.3-pre.1, v0.0.0-20220715151400-c0bba94af5f8,
# v2.0.0+incompatible.
CANONICAL_VERSION = re.compile(r"v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


def stdlib_version(text: str) -> str | None:
    """A Go release as OSV's stdlib ranges write it (SemVer, no `v`), or None if unknown.

    "go1.21.3" -> "1.21.3"; "1.21" stays "1.21" (SemVer ordering reads it as 1.21.0, which
    is what Go means by it); a pre-release "go1.21rc2" -> "1.21.0-rc.2" as the Go
    vulnerability database writes it; "devel ..." builds have no release version.
    """
    found = _TOOLCHAIN.match(text.strip())
    if found is None:
        return None
    major, minor, patch, pre_kind, pre_number = found.groups()
    if pre_kind:
        return f"{major}.{minor or 0}.{patch or 0}-{pre_kind}.{pre_number}"
    return ".".join(part for part in (major, minor, patch) if part is not None)


def is_local_path(path: str) -> bool:
    """Is a replacement target a directory rather than a module path (Go's own rule)?"""
    return (
        path.startswith(("./", "../", "/", ".\\", "..\\"))
        or path in (".", "..")
        or (len(path) > 2 and path[1] == ":" and path[2] in "\\/")
    )
