"""Debian and Ubuntu versions, ordered the way dpkg orders them.

A version is `[epoch:]upstream[-revision]`. The epoch is a number (missing = 0); the
revision is everything after the last `-` (missing = "0"). Upstream and revision are each
compared as alternating runs of non-digits and digits: non-digit runs character by
character with `~` before the end of the run, the end before letters, and letters before
every other character; digit runs numerically (an absent run counts as 0).

The key built here is a flat tuple that Python orders exactly like that comparison:
`(epoch, upstream parts..., revision parts...)`, where each string is encoded so that plain
string comparison gives dpkg's character order.
"""

from __future__ import annotations

import re
import string

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

ECOSYSTEM = "Debian"

_UPSTREAM_CHARS = re.compile(r"[0-9A-Za-z.+~:-]+")
_REVISION_CHARS = re.compile(r"[0-9A-Za-z.+~]+")
_DIGIT_RUNS = re.compile(r"([0-9]+)")

# dpkg's character order: '~' < end of run < letters < everything else.
_TILDE = "\x00"
_END = "\x01"
_CHAR_ORDER = {ord("~"): _TILDE}
_CHAR_ORDER.update(
    {ord(c): chr(ord(c) + 256) for c in string.punctuation if c != "~"},
)


def _encode_run(run: str) -> str:
    """A non-digit run as a string whose plain ordering is dpkg's."""
    return run.translate(_CHAR_ORDER) + _END


def _part_key(part: str) -> tuple[str | int, ...]:
    """The flat (run, number, run, number, ..., end) key of an upstream or revision."""
    pieces = _DIGIT_RUNS.split(part)  # non-digit, digits, non-digit, ..., non-digit
    key: list[str | int] = []
    for index in range(0, len(pieces) - 1, 2):
        key.append(_encode_run(pieces[index]))
        key.append(int(pieces[index + 1]))
    last = pieces[-1]
    if last or not key:
        key.append(_encode_run(last))
        key.append(0)
    # A terminating (end, 0) pair: what a shorter version compares as once it runs out.
    key.append(_END)
    key.append(0)
    return tuple(key)


# A missing revision compares like "0".
_MISSING_REVISION = _part_key("0")


def _fail(text: str, reason: str) -> InvalidVersionError:
    return InvalidVersionError(ECOSYSTEM, text, reason)


def _split(text: str) -> tuple[int, str, str | None]:
    """Split into (epoch, upstream, revision or None), validating each part."""
    epoch = 0
    rest = text
    if ":" in text:
        epoch_text, rest = text.split(":", 1)
        if not epoch_text.isascii() or not epoch_text.isdigit():
            raise _fail(text, "the epoch before ':' must be a number")
        epoch = int(epoch_text)
    revision: str | None = None
    if "-" in rest:
        rest, revision = rest.rsplit("-", 1)
        if not revision:
            raise _fail(text, "empty revision after '-'")
        if not _REVISION_CHARS.fullmatch(revision):
            raise _fail(text, "invalid character in revision")
    if not rest:
        raise _fail(text, "empty upstream version")
    if not _UPSTREAM_CHARS.fullmatch(rest):
        raise _fail(text, "invalid character in upstream version")
    return epoch, rest, revision


def parse(text: str) -> tuple[int, tuple[str | int, ...], tuple[str | int, ...]]:
    """Parse a Debian version into a key ordered like `dpkg --compare-versions`."""
    if not text or text.strip() != text:
        raise _fail(text, "empty or surrounded by whitespace")
    epoch, upstream, revision = _split(text)
    revision_key = _part_key(revision) if revision is not None else _MISSING_REVISION
    return epoch, _part_key(upstream), revision_key


ORDERING = Ordering(name="dpkg", ecosystems=("Debian", "Ubuntu"), parse=parse, lenient=None)
