"""RPM versions (Red Hat, AlmaLinux, Rocky Linux, openSUSE, SUSE), ordered like rpm.

An EVR is `[epoch:]version[-release]`: the epoch is the leading digits when a `:` follows
them (missing = 0); the release is everything after the last `-`. A missing release sorts
before any release, even an empty one.

Version and release are compared the way rpmvercmp does: characters other than ASCII
letters, digits, `~` and `^` only separate segments; digit segments compare numerically
and beat letter segments; `~` sorts before everything (even the end of the string) and `^`
sorts after the end but before any further segment.

The key is a flat tuple of (rank, value) pairs per segment ending in an end marker, so
Python's tuple ordering reproduces rpmvercmp, and equal keys mean equal versions.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

ECOSYSTEM = "Red Hat"

_SEGMENTS = re.compile(r"[0-9]+|[A-Za-z]+|[~^]")
_EPOCH = re.compile(r"([0-9]*):")
_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")

# Segment ranks, lowest first: the order rpmvercmp gives when two segments differ in kind.
_TILDE = 0
_END = 1
_CARET = 2
_LETTERS = 3
_DIGITS = 4

_SegmentKey = tuple[int | str, ...]


def _segments_key(text: str) -> _SegmentKey:
    """The flat (rank, value, ..., end) key of a version or release string."""
    key: list[int | str] = []
    for segment in _SEGMENTS.findall(text):
        if segment == "~":
            key += (_TILDE, 0)
        elif segment == "^":
            key += (_CARET, 0)
        elif segment[0].isdigit():
            key += (_DIGITS, int(segment))
        else:
            key += (_LETTERS, segment)
    key += (_END, 0)
    return tuple(key)


def _split(text: str) -> tuple[int, str, str | None]:
    """Split an EVR into (epoch, version, release or None), as rpm does."""
    epoch = 0
    rest = text
    match = _EPOCH.match(text)
    if match:
        epoch = int(match.group(1) or 0)
        rest = text[match.end() :]
    version, dash, release = rest.rpartition("-")
    if not dash:
        return epoch, rest, None
    return epoch, version, release


def parse(text: str) -> tuple[int, _SegmentKey, tuple[int, _SegmentKey]]:
    """Parse an RPM `[epoch:]version[-release]` into a key ordered like rpm."""
    if not text or _FORBIDDEN.search(text):
        raise InvalidVersionError(ECOSYSTEM, text, "empty or contains whitespace")
    epoch, version, release = _split(text)
    release_key = (0, ()) if release is None else (1, _segments_key(release))
    return epoch, _segments_key(version), release_key


ORDERING = Ordering(
    name="rpm",
    ecosystems=("Red Hat", "AlmaLinux", "Rocky Linux", "openSUSE", "SUSE"),
    parse=parse,
    lenient=None,
)
