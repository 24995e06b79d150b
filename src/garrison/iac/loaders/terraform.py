"""Terraform (.tf) loader: one Resource per `resource` and `data` block instance.

`kind` is the resource type ("aws_s3_bucket"), `name` its address ("aws_s3_bucket.logs",
"data.aws_iam_policy_document.x", "module.logs.aws_s3_bucket.this" inside a module), `doc`
its arguments (nested blocks are lists of mappings, in order). Values are evaluated
statically (see terraform_eval): `var.x` from variable defaults, `terraform.tfvars`,
`*.auto.tfvars` or a calling module's arguments; `local.x` from `locals`; anything else
stays the string "${<expression>}". A block with a known `count` or `for_each` gives one
Resource per instance (`aws_s3_bucket.b[0]`, `aws_s3_bucket.b["logs"]`, with
`count.index` or `each` evaluated; at most MAX_DYNAMIC, identical ones kept once), none
for `count = 0` or an empty `for_each`, and one with them unknown otherwise; module calls
likewise (at most MAX_MODULE_INSTANCES). Override files are merged into the blocks they
override (terraform_override).

Entry points:
- `load(source)`: one file on its own (its variables and locals, the terraform.tfvars
  beside it);
- `load_module(files, dir, read_dir)`: one directory's files as a module, following local
  module calls (`source = "./modules/x"`) through `read_dir` (directory -> its files);
- `load_tree(files)`: every Terraform file of a scan at once (preferred by the scanner):
  directories that other directories call as modules are evaluated through those calls,
  with the caller's arguments, so each module file is reported where it is used.

context: "address", "mode" ("managed"/"data"), "module" ("" at the root), "ignores"
({line: [check ids]} from `# garrison:ignore[...]` comments), "unknown_blocks" (the
DocPaths of blocks a dynamic block with an unknown `for_each` may or may not make; the
engine decides nothing on them) and "referrers": the resources of the same module
instance that reference this one (by address in an expression, or an S3 bucket by its
literal name), as {"kind", "name", "doc"} mappings.
"""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

from garrison.iac.loaders.terraform_eval import Evaluator, Scope
from garrison.iac.loaders.terraform_hcl import (
    MAX_DYNAMIC,
    Block,
    HclFile,
    attributes,
    blocks,
    parse,
)
from garrison.iac.loaders.terraform_links import Entry, link
from garrison.iac.loaders.terraform_override import MergedDoc, settings, top_blocks
from garrison.iac.loaders.terraform_values import Unknown, is_number
from garrison.iac.model import LoadResult, Resource, Span
from garrison.inventory.readers.base import SourceFile
from garrison.model import ScanWarning

NAME = "terraform"
SOURCE = "terraform"
MAX_MODULE_DEPTH = 5
MAX_MODULE_INSTANCES = 20  # instances of one module call (count/for_each) evaluated at most
ReadDir = Callable[[str], Mapping[str, bytes] | None]

_MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def matches(path: PurePosixPath) -> bool:
    name = path.name
    return name.endswith(".tf") or name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def load(source: SourceFile) -> LoadResult:
    """One file on its own, with the directory's terraform.tfvars when there is one."""
    files = {source.path: source.data}
    if source.path.endswith(".tf"):
        tfvars = source.open_relative("terraform.tfvars")
        if tfvars is not None:
            files[posixpath.join(posixpath.dirname(source.path), "terraform.tfvars")] = tfvars
    result = load_module(files, posixpath.dirname(source.path))
    own = tuple(w for w in result.warnings if w.source == source.path)
    return LoadResult(result.resources, own)


def load_module(
    files: Mapping[str, bytes], dir: str, read_dir: ReadDir | None = None
) -> LoadResult:
    """The resources of the module in `dir` (its files: path -> bytes)."""
    loader = _Loader(read_dir or (lambda _dir: None))
    key = _dir_key(dir)
    loader.instance(key, loader.parse_all(files), None, "", 0, (key,))
    return loader.result()


def load_tree(files: Mapping[str, bytes]) -> LoadResult:
    """The resources of every Terraform file of a scan (path -> bytes), each directory a
    module; directories called by others as local modules are loaded through the calls."""
    groups: dict[str, dict[str, bytes]] = defaultdict(dict)
    for path, data in files.items():
        groups[_dir_key(posixpath.dirname(path))][path] = data
    loader = _Loader(groups.get)
    parsed = {key: loader.parse_all(group) for key, group in groups.items()}
    called = {child for key, found in parsed.items() for child in _local_calls(key, found)}
    for key in sorted(parsed):
        if key not in called:
            loader.instance(key, parsed[key], None, "", 0, (key,))
    for key in sorted(parsed):
        if key not in loader.visited:  # only reachable through a cycle or past the depth
            loader.instance(key, parsed[key], None, "", 0, (key,))
    return loader.result()


class _Loader:
    """Parses each file once and evaluates module instances, collecting resources."""

    def __init__(self, read_dir: ReadDir) -> None:
        self.read_dir = read_dir
        self.cache: dict[str, HclFile] = {}
        self.visited: set[str] = set()
        self.resources: list[Resource] = []
        self.seen: set[tuple[str, Span, str, str]] = set()
        self.warnings: dict[tuple[str, int | None, str], ScanWarning] = {}

    def parse_all(self, files: Mapping[str, bytes]) -> list[HclFile]:
        for path in sorted(files):
            if path not in self.cache and matches(PurePosixPath(path)):
                self.cache[path] = parse(path, files[path])
        return [self.cache[p] for p in sorted(files) if p in self.cache]

    def result(self) -> LoadResult:
        warnings = [f.warning for f in self.cache.values() if f.warning is not None]
        merging = [self.warnings[key] for key in sorted(self.warnings, key=str)]
        return LoadResult(tuple(self.resources), (*warnings, *merging))

    def instance(
        self,
        dir: str,
        files: list[HclFile],
        inputs: Mapping[str, Any] | None,
        prefix: str,
        depth: int,
        stack: tuple[str, ...],
    ) -> None:
        """Evaluate the module in `dir` with `inputs` (None: a root module)."""
        self.visited.add(dir)
        top, warnings = top_blocks(files)
        self.warnings.update(((w.source, w.line, w.message), w) for w in warnings)
        scope = _scope(top, inputs, files)
        entries = [
            e for b in top if b.type in ("resource", "data") for e in _entries(b, scope, prefix)
        ]
        for resource in link(entries):
            self._add(resource)
        for block in top:
            if block.type == "module" and block.labels and depth < MAX_MODULE_DEPTH:
                self._call(block, dir, scope, prefix, depth, stack)

    def _call(
        self, block: Block, dir: str, scope: Scope, prefix: str, depth: int, stack: tuple[str, ...]
    ) -> None:
        values = _Settings(block, scope)
        child = _child_dir(dir, values.get("source"))
        if child is None or child in stack or _creates_none(values):
            return
        files = self.read_dir(child)
        if not files:
            return
        parsed = self.parse_all(files)
        for index, bound in _instances(values, MAX_MODULE_INSTANCES):
            instance = _Settings(block, scope, bound)
            inputs = {k: instance.get(k) for k in instance.names if k not in _MODULE_META}
            where = f"{prefix}module.{block.labels[0]}{index}."
            self.instance(child, parsed, inputs, where, depth + 1, (*stack, child))

    def _add(self, resource: Resource) -> None:
        """Keep one of the identical copies a module called several times gives."""
        referrers = [(r["kind"], r["doc"]) for r in resource.context["referrers"]]
        doc = json.dumps([resource.doc, referrers], sort_keys=True, default=str)
        key = (resource.file, resource.span, resource.kind, doc)
        if key not in self.seen:
            self.seen.add(key)
            self.resources.append(resource)


class _Settings:
    """A block's arguments (overrides applied), each evaluated on first use."""

    def __init__(
        self, block: Block, scope: Scope, iterators: Mapping[str, Any] | None = None
    ) -> None:
        self.nodes = settings(block)
        self.scope = scope
        self.iterators = iterators or {}
        self.names = list(self.nodes)
        self.values: dict[str, Any] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.nodes

    def get(self, name: str) -> Any:
        """The value of argument `name`, None when the block does not set it."""
        if name not in self.nodes:
            return None
        if name not in self.values:
            node, text = self.nodes[name]
            self.values[name] = Evaluator(self.scope, text, self.iterators).value(node)
        return self.values[name]


def _scope(top: list[Block], inputs: Mapping[str, Any] | None, files: list[HclFile]) -> Scope:
    variables: dict[str, Any] = {}
    for block in top:
        if block.type != "variable" or not block.labels:
            continue
        name = block.labels[0]
        declared = _Settings(block, Scope({}))
        if inputs is not None and name in inputs:
            variables[name] = inputs[name]
        elif "default" in declared:
            variables[name] = declared.get("default")
        else:
            variables[name] = Unknown(f"${{var.{name}}}")
    for file in files:
        if inputs is None and not file.path.endswith(".tf") and file.body is not None:
            for name, expression in attributes(file.body).items():
                variables[name] = Evaluator(Scope({}), file.text).value(expression)
    local_nodes = {
        name: (expression, block.file.text)
        for block in top
        if block.type == "locals"
        for name, expression in attributes(block.body).items()
    }
    return Scope(variables, local_nodes)


def _entries(block: Block, scope: Scope, prefix: str) -> list[Entry]:
    """The instances of a resource or data block (see `_instances`)."""
    values = _Settings(block, scope)
    if len(block.labels) < 2 or _creates_none(values):
        return []
    return [_entry(block, scope, prefix, i, bound) for i, bound in _instances(values, MAX_DYNAMIC)]


def _instances(values: _Settings, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """(address suffix, iterators) of each instance of a block: one per index of a known
    `count` (`count.index` bound) or per element of a known `for_each` (`each` bound), at
    most `limit`; else one, with `count.index` and `each` unknown."""
    count = values.get("count")
    if is_number(count) and float(count).is_integer() and count > 0:
        return [(f"[{i}]", {"count": {"index": i}}) for i in range(min(int(count), limit))]
    each = values.get("for_each")
    if isinstance(each, list) and all(isinstance(v, str) for v in each):
        each = {v: v for v in each}
    if not isinstance(each, dict) or not each or any("${" in k for k in each):
        return [("", {})]
    items = list(each.items())[:limit]
    return [(f'["{k}"]', {"each": {"key": k, "value": v}}) for k, v in items]


def _entry(block: Block, scope: Scope, prefix: str, index: str, iterators: Any) -> Entry:
    merged = MergedDoc(block, scope, iterators)
    kind, name = block.labels[:2]
    local = f"data.{kind}.{name}" if block.type == "data" else f"{kind}.{name}"
    mode = "data" if block.type == "data" else "managed"
    span = block.file.span(block.node)
    return Entry(
        kind, local, prefix + local + index, mode, merged.doc, block.file.path, span,
        merged.spans, block.file.ignores, None, prefix.rstrip("."),
        tuple(merged.unknown_blocks),
    )  # fmt: skip


def _creates_none(values: _Settings) -> bool:
    """A known `count = 0` or an empty `for_each`."""
    count, each = values.get("count"), values.get("for_each")
    return (is_number(count) and count == 0) or (isinstance(each, dict | list) and not each)


def _local_calls(dir: str, files: list[HclFile]) -> set[str]:
    """The directories the module in `dir` calls as local modules."""
    calls = set()
    for block in (b for f in files for b in blocks(f) if b.type == "module"):
        source = attributes(block.body).get("source")
        if source is not None:
            value = Evaluator(Scope({}), block.file.text).value(source)
            child = _child_dir(dir, value)
            if child is not None and child != dir:
                calls.add(child)
    return calls


def _child_dir(dir: str, source: Any) -> str | None:
    """The directory of a local module source, or None (registry, git, outside the scan)."""
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    joined = posixpath.normpath(posixpath.join(dir, source))
    return None if joined == ".." or joined.startswith("../") else joined


def _dir_key(dir: str) -> str:
    return posixpath.normpath(dir) if dir else "."
