"""A Dockerfile parser of our own: text in, instructions with line numbers out.

It follows BuildKit's reading rules: parser directives at the top (`# escape=`,
`# syntax=`, `# check=`), line continuations with the escape character (comment and blank
lines inside a continuation are skipped), heredocs (`<<EOF`, `<<-EOF`, quoted names) after
RUN/COPY/ADD, leading `--flags`, and JSON (exec) form arguments. Pure, never raises.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

KNOWN = frozenset(
    {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
     "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)  # fmt: skip
_FLAGGED = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_HEREDOC_CMDS = frozenset({"RUN", "COPY", "ADD"})
_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2$")
_IGNORE = re.compile(r"#\s*garrison:ignore\[([^\]]*)\]")
_ENV_KEYED = frozenset({"ENV", "LABEL"})
# What may precede a command's own name: grouping, shell keywords, variable assignments.
_LEADING = re.compile(
    r"[\s({!]+|(?:if|then|do|else|elif|while|until|time|exec)\s+"
    r"|[A-Za-z_]\w*=(?:\"[^\"]*\"|'[^']*'|[^\s\"']*)\s+"
)


@dataclass
class Token:
    text: str
    start: int  # offsets into the instruction's logical line
    end: int


@dataclass
class Instruction:
    """One instruction: `cmd` upper-case, `rest` its text after the command word (continued
    lines joined), `lines` maps offsets in `rest` to file lines (sorted (offset, line))."""

    cmd: str
    start: int
    end: int
    rest: str
    lines: list[tuple[int, int]]
    heredocs: list[dict[str, Any]] = field(default_factory=list)
    _offsets: list[int] = field(default_factory=list, repr=False)

    def line_at(self, offset: int) -> int:
        if not self._offsets:
            self._offsets = [o for o, _ in self.lines]
        index = bisect.bisect_right(self._offsets, offset) - 1
        return self.lines[max(index, 0)][1]


@dataclass
class Parsed:
    directives: dict[str, str]
    instructions: list[Instruction]
    warnings: list[tuple[int, str]]
    ignores: dict[int, list[str]]


def parse(text: str) -> Parsed:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    directives, index, warnings = _directives(lines)
    escape = directives.get("escape", "\\")
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")
    instructions: list[Instruction] = []
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        instruction, index = _logical(lines, index, continuation)
        if instruction.cmd in _HEREDOC_CMDS:
            index = _read_heredocs(instruction, lines, index, warnings)
        instructions.append(instruction)
    return Parsed(directives, instructions, warnings, _ignores(lines))


def _directives(lines: list[str]) -> tuple[dict[str, str], int, list[tuple[int, str]]]:
    found: dict[str, str] = {}
    warnings: list[tuple[int, str]] = []
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - the index is the result
        match = _DIRECTIVE.match(line.strip()) if line.lstrip().startswith("#") else None
        name = match[1].lower() if match else ""
        if not match or name not in _DIRECTIVE_NAMES or name in found:
            break
        found[name] = match[2]
    else:
        index = len(lines)
    if found.get("escape", "\\") not in ("\\", "`"):
        warnings.append((1 + list(found).index("escape"), "invalid escape directive"))
        found["escape"] = "\\"
    return found, index, warnings


def _logical(
    lines: list[str], index: int, continuation: re.Pattern[str]
) -> tuple[Instruction, int]:
    """Join one instruction's continued lines; returns it and the next line index."""
    text, pieces = "", []
    start = end = index
    current = lines[index].lstrip()
    while True:
        pieces.append((len(text), index + 1))
        end = index
        found = continuation.search(current)
        index += 1
        if not found:
            text += current
            break
        text += current[: found.start()]
        while index < len(lines) and _skippable(lines[index]):
            index += 1
        if index >= len(lines):
            break
        current = lines[index]
    word = re.match(r"\S+", text)
    cmd = word[0] if word else ""
    cut = len(cmd) + (len(text[len(cmd) :]) - len(text[len(cmd) :].lstrip()))
    shifted = [(max(offset - cut, 0), line) for offset, line in pieces]
    return Instruction(cmd.upper(), start + 1, end + 1, text[cut:].rstrip(), shifted), index


def _skippable(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _read_heredocs(
    instruction: Instruction, lines: list[str], index: int, warnings: list[tuple[int, str]]
) -> int:
    for word in instruction.rest.split():
        found = _HEREDOC.match(word)
        if not found:
            continue
        strip_tabs, name = found[1] == "-", found[3]
        body: list[str] = []
        first = index + 1
        while index < len(lines):
            line = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if line == name:
                break
            body.append(line)
        else:
            warnings.append((instruction.start, f"heredoc <<{name} is never terminated"))
        instruction.end = max(index, instruction.start)
        span = (first, max(first, index - 1))
        instruction.heredocs.append({"name": name, "body": "\n".join(body), "span": span})
    return index


def _ignores(lines: list[str]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for number, line in enumerate(lines, 1):
        if "garrison:ignore" in line:
            for match in _IGNORE.finditer(line):
                ids = [part.strip() for part in match[1].split(",") if part.strip()]
                found.setdefault(number, []).extend(ids)
    return found


# --- the parts of one instruction --------------------------------------------------------


def split_flags(cmd: str, rest: str) -> tuple[dict[str, Any], list[Token], int]:
    """Leading `--name[=value]` flags of instructions that take them; returns the flags,
    their tokens (for line numbers) and the offset where the arguments start."""
    flags: dict[str, Any] = {}
    tokens: list[Token] = []
    if cmd not in _FLAGGED:
        return flags, tokens, 0
    for token in tokenize(rest, "\\"):
        if not token.text.startswith("--"):
            return flags, tokens, token.start
        name, equals, value = token.text[2:].partition("=")
        new: Any = value if equals else True
        old = flags.get(name)
        flags[name] = new if old is None else [*(old if isinstance(old, list) else [old]), new]
        tokens.append(token)
    return flags, tokens, len(rest)


def exec_form(value: str) -> list[str] | None:
    """The JSON array of an exec-form argument, or None (then it is shell form)."""
    if not value.startswith("["):
        return None
    try:
        found = json.loads(value)
    except ValueError:
        return None
    if isinstance(found, list) and all(isinstance(item, str) for item in found):
        return found
    return None


def tokenize(text: str, escape: str) -> list[Token]:
    """Whitespace-separated words; quotes group and are removed, the escape character
    takes the next character literally (outside single quotes)."""
    tokens: list[Token] = []
    word: list[str] = []
    start = -1
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if not quote and char.isspace():
            if start >= 0:
                tokens.append(Token("".join(word), start, index))
                word, start = [], -1
            index += 1
            continue
        start = index if start < 0 else start
        if char == escape and quote != "'" and index + 1 < len(text):
            word.append(text[index + 1])
            index += 2
            continue
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        else:
            word.append(char)
        index += 1
    if start >= 0:
        tokens.append(Token("".join(word), start, len(text)))
    return tokens


def variables(cmd: str, tokens: list[Token], text: str) -> list[tuple[str, str | None, Token]]:
    """(name, value, token) of what ENV, LABEL and ARG set; the legacy `ENV NAME value`
    form has one variable whose value is the rest of the line."""
    if cmd in _ENV_KEYED and tokens and "=" not in tokens[0].text:
        value = text[tokens[1].start :].strip() if len(tokens) > 1 else ""
        return [(tokens[0].text, value, tokens[0])]
    found: list[tuple[str, str | None, Token]] = []
    for token in tokens:
        name, equals, value = token.text.partition("=")
        if name:
            found.append((name, value if equals else None, token))
    return found


def split_commands(text: str) -> list[tuple[str, int]]:
    """The simple commands of shell text, with the offset each starts at: split at unquoted
    `&&`, `||`, `;` and line ends (a pipeline stays one command), `#` comments dropped,
    leading grouping, shell keywords and variable assignments removed."""
    found: list[tuple[str, int]] = []
    start = index = 0
    quote = ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                index += 1
            index += 1
            continue
        width = 2 if text.startswith(("&&", "||"), index) else int(char in ";\n")
        if char == "#" and (index == start or text[index - 1].isspace()):
            _command(text[start:index], start, found)
            index = start = _line_end(text, index)
        elif width:
            _command(text[start:index], start, found)
            index = start = index + width
        else:
            quote = char if char in "'\"" else ""
            index += 2 if char == "\\" else 1
    _command(text[start:], start, found)
    return found


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _command(text: str, offset: int, found: list[tuple[str, int]]) -> None:
    position = 0
    while lead := _LEADING.match(text, position):
        position = lead.end()
    command = text[position:].rstrip().rstrip(")}").rstrip()
    if command:
        found.append((command, offset + position))
