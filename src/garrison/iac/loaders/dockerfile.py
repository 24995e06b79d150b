"""Dockerfiles (and Containerfiles): one Resource per build stage.

A stage's doc is {"from": {"image", "tag", "digest", "alias", "platform", "ref", "stage"},
"instructions": [{"cmd", "value", "args", "flags", "form", ...}]} (FROM itself is not among
the instructions). `value` is the instruction's text after its flags, continued lines joined,
heredoc bodies appended on new lines; `args` the JSON array of an exec-form instruction or
the shell words otherwise; ENV/ARG/LABEL also get `keys` (names in order) and `vars`
({name: value}); heredocs are listed as `heredocs` [{"name", "body"}]. RUN also gets
`commands`: its simple commands (split at `&&`, `||`, `;` and line ends, pipelines kept
whole, comments dropped, leading keywords and variable assignments removed; from heredoc
bodies too when a shell runs them), each with its own span, so checks can anchor patterns
at a command's start and point at its line. The ARGs before the first FROM are the first
stage's `global_args`. `from.ref` is the reference as written (`image`/`tag`/`digest` have
the global ARG defaults substituted); `from.stage` names the earlier stage this one is built
FROM (None for an image). Context: `is_final_stage`, `stage_index`, `base_stage` (same as
`from.stage`), `inherited` ({USER/HEALTHCHECK/CMD/ENTRYPOINT/WORKDIR: value} from that stage
chain), `global_args` ({name: default}), `directives`, `ignores` ({line: [check ids]}).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from garrison.iac.loaders.dockerfile_parse import (
    KNOWN,
    Instruction,
    Parsed,
    exec_form,
    parse,
    split_commands,
    split_flags,
    tokenize,
    variables,
)
from garrison.iac.model import DocPath, LoadResult, Resource, Span
from garrison.inventory.readers.base import SourceFile
from garrison.model import Gap, ScanWarning

NAME = "dockerfile"
SOURCE = "dockerfile"

_NOT_DOCKERFILE = (".dockerignore", ".md", ".txt", ".json", ".yml", ".yaml", ".sh", ".orig",
                   ".bak", ".rej", ".swp", ".patch", ".diff")  # fmt: skip
_EXEC_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_KEYED = frozenset({"ENV", "ARG", "LABEL"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_INHERITED = ("USER", "HEALTHCHECK", "CMD", "ENTRYPOINT", "WORKDIR")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|([A-Za-z_]\w*))")
_MAX_WARNINGS = 20


def matches(path: PurePosixPath) -> bool:
    name = path.name.lower()
    if name in ("dockerfile", "containerfile"):
        return True
    if name.startswith(("dockerfile.", "containerfile.")):
        return not name.endswith(_NOT_DOCKERFILE)
    return name.endswith((".dockerfile", ".containerfile"))


def load(source: SourceFile) -> LoadResult:
    parsed = parse(source.text())
    escape = parsed.directives.get("escape", "\\")
    problems = list(parsed.warnings)
    global_args: list[Instruction] = []
    stages: list[list[Instruction]] = []
    for instruction in parsed.instructions:
        if instruction.cmd not in KNOWN:
            problems.append((instruction.start, f"unknown instruction {instruction.cmd!r}"))
        elif instruction.cmd == "FROM":
            stages.append([instruction])
        elif stages:
            stages[-1].append(instruction)
        elif instruction.cmd == "ARG":
            global_args.append(instruction)
        else:
            problems.append((instruction.start, f"{instruction.cmd} before the first FROM"))
    if not stages and parsed.instructions:
        problems.append((parsed.instructions[0].start, "no FROM instruction"))
    resources = _Stages(source.path, parsed, escape, global_args, problems).build(stages)
    warnings = tuple(
        ScanWarning(source.path, f"line {line}: {reason}", Gap.READER_FAILED, line)
        for line, reason in sorted(problems)[:_MAX_WARNINGS]
    )
    return LoadResult(resources, warnings)


class _Stages:
    """Turns grouped instructions into stage Resources."""

    def __init__(
        self,
        path: str,
        parsed: Parsed,
        escape: str,
        global_args: list[Instruction],
        problems: list[tuple[int, str]],
    ) -> None:
        self.path = path
        self.parsed = parsed
        self.escape = escape
        self.global_args = global_args
        self.problems = problems
        self.defaults: dict[str, str | None] = {}
        for instruction in global_args:
            for name, value, _token in variables("ARG", self._words(instruction), ""):
                self.defaults[name] = value

    def build(self, stages: list[list[Instruction]]) -> tuple[Resource, ...]:
        self.aliases: dict[str, int] = {}
        self.last: list[dict[str, str]] = []  # per stage: each command's last value, bases included
        return tuple(
            self._stage(index, first, body, len(stages))
            for index, (first, *body) in enumerate(stages)
        )

    def _stage(
        self, index: int, first: Instruction, body: list[Instruction], count: int
    ) -> Resource:
        spans: dict[DocPath, Span] = {}
        doc: dict[str, Any] = {"from": self._from(first, spans)}
        doc["instructions"] = [
            self._entry(ins, ("instructions", n), spans) for n, ins in enumerate(body)
        ]
        if index == 0 and self.global_args:
            doc["global_args"] = [
                self._entry(ins, ("global_args", n), spans)
                for n, ins in enumerate(self.global_args)
            ]
        image, alias = doc["from"]["image"], doc["from"]["alias"]
        base = self.aliases.get(image.lower()) if isinstance(image, str) else None
        doc["from"]["stage"] = image if base is not None else None
        inherited = self.last[base] if base is not None else {}
        self.last.append({**inherited, **{e["cmd"]: e["value"] for e in doc["instructions"]}})
        if alias:
            self.aliases.setdefault(alias.lower(), index)
        context = {
            "is_final_stage": index == count - 1,
            "stage_index": index,
            "base_stage": doc["from"]["stage"],
            "inherited": {k: v for k, v in inherited.items() if k in _INHERITED},
            "global_args": dict(self.defaults),
            "directives": dict(self.parsed.directives),
            "ignores": self.parsed.ignores,
        }
        span = Span(first.start, body[-1].end if body else first.end)
        return Resource(SOURCE, "stage", alias or str(index), self.path, doc, span, spans, context)

    def _words(self, instruction: Instruction) -> list[Any]:
        return tokenize(instruction.rest, self.escape)

    def _entry(self, ins: Instruction, at: DocPath, spans: dict[DocPath, Span]) -> dict[str, Any]:
        """One instruction as data, its spans recorded under `at`."""
        flags, flag_tokens, offset = split_flags(ins.cmd, ins.rest)
        value = ins.rest[offset:].strip()
        whole = Span(ins.start, ins.end)
        spans[at] = spans[(*at, "value")] = whole
        for token in flag_tokens:
            line = ins.line_at(token.start)
            spans[(*at, "flags", token.text[2:].partition("=")[0])] = Span(line, line)
        entry: dict[str, Any] = {"cmd": ins.cmd, "value": value, "args": [], "flags": flags}
        array = exec_form(value) if ins.cmd in _EXEC_FORM else None
        if array is not None:
            entry["args"], entry["form"] = array, "exec"
            for n in range(len(array)):
                spans[(*at, "args", n)] = whole
        else:
            entry["form"] = "shell"
            self._shell_words(ins, offset, at, entry, spans)
        if ins.heredocs:
            entry["heredocs"] = [{"name": h["name"], "body": h["body"]} for h in ins.heredocs]
            entry["value"] = "\n".join([value, *(h["body"] for h in ins.heredocs)])
            for n, heredoc in enumerate(ins.heredocs):
                spans[(*at, "heredocs", n)] = Span(*heredoc["span"])
        if ins.cmd == "RUN":
            commands = _commands(ins, offset, array)
            entry["commands"] = [text for text, _ in commands]
            for n, (_, span) in enumerate(commands):
                spans[(*at, "commands", n)] = span
        return entry

    def _shell_words(
        self,
        ins: Instruction,
        offset: int,
        at: DocPath,
        entry: dict[str, Any],
        spans: dict[DocPath, Span],
    ) -> None:
        tokens = tokenize(ins.rest[offset:], self.escape)
        entry["args"] = [token.text for token in tokens]
        for n, token in enumerate(tokens):
            first, last = ins.line_at(offset + token.start), ins.line_at(offset + token.end - 1)
            spans[(*at, "args", n)] = Span(first, last)
        if ins.cmd not in _KEYED:
            return
        entry["keys"], entry["vars"] = [], {}
        for name, var_value, token in variables(ins.cmd, tokens, ins.rest[offset:]):
            line = ins.line_at(offset + token.start)
            spans[(*at, "keys", len(entry["keys"]))] = spans[(*at, "vars", name)] = Span(line, line)
            entry["keys"].append(name)
            entry["vars"][name] = var_value

    def _from(self, ins: Instruction, spans: dict[DocPath, Span]) -> dict[str, Any]:
        flags, flag_tokens, offset = split_flags(ins.cmd, ins.rest)
        tokens = tokenize(ins.rest[offset:], self.escape)
        spans[("from",)] = Span(ins.start, ins.end)
        platform = flags.get("platform")
        found: dict[str, Any] = {"image": None, "tag": None, "digest": None, "alias": None,
                                 "platform": platform if isinstance(platform, str) else None,
                                 "ref": None}  # fmt: skip
        for token in flag_tokens:
            if token.text.startswith("--platform"):
                line = ins.line_at(token.start)
                spans[("from", "platform")] = Span(line, line)
        if not tokens:
            self.problems.append((ins.start, "FROM without an image"))
            return found
        line = ins.line_at(offset + tokens[0].start)
        found["ref"] = tokens[0].text
        found["image"], found["tag"], found["digest"] = _reference(self._expand(tokens[0].text))
        for key in ("image", "tag", "digest", "ref"):
            spans[("from", key)] = Span(line, line)
        if len(tokens) >= 3 and tokens[1].text.lower() == "as":
            found["alias"] = tokens[2].text
            alias_line = ins.line_at(offset + tokens[2].start)
            spans[("from", "alias")] = Span(alias_line, alias_line)
        elif len(tokens) > 1:
            self.problems.append((ins.start, "FROM has unexpected words after the image"))
        return found

    def _expand(self, text: str) -> str:
        """Substitute the global ARGs' defaults; a variable without a non-empty default
        (given only at build time) stays as written."""

        def one(match: re.Match[str]) -> str:
            value = self.defaults.get(match[1] or match[4])
            if match[2] == "-":
                return value or match[3] or match[0]
            if match[2] == "+":
                return match[3] if value else match[0]
            return value or match[0]

        return _VARIABLE.sub(one, text)


def _commands(ins: Instruction, offset: int, array: list[str] | None) -> list[tuple[str, Span]]:
    """A RUN's simple commands with their lines: from its text (or exec-form array) and
    from the bodies of heredocs a shell runs."""
    if array is not None:
        return [(text, Span(ins.start, ins.end)) for text, _ in split_commands(" ".join(array))]
    text = ins.rest[offset:]
    found = [
        (command, Span(ins.line_at(offset + at), ins.line_at(offset + at + len(command) - 1)))
        for command, at in split_commands(text)
    ]
    words = text.split(maxsplit=1)
    head = words[0].rsplit("/", 1)[-1] if words else ""
    if not (head.startswith("<<") or head in _SHELLS):
        return found  # heredocs fed to another program (python, a file) are not shell
    for heredoc in ins.heredocs:
        line, seen, body = heredoc["span"][0], 0, heredoc["body"]
        for command, at in split_commands(body):
            line += body.count("\n", seen, at)
            seen = at
            found.append((command, Span(line, line + command.count("\n"))))
    return found


def _reference(ref: str) -> tuple[str, str | None, str | None]:
    """(image, tag, digest) of `name[:tag][@digest]`; a registry port is not a tag."""
    name, _, digest = ref.partition("@")
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        return name[:colon], name[colon + 1 :] or None, digest or None
    return name, None, digest or None
