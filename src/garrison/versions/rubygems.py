"""RubyGems version ordering, following Gem::Version.

A version is split into numeric and alphabetic segments (on `.` and on letter/digit
boundaries; `-` means `.pre.`). A version with any alphabetic segment is a pre-release.
Trailing zeros are dropped from the numeric part and from the part starting at the first
string. Segments compare pairwise, missing ones counting as 0; a string sorts before any
number, strings compare in ASCII order.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

_PATTERN = re.compile(r"[0-9]+(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?", re.ASCII)
# What `lenient` also orders: e.g. `1beta`, which Gem::Version rejects.
_LENIENT_PATTERN = re.compile(r"[0-9][0-9A-Za-z.-]*", re.ASCII)
_SEGMENT = re.compile(r"[0-9]+|[A-Za-z]+")

# Encoded segments, so that plain tuple comparison reproduces Gem::Version's zero padding:
# a zero is tagged by the kind of the next non-zero segment, and every key ends with _END,
# which compares like the infinite run of zeros padding a shorter version.
_STRING = 0
_ZERO_THEN_STRING = (1,)
_END = (2,)
_ZERO_THEN_NUMBER = (3,)
_NUMBER = 4

RubyGemsKey = tuple[tuple[int, int | str] | tuple[int], ...]


def parse(text: str) -> RubyGemsKey:
    """Parse a version Gem::Version accepts (e.g. `1.2.3`, `1.0.0.rc1`, `2.0.0-beta.2`)."""
    if _PATTERN.fullmatch(text) is None:
        raise InvalidVersionError("RubyGems", text, _reason(text))
    return _key(text)


def lenient(text: str) -> RubyGemsKey:
    """Like parse, but also order near-misses such as `1beta` (a digit, then [0-9A-Za-z.-])."""
    if _LENIENT_PATTERN.fullmatch(text) is None:
        raise InvalidVersionError("RubyGems", text, _reason(text))
    return _key(text)


def _key(text: str) -> RubyGemsKey:
    segments: list[int | str] = [
        int(token) if token[0].isdigit() else token
        for token in _SEGMENT.findall(text.replace("-", ".pre."))
    ]
    return _encode(_canonical(segments))


def _canonical(segments: list[int | str]) -> list[int | str]:
    """Drop trailing zeros of the numeric part and of the string part."""
    first_string = next(
        (index for index, seg in enumerate(segments) if isinstance(seg, str)), len(segments)
    )
    numeric, rest = segments[:first_string], segments[first_string:]
    return _strip_zeros(numeric) + _strip_zeros(rest)


def _strip_zeros(segments: list[int | str]) -> list[int | str]:
    end = len(segments)
    while end and segments[end - 1] == 0:
        end -= 1
    return segments[:end]


def _encode(segments: list[int | str]) -> RubyGemsKey:
    encoded: list[tuple[int, int | str] | tuple[int]] = [_END]
    next_is_string = False
    for seg in reversed(segments):
        if isinstance(seg, str):
            encoded.append((_STRING, seg))
            next_is_string = True
        elif seg == 0:
            encoded.append(_ZERO_THEN_STRING if next_is_string else _ZERO_THEN_NUMBER)
        else:
            encoded.append((_NUMBER, seg))
            next_is_string = False
    encoded.reverse()
    return tuple(encoded)


def _reason(text: str) -> str:
    if not text.strip():
        return "empty version"
    if text != text.strip():
        return "surrounding whitespace"
    return "not a RubyGems version (digits, then dot-separated letters or digits)"


ORDERING = Ordering(name="rubygems", ecosystems=("RubyGems",), parse=parse, lenient=lenient)
