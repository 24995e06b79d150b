"""Markdown escaping for text that comes from scanned files (pure).

Summaries, messages and paths may hold markup: the characters that make inline markup
(backslash, backtick, asterisk, underscore, brackets, pipe, tilde) are backslash-escaped, and
so is a line's first character when it would start a block (a heading, a list, a rule); `<`,
`>` and `&` become entities (no raw HTML); `@` is followed by a zero-width space so that a
name in a scanned file never mentions (pings) anyone. In table cells line breaks become spaces.
"""

from __future__ import annotations

import re

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE = frozenset("\\`*_[]|~")
_BLOCK_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))", re.MULTILINE)
_ZERO_WIDTH_SPACE = "\u200b"
_NAME_CHARS = frozenset("._-")  # before "@" these make an address, not a mention


def escape(text: str, *, blocks: bool = True) -> str:
    """`text` shown literally in Markdown (GitHub and GitLab flavours); `blocks=False` for
    text that cannot start a line (a table cell)."""
    out: list[str] = []
    previous = ""
    for char in text:
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _INLINE:
            out.append("\\" + char)
        elif char == "@" and not (previous.isalnum() or previous in _NAME_CHARS):
            out.append("@" + _ZERO_WIDTH_SPACE)  # "@name" would mention; "a@b" does not
        else:
            out.append(char)
        previous = char
    joined = "".join(out)
    return _BLOCK_START.sub(_block_escape, joined) if blocks else joined


def _block_escape(match: re.Match[str]) -> str:
    indent, start = match.group(1), match.group(2)
    if start[0].isdigit():
        return f"{indent}{start}\\"  # the digits stay; the "." or ")" after them is escaped
    return f"{indent}\\{start}"


def cell(text: str) -> str:
    """`text` escaped for one Markdown table cell: on one line, `|` escaped."""
    return escape(" ".join(text.split()), blocks=False)
