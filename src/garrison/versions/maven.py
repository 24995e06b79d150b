"""Maven version ordering, following the POM reference's "Version Order Specification".

A version is lower-cased and split into tokens on `.`, `-` and digit/letter boundaries (a
boundary counts as `-`); an empty token is 0. Each token keeps its separator. Trailing
"null" tokens (0, "", ga, final, release) are trimmed from the end and before every
remaining `-`, so `1.0.0` = `1`, `1-ga-1` = `1-1`. Tokens order as
qualifier < -number < .number; qualifiers alpha < beta < milestone < rc = cr < snapshot <
"" < sp < any other (alphabetically); `a1`, `b1`, `m1` are alpha/beta/milestone 1. A
shorter version is padded with nulls: 0 against a number, "" against a qualifier.
"""

from __future__ import annotations

import re
from itertools import zip_longest

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

# Token kinds, in the order the specification ranks them.
_QUALIFIER = 0
_DASH_NUMBER = 1
_DOT_NUMBER = 2

Token = tuple[int, int | str]  # (kind, number) or (_QUALIFIER, qualifier rank)
Tokens = tuple[Token, ...]

_PIECE = re.compile(r"[.-]|[0-9]+|[^0-9.-]+", re.ASCII)
_HAS_ALNUM = re.compile(r"[0-9A-Za-z]")
_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_RANK = {name: str(index) for index, name in enumerate(_QUALIFIERS)}
_RELEASE_RANK = _RANK[""]
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}


class MavenVersion:
    """An ordering key: the trimmed token list of one version."""

    __slots__ = ("tokens",)

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MavenVersion) and self.tokens == other.tokens

    def __hash__(self) -> int:
        return hash(self.tokens)

    def __lt__(self, other: MavenVersion) -> bool:
        return _compare_tokens(self.tokens, other.tokens) < 0

    def __le__(self, other: MavenVersion) -> bool:
        return _compare_tokens(self.tokens, other.tokens) <= 0

    def __gt__(self, other: MavenVersion) -> bool:
        return _compare_tokens(self.tokens, other.tokens) > 0

    def __ge__(self, other: MavenVersion) -> bool:
        return _compare_tokens(self.tokens, other.tokens) >= 0

    def __repr__(self) -> str:
        return f"MavenVersion({self.tokens!r})"


def parse(text: str) -> MavenVersion:
    """Parse a Maven version; any non-blank string with a letter or digit is valid."""
    if not text.strip():
        raise InvalidVersionError("Maven", text, "empty version")
    if any(char.isspace() for char in text):
        raise InvalidVersionError("Maven", text, "contains whitespace")
    if _HAS_ALNUM.search(text) is None:
        raise InvalidVersionError("Maven", text, "no letter or digit")
    return MavenVersion(_trim(_split(text.lower())))


def _split(text: str) -> list[tuple[bool, Token]]:
    """Tokens as (starts a `-` segment, token)."""
    raw: list[tuple[str, str]] = []  # (separator, text of the token)
    separator, after_separator = ".", True
    for piece in _PIECE.findall(text):
        if piece in (".", "-"):
            if after_separator:
                raw.append((separator, "0"))
            separator, after_separator = piece, True
            continue
        if not after_separator:  # a digit/letter boundary acts like "-"
            separator = "-"
            if piece[0].isdigit() and raw[-1][1] in _SHORT:
                raw[-1] = (raw[-1][0], _SHORT[raw[-1][1]])
        raw.append((separator, piece))
        after_separator = False
    if after_separator:
        raw.append((separator, "0"))
    return [(sep == "-", _token(sep, value)) for sep, value in raw]


def _token(separator: str, value: str) -> Token:
    if value[0].isdigit():
        return (_DASH_NUMBER if separator == "-" else _DOT_NUMBER, int(value))
    value = _ALIASES.get(value, value)
    return (_QUALIFIER, _RANK.get(value) or "7-" + value)


def _trim(tokens: list[tuple[bool, Token]]) -> Tokens:
    """Drop null tokens from the end of the version and of every `-` segment."""
    index = len(tokens) - 1
    while index >= 0:
        if _is_null(tokens[index][1]):
            del tokens[index]
            index -= 1
            continue
        while index >= 0 and not tokens[index][0]:
            index -= 1  # back to the start of this segment
        index -= 1
    return tuple(token for _, token in tokens)


def _is_null(token: Token) -> bool:
    kind, value = token
    return value == _RELEASE_RANK if kind == _QUALIFIER else value == 0


def _compare_tokens(left: Tokens, right: Tokens) -> int:
    if left == right:
        return 0
    for a, b in zip_longest(left, right):
        if a == b:
            continue
        if a is None:
            result = -_compare_with_null(b)
        elif b is None:
            result = _compare_with_null(a)
        elif a[0] != b[0]:
            return 1 if a[0] > b[0] else -1
        else:
            return 1 if a[1] > b[1] else -1  # type: ignore[operator]
        if result:
            return result
    return 0


def _compare_with_null(token: Token) -> int:
    """Compare a token with the null padding a shorter version."""
    kind, value = token
    if kind == _QUALIFIER:
        return (value > _RELEASE_RANK) - (value < _RELEASE_RANK)  # type: ignore[operator]
    return 1 if value else 0


ORDERING = Ordering(name="maven", ecosystems=("Maven",), parse=parse)
