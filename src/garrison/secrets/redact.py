"""Redacted previews: a line excerpt in which every secret is masked.

A secret is replaced by at most its first 4 characters (only when it is 16 characters or
longer: shorter ones are masked whole) followed by `****`. For self-identifying tokens the
first 4 characters are their public prefix (`ghp_`, `AKIA`, `xoxb`), which tells a reader
what kind of secret it was. The excerpt is at most WIDTH characters, around the secret.
"""

from __future__ import annotations

from collections.abc import Sequence

MASK = "****"
SHOWN = 4  # never more than this many characters of a secret
SHOWN_FROM = 16  # secrets shorter than this are masked whole
WIDTH = 100
LEAD = 30  # characters kept before the secret when the line is cut
ELLIPSIS = "…"

Span = tuple[int, int, str]  # start and end offsets in the line, and the whole secret


def mask(secret: str) -> str:
    """The masked form of a secret: its first 4 characters (if long enough), then ****."""
    return (secret[:SHOWN] if len(secret) >= SHOWN_FROM else "") + MASK


def preview(
    line: str, spans: Sequence[Span], focus: int, cut_left: bool = False, cut_right: bool = False
) -> str:
    """`line` with every span masked, stripped, cut to WIDTH characters around spans[focus].

    `cut_left`/`cut_right` say the caller already cut the line on that side (an ellipsis is
    shown there).
    """
    text, where = _masked(line, spans, focus)
    stripped = text.lstrip()
    where -= len(text) - len(stripped)
    text = stripped.rstrip()
    if len(text) > WIDTH:
        start = max(0, min(where - LEAD, len(text) - WIDTH))
        cut_left = cut_left or start > 0
        cut_right = cut_right or start + WIDTH < len(text)
        text = text[start : start + WIDTH]
    return (ELLIPSIS if cut_left else "") + text + (ELLIPSIS if cut_right else "")


def _masked(line: str, spans: Sequence[Span], focus: int) -> tuple[str, int]:
    """The line with all spans masked, and where the focus span's mask starts."""
    parts: list[str] = []
    position = 0
    where = 0
    for index, (start, end, secret) in sorted(enumerate(spans), key=lambda item: item[1][0]):
        start = max(start, position)
        if end <= start:
            continue
        parts.append(line[position:start])
        if index == focus:
            where = sum(len(part) for part in parts)
        parts.append(mask(secret))
        position = end
    parts.append(line[position:])
    return "".join(parts), where
