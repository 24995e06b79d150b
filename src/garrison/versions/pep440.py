"""PyPI version ordering (PEP 440), with a lenient order for legacy versions.

`parse` accepts only PEP 440 versions. `lenient` also orders "legacy" strings that are not
PEP 440: they sort before every valid version and among themselves by a key in the spirit
of the old setuptools LegacyVersion (numbers numerically, words before numbers, a few
pre-release words aliased, trailing zeros ignored).
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

_LEGACY = 0
_VALID = 1

_LEGACY_TOKEN = re.compile(r"[0-9]+|[a-z]+")
# Like setuptools: "pre"/"preview"/"rc" are the same stage, and "dev" sorts before words.
_LEGACY_ALIASES = {"pre": "c", "preview": "c", "rc": "c", "dev": "@"}
_ZERO = (1, 0, "")
_FINAL = (0, 0, "final")

LegacyPart = tuple[int, int, str]
Pep440Key = tuple[int, Version] | tuple[int, tuple[LegacyPart, ...]]


def parse(text: str) -> Pep440Key:
    """Parse a PEP 440 version strictly."""
    if not text.strip():
        raise InvalidVersionError("PyPI", text, "empty version")
    if text != text.strip():
        raise InvalidVersionError("PyPI", text, "surrounding whitespace")
    try:
        return (_VALID, Version(text))
    except InvalidVersion:
        raise InvalidVersionError("PyPI", text, "not a valid PEP 440 version") from None


def lenient(text: str) -> Pep440Key:
    """Order any non-blank string: PEP 440 versions as such, others before all of them."""
    stripped = text.strip()
    try:
        return parse(stripped)
    except InvalidVersionError:
        if not stripped:
            raise
    return (_LEGACY, _legacy_parts(stripped))


def _legacy_parts(text: str) -> tuple[LegacyPart, ...]:
    """Numbers as (1, n, ""), words as (0, 0, word); a final marker ends every key.

    Words sort before numbers and before the marker "final" (so `1.0a` < `1.0`), except
    words after "final" in ASCII order, which act as post-release tags.
    """
    parts: list[LegacyPart] = []
    for token in _LEGACY_TOKEN.findall(text.lower()):
        if token.isdigit():
            parts.append((1, int(token), ""))
            continue
        _trim_zeros(parts)
        parts.append((0, 0, _LEGACY_ALIASES.get(token, token)))
    _trim_zeros(parts)
    parts.append(_FINAL)
    return tuple(parts)


def _trim_zeros(parts: list[LegacyPart]) -> None:
    while parts and parts[-1] == _ZERO:
        parts.pop()


ORDERING = Ordering(name="pep440", ecosystems=("PyPI",), parse=parse, lenient=lenient)
