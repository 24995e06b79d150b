"""go.mod: the module's requirements, with `replace` applied, and the Go standard library.

Reports each `require` (single-line and block forms) as a component, direct unless marked
`// indirect`. A `replace` swaps in the module that is actually built: a version-specific
one (`old v1 => new v2`) applies to that version only and wins over a module-wide one
(`old => new v2`). A replacement by a local directory (`=> ../fork`) is the project's own
code, not a published module: it is skipped with a NO_VERSION warning naming the directory.
A requirement whose version is not canonical (`master`, `v1.2`) is an UNPINNED warning, no
component. `exclude`, `retract`, `godebug`, `tool` and `ignore` do not change what is built.

The `toolchain` line (else the `go` line) gives a `stdlib` component: OSV's Go ecosystem
calls the standard library "stdlib" and writes its versions as SemVer without a `v`
(`1.21.3`), so that is how ours are written (see `common.stdlib_version`). Before Go 1.21
the `go` line is only the language version, a lower bound on the toolchain actually used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from garrison.inventory.readers.base import (
    ReaderError,
    ReadResult,
    ResultBuilder,
    SourceFile,
    name_is,
)
from garrison.inventory.readers.go.common import (
    CANONICAL_VERSION,
    STDLIB,
    is_local_path,
    stdlib_version,
)
from garrison.model import Gap

NAME = "go.mod"
ECOSYSTEM = "Go"
matches = name_is("go.mod")

_DIRECTIVES = frozenset(
    {"module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract"}
    | {"tool", "ignore"}
)


@dataclass(frozen=True, slots=True)
class _Statement:
    verb: str
    args: tuple[str, ...]
    comment: str
    line: int


@dataclass(frozen=True, slots=True)
class _Replace:
    path: str
    version: str | None
    line: int


def read(source: SourceFile) -> ReadResult:
    """Requirements (replacements applied) and the standard library."""
    statements = list(_statements(source))
    builder = ResultBuilder(source, ECOSYSTEM)
    _add_stdlib(source, builder, statements)
    exact, module_wide = _replacements(source, statements)
    for statement in statements:
        if statement.verb != "require":
            continue
        path, version = _pair(source, statement, "require")
        direct = not _is_indirect(statement.comment)
        replacement = exact.get((path, version)) or module_wide.get(path)
        if replacement is None:
            _add(builder, path, version, statement.line, direct)
        elif replacement.version is None:
            builder.warn(
                f"{path} {version}: replaced by local directory {replacement.path}"
                " (the project's own code, not inventoried)",
                Gap.NO_VERSION,
                replacement.line,
            )
        else:
            _add(builder, replacement.path, replacement.version, replacement.line, direct)
    return builder.result()


def _add(builder: ResultBuilder, path: str, version: str, line: int, direct: bool) -> None:
    if CANONICAL_VERSION.fullmatch(version):
        builder.add(path, version, line=line, direct=direct)
    else:
        builder.warn(f"{path}: {version!r} is not a canonical version", Gap.UNPINNED, line)


def _add_stdlib(source: SourceFile, builder: ResultBuilder, statements: list[_Statement]) -> None:
    """`stdlib` at the toolchain's version, else at the `go` line's."""
    versions: dict[str, tuple[str | None, int]] = {}
    for statement in statements:
        if statement.verb in ("go", "toolchain"):
            if len(statement.args) != 1:
                raise ReaderError(f"{source.path}: line {statement.line}: bad {statement.verb}")
            versions[statement.verb] = (stdlib_version(statement.args[0]), statement.line)
    go, toolchain = versions.get("go"), versions.get("toolchain")
    if go is not None and go[0] is None:
        raise ReaderError(f"{source.path}: line {go[1]}: invalid go version")
    version, line = toolchain if toolchain and toolchain[0] else go or (None, None)
    if version:
        builder.add(STDLIB, version, line=line)


def _replacements(
    source: SourceFile, statements: list[_Statement]
) -> tuple[dict[tuple[str, str], _Replace], dict[str, _Replace]]:
    """Version-specific and module-wide replacements (a later one overrides an earlier)."""
    exact: dict[tuple[str, str], _Replace] = {}
    module_wide: dict[str, _Replace] = {}
    for statement in statements:
        if statement.verb != "replace":
            continue
        args = statement.args
        if "=>" not in args:
            raise ReaderError(f"{source.path}: line {statement.line}: replace without '=>'")
        arrow = args.index("=>")
        old, new = args[:arrow], args[arrow + 1 :]
        if len(old) not in (1, 2) or len(new) not in (1, 2):
            raise ReaderError(f"{source.path}: line {statement.line}: malformed replace")
        if len(new) == 1 and not is_local_path(new[0]):
            raise ReaderError(
                f"{source.path}: line {statement.line}: replacement module {new[0]} has no version"
            )
        target = _Replace(new[0], new[1] if len(new) == 2 else None, statement.line)
        if len(old) == 2:
            exact[(old[0], old[1])] = target
        else:
            module_wide[old[0]] = target
    return exact, module_wide


def _pair(source: SourceFile, statement: _Statement, verb: str) -> tuple[str, str]:
    if len(statement.args) != 2:
        raise ReaderError(f"{source.path}: line {statement.line}: {verb} needs a path and version")
    return statement.args[0], statement.args[1]


def _is_indirect(comment: str) -> bool:
    """Go's rule: the comment is `indirect`, or starts with `indirect;`."""
    text = comment.strip()
    return text == "indirect" or text.startswith("indirect;")


def _statements(source: SourceFile) -> Iterator[_Statement]:
    """Every directive, block lines expanded to `verb args`, comments split off."""
    block: str | None = None
    block_line = 0
    for number, raw in enumerate(source.text().splitlines(), 1):
        code, _, comment = raw.partition("//")
        spaced = code.replace("(", " ( ").replace(")", " ) ")  # Go's lexer splits them off
        tokens = tuple(token.strip('"`') for token in spaced.split())
        if block is not None:
            if tokens == (")",):
                block = None
            elif tokens:
                yield _Statement(block, tokens, comment, number)
            continue
        if not tokens:
            continue
        verb, args = tokens[0], tokens[1:]
        if verb not in _DIRECTIVES:
            raise ReaderError(f"{source.path}: line {number}: unknown directive {verb!r}")
        if args == ("(",):
            block, block_line = verb, number
        elif args != ("(", ")"):
            yield _Statement(verb, args, comment, number)
    if block is not None:
        raise ReaderError(f"{source.path}: line {block_line}: {block} block is not closed")
