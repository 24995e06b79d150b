"""A line-based parser for the yarn v1 ("classic") lockfile format.

    # yarn lockfile v1
    "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.12.13":
      version "7.12.13"
      resolved "https://registry.yarnpkg.com/..."
      dependencies:
        "@babel/highlight" "^7.12.13"

Entries start at column 0 with their comma-separated descriptors and a colon; fields are
indented two spaces (`key value`, either may be quoted); a field ending in a colon opens a
section (dependencies, optionalDependencies) whose `name range` pairs are indented four.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from garrison.inventory.readers.base import ReaderError, SourceFile


@dataclass(slots=True)
class Block:
    """One entry: its descriptors (`name@range`), header line, fields and sections."""

    descriptors: list[str]
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    sections: dict[str, dict[str, str]] = field(default_factory=dict)


class _Malformed(Exception):
    """A line the format does not allow (turned into a ReaderError with the line)."""


def parse(source: SourceFile) -> list[Block]:
    """Every entry of a yarn v1 lockfile, in order; ReaderError (with line) on bad input."""
    parser = _Parser()
    for number, line in enumerate(source.text().split("\n"), 1):
        try:
            parser.feed(number, line.rstrip("\r"))
        except _Malformed as exc:
            raise ReaderError(f"{source.path}: line {number}: {exc}") from None
    return parser.blocks


@dataclass(slots=True)
class _Parser:
    blocks: list[Block] = field(default_factory=list)
    section: dict[str, str] | None = None  # the section whose pairs are being read

    def feed(self, number: int, line: str) -> None:
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            return
        indent = len(line) - len(body)
        if indent == 0:
            if not body.endswith(":"):
                raise _Malformed("an entry header must end with ':'")
            self.blocks.append(Block(descriptors(body[:-1]), number))
            self.section = None
        elif not self.blocks:
            raise _Malformed("indented line before the first entry")
        elif indent == 2:
            self._field(self.blocks[-1], body)
        elif indent == 4 and self.section is not None:
            key, value = _pair(body)
            self.section[key] = value
        else:
            raise _Malformed(f"unexpected indentation ({indent} spaces)")

    def _field(self, block: Block, body: str) -> None:
        if body.endswith(":"):
            name, end = _token(body[:-1], 0, " ")
            if end != len(body) - 1:
                raise _Malformed("a section name must be alone on its line")
            self.section = block.sections.setdefault(name, {})
        else:
            key, value = _pair(body)
            block.fields[key] = value
            self.section = None


def descriptors(header: str) -> list[str]:
    """The comma-separated, possibly quoted descriptors of an entry header."""
    found = []
    index = 0
    while True:
        token, index = _token(header, index, ",")
        if not token.strip():
            raise _Malformed("empty descriptor in entry header")
        found.append(token.strip())
        if index >= len(header):
            return found
        if header[index] != ",":
            raise _Malformed("expected ',' between descriptors")
        index += 1
        while index < len(header) and header[index] == " ":
            index += 1


def _pair(body: str) -> tuple[str, str]:
    """`key value` where either may be quoted; the value may be missing (empty)."""
    key, index = _token(body, 0, " ")
    rest = body[index:].strip()
    if not rest:
        return key, ""
    value, end = _token(rest, 0, "\0")
    if end != len(rest):
        raise _Malformed("unexpected text after the value")
    return key, value


def _token(text: str, start: int, stop: str) -> tuple[str, int]:
    """A quoted string (JSON escapes) or a bare run up to `stop`; returns it and the index
    just past it."""
    if not text.startswith('"', start):
        end = text.find(stop, start)
        end = len(text) if end < 0 else end
        return text[start:end], end
    end = text.find('"', start + 1)
    while end > 0 and _escaped(text, end):
        end = text.find('"', end + 1)
    if end < 0:
        raise _Malformed("unterminated string")
    raw = text[start : end + 1]
    if "\\" not in raw:
        return raw[1:-1], end + 1
    try:
        return str(json.loads(raw)), end + 1
    except ValueError:
        raise _Malformed("bad escape in string") from None


def _escaped(text: str, quote: int) -> bool:
    """Whether the quote at `quote` is preceded by an odd number of backslashes."""
    count = 0
    while quote - count - 1 >= 0 and text[quote - count - 1] == "\\":
        count += 1
    return count % 2 == 1
