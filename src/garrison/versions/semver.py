"""SemVer 2.0 ordering, as used by npm, crates.io and the OSV range type SEMVER.

Tolerances beyond the specification: a leading `v`/`V`; missing minor/patch (`1` is
`1.0.0`); more than three numeric components (compared as further release numbers, with
trailing zeros beyond the third ignored); leading zeros; numbers of any size. Build
metadata after `+` never affects ordering.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

_IDENT = r"[0-9A-Za-z-]+"
_PATTERN = re.compile(
    rf"[vV]?(?P<release>[0-9]+(?:\.[0-9]+)*)"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+{_IDENT}(?:\.{_IDENT})*)?",
    re.ASCII,
)

# A key is (release numbers, 1, ()) for a release and (release numbers, 0, identifiers)
# for a pre-release, so every pre-release sorts before its release.
SemverKey = tuple[tuple[int, ...], int, tuple[tuple[int, int | str], ...]]


def semver_key(text: str, ecosystem: str = "SemVer") -> SemverKey:
    """The ordering key of a SemVer-like version; raise InvalidVersionError if malformed."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise InvalidVersionError(ecosystem, text, _reason(text))
    release = [int(part) for part in match["release"].split(".")]
    while len(release) > 3 and release[-1] == 0:
        release.pop()
    while len(release) < 3:
        release.append(0)
    pre = match["pre"]
    if pre is None:
        return (tuple(release), 1, ())
    return (tuple(release), 0, tuple(_identifier(part) for part in pre.split(".")))


def _identifier(part: str) -> tuple[int, int | str]:
    """Numeric identifiers sort numerically and before alphanumeric ones (ASCII order)."""
    return (0, int(part)) if part.isdigit() else (1, part)


def _reason(text: str) -> str:
    if not text.strip():
        return "empty version"
    if text != text.strip():
        return "surrounding whitespace"
    return "not of the form MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]"


def parse(text: str) -> SemverKey:
    """Parse an npm / crates.io / SEMVER-range version."""
    return semver_key(text, "SemVer")


ORDERING = Ordering(name="semver", ecosystems=("npm", "crates.io"), parse=parse)
