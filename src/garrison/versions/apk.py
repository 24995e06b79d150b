"""Alpine (apk) versions, ordered like apk-tools.

The grammar is `number{.number}...{letter}{_suffix{number}}...{~hash}{-r number}`. A
version is read as a stream of tokens; two versions compare token by token, and where the
kinds of token differ the kind decides: a pre-release suffix (`_alpha`, `_beta`, `_pre`,
`_rc`) sorts lowest, then the end of the version, then `-r`, `~hash`, a suffix number, a
post-release suffix (`_cvs`, `_svn`, `_git`, `_hg`, `_p`), a letter, then a `.number`.

apk orders malformed versions too (`apk version -t` accepts them), so this does as well:
- reading stops at the first token that breaks the grammar; that "invalid" mark sorts
  below everything but a pre-release suffix, and what follows it is not compared;
- a version that does not start with a digit reads as if it started with `0`;
- a `.` not followed by digits is an empty number, sorting below any other token but
  the invalid mark (so `0..8 > 0...8`);
- digits after a letter are a letter number (`6.6.2p1 < 6.6.2p2`, as older apk read it);
- `-r` with no digits is revision 0 when the version ends there or another `-` follows.

Numbers after a `.` compare as strings when either starts with `0` (`1.05 < 1.5`), and
numerically otherwise. The key is a flat tuple of (rank, value) pairs.
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

ECOSYSTEM = "Alpine"

# Token ranks, lowest first: where two versions first differ in the kind of token, the
# kind with the lower rank is the lower version.
_PRE_SUFFIX = 0
_INVALID = 1
_EMPTY_NUMBER = 2
_END = 3
_REVISION = 4
_HASH = 5
_SUFFIX_NUMBER = 6
_POST_SUFFIX = 7
_LETTER_NUMBER = 8
_LETTER = 9
_ZERO_LED_NUMBER = 10
_NUMBER = 11
_FIRST_NUMBER = 12

_PRE_SUFFIXES = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4}
_POST_SUFFIXES = {"cvs": 1, "svn": 2, "git": 3, "hg": 4, "p": 5}

_FIRST = re.compile(r"[0-9]*")
_TOKEN = re.compile(
    r"(?P<letter>[a-z])|\.(?P<dot>[0-9]*)|(?P<digits>[0-9]+)"
    r"|_(?P<suffix>[a-z]*)|~(?P<hash>[0-9a-f]*)|-r(?P<revision>[0-9]*)"
)
_FORBIDDEN = re.compile(r"[^\x21-\x7e]")

# The kinds of token that each kind may directly follow (the grammar's order).
_BEFORE_DOT = {_FIRST_NUMBER, _NUMBER, _ZERO_LED_NUMBER, _EMPTY_NUMBER}
_BEFORE_LETTER = _BEFORE_DOT | {_LETTER_NUMBER}
_BEFORE_SUFFIX = _BEFORE_LETTER | {_LETTER, _PRE_SUFFIX, _POST_SUFFIX, _SUFFIX_NUMBER}
_BEFORE_HASH = _BEFORE_SUFFIX
_BEFORE_REVISION = _BEFORE_HASH | {_HASH}
_SUFFIXES = {_PRE_SUFFIX, _POST_SUFFIX}

_Token = tuple[int, int | str]


def _number_token(digits: str) -> _Token:
    if digits[0] == "0":
        return _ZERO_LED_NUMBER, digits
    return _NUMBER, int(digits)


def _suffix_token(word: str) -> _Token | None:
    if word in _PRE_SUFFIXES:
        return _PRE_SUFFIX, _PRE_SUFFIXES[word]
    if word in _POST_SUFFIXES:
        return _POST_SUFFIX, _POST_SUFFIXES[word]
    return None


def _revision_token(match: re.Match[str], text: str) -> _Token | None:
    digits = match.group("revision")
    if not digits and match.end() < len(text) and text[match.end()] != "-":
        return None  # e.g. "-ruff": not a revision at all
    return _REVISION, int(digits or 0)


def _next_token(match: re.Match[str], text: str, previous: int) -> _Token | None:
    """The token a match stands for after a token of kind `previous`, or None if invalid."""
    kind = match.lastgroup
    value = match.group(kind or 0)
    if kind == "letter":
        return (_LETTER, value) if previous in _BEFORE_LETTER else None
    if kind == "dot":
        if previous not in _BEFORE_DOT:
            return None
        return _number_token(value) if value else (_EMPTY_NUMBER, 0)
    if kind == "digits":
        if previous == _LETTER:
            return _LETTER_NUMBER, int(value)
        return (_SUFFIX_NUMBER, int(value)) if previous in _SUFFIXES else None
    if kind == "suffix":
        return _suffix_token(value) if previous in _BEFORE_SUFFIX else None
    if kind == "hash":
        return (_HASH, value) if value and previous in _BEFORE_HASH else None
    if previous not in _BEFORE_REVISION:
        return None
    return _revision_token(match, text)


def _key(text: str) -> tuple[int | str, ...]:
    """The flat token key of a version string (any string orders)."""
    first = _FIRST.match(text)
    assert first is not None  # [0-9]* always matches
    key: list[int | str] = [_FIRST_NUMBER, int(first.group() or 0)]
    previous = _FIRST_NUMBER
    position = first.end()
    while position < len(text):
        match = _TOKEN.match(text, position)
        token = _next_token(match, text, previous) if match else None
        if match is None or token is None:
            key += (_INVALID, 0)
            return tuple(key)
        key += token
        previous = token[0]
        position = match.end()
    key += (_END, 0)
    return tuple(key)


def parse(text: str) -> tuple[int | str, ...]:
    """Parse an Alpine version into a key ordered like `apk version -t`."""
    if not text or _FORBIDDEN.search(text):
        raise InvalidVersionError(ECOSYSTEM, text, "empty or contains whitespace or non-ASCII")
    return _key(text)


ORDERING = Ordering(name="apk", ecosystems=("Alpine",), parse=parse, lenient=None)
