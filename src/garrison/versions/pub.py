"""Dart Pub versions: SemVer 2.0 ordering, except that build metadata also orders.

`major.minor.patch[-pre][+build]`, optionally led by `v`. Pre-release and build are lists
of dot-separated identifiers; a numeric identifier sorts before an alphanumeric one, and a
missing identifier before a present one. A version with a pre-release sorts before the
same version without one; a version with a build sorts after the same version without one
(`1.0.0 < 1.0.0+build`), and builds compare like pre-releases (`1.2.3+1 < 1.2.3+a`).

Leniencies, so that every version Pub advisories carry can be ordered: a missing minor or
patch number is 0 (`1.2` = `1.2.0`), and numbers beyond the third (`1.2.3.4`) are read as
leading build identifiers.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

ECOSYSTEM = "Pub"

_IDENTIFIERS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_VERSION = re.compile(
    r"v?(?P<major>[0-9]+)(?:\.(?P<minor>[0-9]+))?(?:\.(?P<patch>[0-9]+))?"
    r"(?:\.(?P<extra>[0-9]+(?:\.[0-9]+)*))?"
    rf"(?:-(?P<pre>{_IDENTIFIERS}))?(?:\+(?P<build>{_IDENTIFIERS}))?"
)

_NUMERIC = 0
_ALPHANUMERIC = 1
# A release (no pre-release) sorts after every pre-release of the same version.
_RELEASE: tuple[int | str, ...] = (1,)

_Identifiers = tuple[int | str, ...]


def _identifiers_key(identifiers: list[str]) -> _Identifiers:
    """A flat (kind, value, ...) key; a shorter list that is a prefix sorts first."""
    key: list[int | str] = []
    for identifier in identifiers:
        if identifier.isdigit():
            key += (_NUMERIC, int(identifier))
        else:
            key += (_ALPHANUMERIC, identifier)
    return tuple(key)


def parse(text: str) -> tuple[int, int, int, _Identifiers, _Identifiers]:
    """Parse a Pub version into a key ordered like pub_semver's Version.compareTo."""
    match = _VERSION.fullmatch(text)
    if match is None:
        raise InvalidVersionError(ECOSYSTEM, text, "not major.minor.patch[-pre][+build]")
    major, minor, patch, extra, pre, build = match.groups()
    pre_key = (0, *_identifiers_key(pre.split("."))) if pre else _RELEASE
    build_ids = (extra.split(".") if extra else []) + (build.split(".") if build else [])
    return int(major), int(minor or 0), int(patch or 0), pre_key, _identifiers_key(build_ids)


ORDERING = Ordering(name="pub", ecosystems=("Pub",), parse=parse, lenient=None)
