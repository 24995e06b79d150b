"""A parser for the Elixir term literals mix.lock is written in (not general Elixir).

Handles maps (`%{k => v}`, `%{key: v}`, `%{"quoted key": v}`), tuples, lists, keyword
lists (`[hex: :x, optional: false]`, read as lists of 2-tuples, which they are in Elixir),
atoms (`:name`, `:"quoted"`), strings with escapes, integers, floats, `true`, `false`,
`nil`, comments and trailing commas. Atoms are `Atom` (a str subclass) to tell them apart
from strings. Errors are TermError with the 1-based line.
"""

from __future__ import annotations

import re
from typing import Any

_MAX_DEPTH = 64
_STRING = r'"(?:[^"\\]|\\.)*"'
_NAME = r"[A-Za-z_][A-Za-z0-9_@]*[?!]?"
_TOKEN = re.compile(
    rf"""
    (?P<space>(?:\s+|\#[^\n]*)+)
    | (?P<key>(?:{_NAME}|{_STRING}):(?=\s))
    | (?P<atom>:(?:{_NAME}|{_STRING}))
    | (?P<string>{_STRING})
    | (?P<number>-?\d[\d_]*(?:\.\d+)?)
    | (?P<word>true|false|nil)\b
    | (?P<punct>%\{{|=>|[{{}}\[\],])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "0": "\0", "e": "\x1b"}
_WORDS: dict[str, Any] = {"true": True, "false": False, "nil": None}


class Atom(str):
    """An Elixir atom (`:hex`), as opposed to a string."""

    __slots__ = ()


class TermError(ValueError):
    """Malformed input; `line` is where the parser stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class _Tokens:
    """The token stream: (kind, text, line) triples, whitespace and comments dropped."""

    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str, int]] = []
        position, line = 0, 1
        while position < len(text):
            found = _TOKEN.match(text, position)
            if found is None:
                raise TermError(f"unexpected {text[position : position + 10]!r}", line)
            kind = found.lastgroup or ""
            if kind != "space":
                self.items.append((kind, found[0], line))
            line += found[0].count("\n")
            position = found.end()
        self.items.append(("end", "", line))
        self.index = 0

    def peek(self) -> tuple[str, str, int]:
        return self.items[self.index]

    def take(self) -> tuple[str, str, int]:
        item = self.items[self.index]
        if item[0] != "end":
            self.index += 1
        return item

    def expect(self, text: str) -> None:
        kind, found, line = self.take()
        if found != text or kind != "punct":
            raise TermError(f"expected {text!r}, found {found or 'the end'!r}", line)


def parse_map_entries(text: str) -> list[tuple[str, Any, int]]:
    """The entries of a file holding one map literal: (key text, value, key line)."""
    tokens = _Tokens(text)
    if tokens.peek()[0] == "end":
        return []
    tokens.expect("%{")
    entries: list[tuple[str, Any, int]] = []
    while tokens.peek()[1] != "}":
        line = tokens.peek()[2]
        key, value = _pair(tokens, 1)
        entries.append((str(key), value, line))
        if tokens.peek()[1] != "}":
            tokens.expect(",")
    tokens.expect("}")
    kind, found, line = tokens.peek()
    if kind != "end":
        raise TermError(f"unexpected {found!r} after the map", line)
    return entries


def _pair(tokens: _Tokens, depth: int) -> tuple[Any, Any]:
    """`key: value` or `key => value`."""
    kind, found, _ = tokens.peek()
    if kind == "key":
        tokens.take()
        return Atom(_unquote(found[:-1])), _value(tokens, depth)
    key = _value(tokens, depth)
    tokens.expect("=>")
    return key, _value(tokens, depth)


def _value(tokens: _Tokens, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise TermError("nested too deeply", tokens.peek()[2])
    kind, found, line = tokens.take()
    if kind == "string":
        return _unquote(found)
    if kind == "atom":
        return Atom(_unquote(found[1:]))
    if kind == "number":
        number = found.replace("_", "")
        return float(number) if "." in number else int(number)
    if kind == "word":
        return _WORDS[found]
    if found == "{":
        return tuple(_items(tokens, "}", depth + 1))
    if found == "[":
        return _items(tokens, "]", depth + 1)
    if found == "%{":
        return dict(_pairs(tokens, depth + 1))
    raise TermError(f"unexpected {found or 'end of file'!r}", line)


def _items(tokens: _Tokens, close: str, depth: int) -> list[Any]:
    """Comma-separated values up to `close` (keyword pairs become 2-tuples)."""
    items: list[Any] = []
    while tokens.peek()[1] != close:
        if tokens.peek()[0] == "key":
            items.append(_pair(tokens, depth))
        else:
            items.append(_value(tokens, depth))
        if tokens.peek()[1] != close:
            tokens.expect(",")
    tokens.expect(close)
    return items


def _pairs(tokens: _Tokens, depth: int) -> list[tuple[Any, Any]]:
    pairs: list[tuple[Any, Any]] = []
    while tokens.peek()[1] != "}":
        line = tokens.peek()[2]
        key, value = _pair(tokens, depth)
        try:
            hash(key)
        except TypeError:
            raise TermError("a list or map as a map key", line) from None
        pairs.append((key, value))
        if tokens.peek()[1] != "}":
            tokens.expect(",")
    tokens.expect("}")
    return pairs


def _unquote(text: str) -> str:
    """The text of a (maybe quoted) string or atom, with backslash escapes resolved."""
    if not text.startswith('"'):
        return text
    body = text[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda found: _ESCAPES.get(found[1], found[1]), body)
