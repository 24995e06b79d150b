"""Links between the resources of one Terraform module instance: which resources
reference which (by address in an expression, or an S3 bucket by its literal name), kept
in each Resource's `context["referrers"]` so checks can see settings held by other
resources (an aws_s3_bucket_versioning for its bucket)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from garrison.iac.model import DocPath, Resource, Span

_REFERENCE = re.compile(r"(?<![\w.\-/:])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)")


@dataclass(frozen=True)
class Entry:
    """A resource before linking: `local` is its address inside its module instance."""

    kind: str
    local: str
    address: str
    mode: str
    doc: Any
    file: str
    span: Span
    spans: Mapping[DocPath, Span] = field(default_factory=dict)
    ignores: Mapping[int, list[str]] = field(default_factory=dict)
    refs: frozenset[str] | None = None  # addresses it references; None: read from `doc`
    module: str = ""  # "module.a.module.b"; "" at the root
    unknown_blocks: tuple[DocPath, ...] = ()  # blocks that may not exist (see DocBuilder)


def link(entries: Sequence[Entry]) -> list[Resource]:
    """Resources with `context["referrers"]`: the entries that reference each one."""
    addresses = {e.local for e in entries}
    referrers: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        refs = entry.refs if entry.refs is not None else doc_refs(entry.doc, addresses)
        for ref in refs - {entry.local}:
            referrers[ref].append(entry)
    buckets = _named_buckets(entries)
    resources = []
    for entry in entries:
        found = list(referrers.get(entry.local, []))
        if entry.kind == "aws_s3_bucket":
            found += [e for e in buckets.get(entry.doc.get("bucket"), []) if e not in found]
        found = [e for e in found if e is not entry]
        resources.append(_resource(entry, found))
    return resources


def doc_refs(doc: Any, addresses: set[str]) -> frozenset[str]:
    """The addresses among `addresses` that expressions left in `doc` mention."""
    found: set[str] = set()
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and "${" in value:
            found.update(m for m in _REFERENCE.findall(value) if m in addresses)
    return frozenset(found)


def _named_buckets(entries: Sequence[Entry]) -> dict[Any, list[Entry]]:
    """Entries whose `bucket` argument is a literal name (S3 settings resources)."""
    named: dict[Any, list[Entry]] = defaultdict(list)
    for entry in entries:
        bucket = entry.doc.get("bucket") if isinstance(entry.doc, dict) else None
        if isinstance(bucket, str) and bucket and "${" not in bucket:
            named[bucket].append(entry)
    return named


def _resource(entry: Entry, referrers: list[Entry]) -> Resource:
    context = {
        "address": entry.address,
        "mode": entry.mode,
        "module": entry.module,
        "unknown_blocks": entry.unknown_blocks,
        "ignores": entry.ignores,
        "referrers": tuple({"kind": r.kind, "name": r.address, "doc": r.doc} for r in referrers),
    }
    return Resource(
        "terraform",
        entry.kind,
        entry.address,
        entry.file,
        entry.doc,
        entry.span,
        entry.spans,
        context,
    )
