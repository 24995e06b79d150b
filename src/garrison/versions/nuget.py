"""NuGet version ordering (NuGetVersion semantics).

Up to four numeric parts (missing parts are 0, leading zeros allowed, any size), an
optional pre-release of dot-separated labels compared case-insensitively (numeric labels
numerically and before alphanumeric ones; a release sorts after its pre-releases), and
optional metadata after `+`, which never affects ordering.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

_LABEL = r"[0-9A-Za-z-]+"
_PATTERN = re.compile(
    rf"(?P<release>[0-9]+(?:\.[0-9]+){{0,3}})"
    rf"(?:-(?P<pre>{_LABEL}(?:\.{_LABEL})*))?"
    rf"(?:\+{_LABEL}(?:\.{_LABEL})*)?",
    re.ASCII,
)

NugetKey = tuple[tuple[int, ...], int, tuple[tuple[int, int | str], ...]]


def parse(text: str) -> NugetKey:
    """Parse a NuGet version such as `1.0`, `1.2.3.4`, `1.0.0-beta.1+sha.abc`."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise InvalidVersionError("NuGet", text, _reason(text))
    numbers = [int(part) for part in match["release"].split(".")]
    release = tuple(numbers + [0] * (4 - len(numbers)))
    pre = match["pre"]
    if pre is None:
        return (release, 1, ())
    return (release, 0, tuple(_label(part) for part in pre.split(".")))


def _label(part: str) -> tuple[int, int | str]:
    return (0, int(part)) if part.isdigit() else (1, part.upper())


def _reason(text: str) -> str:
    if not text.strip():
        return "empty version"
    if text != text.strip():
        return "surrounding whitespace"
    return "not of the form N[.N[.N[.N]]][-PRERELEASE][+METADATA]"


ORDERING = Ordering(name="nuget", ecosystems=("NuGet",), parse=parse)
