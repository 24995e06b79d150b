"""Packagist version ordering: PHP's version_compare() as Composer applies it.

A leading `v`/`V` before a digit is dropped; `-`, `_`, `+` and `.` separate parts, and so
does every digit/non-digit boundary. Numbers compare numerically; words by their prefix
(case-insensitively): dev < alpha = a < beta = b < RC = rc < (number) < pl = p, and any other
word before dev. When one version is a prefix of the other, the longer one is greater if
its next part is a number or pl/p, and smaller otherwise (so 1.0-dev < 1.0 < 1.0.0).

`parse` rejects `#`, which PHP treats as a wildcard equal to any number; that rule is not a
total order, so only `lenient` (used by compare()) accepts it, returning a key whose <, >
follow PHP exactly but which must not be sorted or hashed with other keys.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

_STRICT = re.compile(r"[vV]?[0-9A-Za-z._+-]*[0-9A-Za-z][0-9A-Za-z._+-]*", re.ASCII)
_LENIENT = re.compile(r"[vV]?[0-9A-Za-z._+#-]*[0-9A-Za-z#][0-9A-Za-z._+#-]*", re.ASCII)
_PART = re.compile(r"[0-9]+|[^0-9._+-]+", re.ASCII)
_LEADING_V = re.compile(r"^[vV](?=[0-9])", re.ASCII)

_NUMBER_WEIGHT = 4
_WORD_WEIGHTS = (("dev", 0), ("a", 1), ("b", 2), ("rc", 3), ("p", 5))
_OTHER_WEIGHT = -7
# Ends every strict key: below any number, above words weighing less than a number.
_END = (_NUMBER_WEIGHT, -1)
_WILDCARD = (_NUMBER_WEIGHT, None)

Part = tuple[int, int | None]  # (weight, number); None only for `#`
PackagistKey = tuple[Part, ...]


def parse(text: str) -> PackagistKey:
    """Parse a Packagist version into a key that sorts by plain tuple comparison."""
    if _STRICT.fullmatch(text) is None:
        raise InvalidVersionError("Packagist", text, _reason(text))
    return (*_parts(text), _END)


def lenient(text: str) -> PackagistKey | WildcardKey:
    """Like parse, but also accept PHP's `#` wildcard part (see the module docstring)."""
    if "#" not in text:
        return parse(text)
    if _LENIENT.fullmatch(text) is None:
        raise InvalidVersionError("Packagist", text, _reason(text))
    return WildcardKey(_parts(text))


def _parts(text: str) -> list[Part]:
    parts: list[Part] = []
    for token in _PART.findall(_LEADING_V.sub("", text, count=1).lower()):
        if token[0].isdigit():
            parts.append((_NUMBER_WEIGHT, int(token)))
        elif token[0] == "#":
            parts.append(_WILDCARD)
        else:
            parts.append((_word_weight(token), 0))
    return parts


def _word_weight(word: str) -> int:
    for prefix, weight in _WORD_WEIGHTS:
        if word.startswith(prefix):
            return weight
    return _OTHER_WEIGHT


def _reason(text: str) -> str:
    if not text.strip():
        return "empty version"
    if text != text.strip():
        return "surrounding whitespace"
    return "only letters, digits and . - _ + are allowed"


class WildcardKey:
    """A lenient key for a version with a `#` part; compares per version_compare()."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[Part]) -> None:
        self.parts = tuple(parts)

    def _compare(self, other: object) -> int | None:
        if isinstance(other, WildcardKey):
            return _compare_parts(self.parts, other.parts)
        if isinstance(other, tuple):
            return _compare_parts(self.parts, other[:-1])  # drop the strict key's _END
        return None

    def __lt__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result < 0

    def __gt__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result > 0

    def __le__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result <= 0

    def __ge__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result >= 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WildcardKey) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)


def _compare_parts(left: PackagistKey, right: PackagistKey) -> int:
    for a, b in zip(left, right, strict=False):
        if a[0] != b[0]:
            return 1 if a[0] > b[0] else -1
        if a[1] is not None and b[1] is not None and a[1] != b[1]:
            return 1 if a[1] > b[1] else -1
    if len(left) == len(right):
        return 0
    if len(left) > len(right):
        return _compare_tail(left[len(right) :])
    return -_compare_tail(right[len(left) :])


def _compare_tail(tail: PackagistKey) -> int:
    """Compare the extra parts of the longer version with nothing (version_compare rule)."""
    if tail[0][0] == _NUMBER_WEIGHT and tail[0][1] is not None:
        return 1
    return _compare_parts(tail, (_WILDCARD,))


ORDERING = Ordering(name="packagist", ecosystems=("Packagist",), parse=parse, lenient=lenient)
