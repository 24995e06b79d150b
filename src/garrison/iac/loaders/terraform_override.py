"""Override files (`override.tf`, `*_override.tf`), merged as Terraform merges them.

Terraform loads a module's override files after its other files, in name order, and
merges each of their top-level blocks into the block of the same type and labels: an
argument replaces the argument of that name, a nested block (or `dynamic` block) replaces
every block of its type, and a `locals` entry replaces the local of that name. An
override block is never a resource of its own; one that matches no block is an error in
Terraform and here a warning naming its line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from garrison.iac.loaders.terraform_eval import Node, Scope
from garrison.iac.loaders.terraform_hcl import Block, DocBuilder, HclFile, attributes, blocks
from garrison.iac.model import DocPath, Span
from garrison.model import Gap, ScanWarning

_MERGED = ("resource", "data", "module", "variable")


def is_override(path: str) -> bool:
    name = posixpath.basename(path)
    return name == "override.tf" or name.endswith("_override.tf")


def top_blocks(files: list[HclFile]) -> tuple[list[Block], list[ScanWarning]]:
    """The top-level blocks of a module's .tf files with their overrides attached; the
    `locals` of override files come last, so their entries win."""
    primary = [f for f in files if f.path.endswith(".tf") and not is_override(f.path)]
    overriding = sorted(
        (f for f in files if f.path.endswith(".tf") and is_override(f.path)),
        key=lambda f: posixpath.basename(f.path),
    )
    top = [b for f in primary for b in blocks(f)]
    index = {(b.type, b.labels): i for i, b in enumerate(top) if b.type in _MERGED}
    tail: list[Block] = []
    warnings: list[ScanWarning] = []
    for block in (b for f in overriding for b in blocks(f)):
        if block.type == "locals":
            tail.append(block)
        elif block.type in _MERGED:
            found = index.get((block.type, block.labels))
            if found is None:
                warnings.append(_orphan(block))
            else:
                top[found] = replace(top[found], overrides=(*top[found].overrides, block))
    return top + tail, warnings


def settings(block: Block) -> dict[str, tuple[Node, str]]:
    """Argument name -> (expression, text of its file), overrides applied."""
    found = {name: (node, block.file.text) for name, node in attributes(block.body).items()}
    for other in block.overrides:
        found.update({n: (node, other.file.text) for n, node in attributes(other.body).items()})
    return found


class MergedDoc:
    """The document of a block with its overrides merged in: `spans` and
    `unknown_blocks` as DocBuilder gives them (an overridden part has no span of its
    own, so a finding in it points at the block)."""

    def __init__(self, block: Block, scope: Scope, iterators: Mapping[str, Any]) -> None:
        builder = DocBuilder(block.file, scope)
        self.doc = builder.body(block.body, (), iterators)
        self.spans: dict[DocPath, Span] = builder.spans
        self.unknown_blocks: list[DocPath] = builder.unknown_blocks
        for other in block.overrides:
            extra = DocBuilder(other.file, scope)
            part = extra.body(other.body, (), iterators)
            for key, value in part.items():
                self.doc[key] = value
                self.spans = {p: s for p, s in self.spans.items() if p[0] != key}
                self.unknown_blocks = [p for p in self.unknown_blocks if p[0] != key]
                self.unknown_blocks += [p for p in extra.unknown_blocks if p[0] == key]


def _orphan(block: Block) -> ScanWarning:
    line = block.file.span(block.node).start
    what = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
    message = f"line {line}: override {what} matches no block of the module (not merged)"
    return ScanWarning(block.file.path, message, Gap.READER_FAILED, line)
