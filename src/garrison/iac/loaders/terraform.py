"""Terraform (.tf) loader: one Resource per `resource` and `data` block.

`kind` is the resource type ("aws_s3_bucket"), `name` its address ("aws_s3_bucket.logs",
"data.aws_iam_policy_document.x", "module.logs.aws_s3_bucket.this" inside a module), `doc`
its arguments (nested blocks are lists of mappings, in order). Values are evaluated
statically (see terraform_eval): `var.x` from variable defaults, `terraform.tfvars`,
`*.auto.tfvars` or a calling module's arguments; `local.x` from `locals`; anything else
stays the string "${<expression>}". Resources with a known `count = 0` or an empty
`for_each` are left out, as Terraform would create none; a known `for_each` gives one
Resource per key (`aws_s3_bucket.b["logs"]`, with `each.key`/`each.value` evaluated).

Entry points:
- `load(source)`: one file on its own (its variables and locals, the terraform.tfvars
  beside it);
- `load_module(files, dir, read_dir)`: one directory's files as a module, following local
  module calls (`source = "./modules/x"`) through `read_dir` (directory -> its files);
- `load_tree(files)`: every Terraform file of a scan at once (preferred by the scanner):
  directories that other directories call as modules are evaluated through those calls,
  with the caller's arguments, so each module file is reported where it is used.

context: "address", "mode" ("managed"/"data"), "module" ("" at the root), "ignores"
({line: [check ids]} from `# garrison:ignore[...]` comments) and "referrers": the
resources of the same module instance that reference this one (by address in an
expression, or an S3 bucket by its literal name), as {"kind", "name", "doc"} mappings.
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
    DocBuilder,
    HclFile,
    attributes,
    blocks,
    parse,
)
from garrison.iac.loaders.terraform_links import Entry, link
from garrison.iac.loaders.terraform_values import Unknown
from garrison.iac.model import LoadResult, Resource, Span
from garrison.inventory.readers.base import SourceFile

NAME = "terraform"
SOURCE = "terraform"
MAX_MODULE_DEPTH = 5
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

    def parse_all(self, files: Mapping[str, bytes]) -> list[HclFile]:
        for path in sorted(files):
            if path not in self.cache and matches(PurePosixPath(path)):
                self.cache[path] = parse(path, files[path])
        return [self.cache[p] for p in sorted(files) if p in self.cache]

    def result(self) -> LoadResult:
        warnings = tuple(f.warning for f in self.cache.values() if f.warning is not None)
        return LoadResult(tuple(self.resources), warnings)

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
        top = [b for f in files if f.path.endswith(".tf") for b in blocks(f)]
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
        settings = attributes(block.body)
        evaluator = Evaluator(scope, block.file.text)
        source = evaluator.value(settings["source"]) if "source" in settings else None
        child = _child_dir(dir, source)
        if child is None or child in stack or _creates_none(settings, evaluator):
            return
        files = self.read_dir(child)
        if not files:
            return
        inputs = {k: evaluator.value(v) for k, v in settings.items() if k not in _MODULE_META}
        where = f"{prefix}module.{block.labels[0]}."
        self.instance(child, self.parse_all(files), inputs, where, depth + 1, (*stack, child))

    def _add(self, resource: Resource) -> None:
        """Keep one of the identical copies a module called several times gives."""
        referrers = [(r["kind"], r["doc"]) for r in resource.context["referrers"]]
        doc = json.dumps([resource.doc, referrers], sort_keys=True, default=str)
        key = (resource.file, resource.span, resource.kind, doc)
        if key not in self.seen:
            self.seen.add(key)
            self.resources.append(resource)


def _scope(top: list[Block], inputs: Mapping[str, Any] | None, files: list[HclFile]) -> Scope:
    variables: dict[str, Any] = {}
    for block in top:
        if block.type != "variable" or not block.labels:
            continue
        name = block.labels[0]
        default = attributes(block.body).get("default")
        if inputs is not None and name in inputs:
            variables[name] = inputs[name]
        elif default is not None:
            variables[name] = Evaluator(Scope({}), block.file.text).value(default)
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
    """The instances of a resource or data block: one per element of a known `for_each`
    (with `each` bound), else one (with `each` and `count.index` unknown)."""
    settings = attributes(block.body)
    evaluator = Evaluator(scope, block.file.text)
    if len(block.labels) < 2 or _creates_none(settings, evaluator):
        return []
    each = evaluator.value(settings["for_each"]) if "for_each" in settings else None
    if isinstance(each, list) and all(isinstance(v, str) for v in each):
        each = {v: v for v in each}
    if not isinstance(each, dict) or not each:
        return [_entry(block, scope, prefix, "", {})]
    items = list(each.items())[:MAX_DYNAMIC]
    return [
        _entry(block, scope, prefix, f'["{k}"]', {"each": {"key": k, "value": v}}) for k, v in items
    ]


def _entry(block: Block, scope: Scope, prefix: str, index: str, iterators: Any) -> Entry:
    builder = DocBuilder(block.file, scope)
    doc = builder.body(block.body, (), iterators)
    kind, name = block.labels[:2]
    local = f"data.{kind}.{name}" if block.type == "data" else f"{kind}.{name}"
    mode = "data" if block.type == "data" else "managed"
    span = block.file.span(block.node)
    return Entry(
        kind, local, prefix + local + index, mode, doc, block.file.path, span, builder.spans,
        block.file.ignores, None, prefix.rstrip("."),
    )  # fmt: skip


def _creates_none(settings: Mapping[str, Any], evaluator: Evaluator) -> bool:
    """A known `count = 0` or an empty `for_each`."""
    if "count" in settings:
        count = evaluator.value(settings["count"])
        if isinstance(count, int | float) and not isinstance(count, bool) and count == 0:
            return True
    if "for_each" in settings:
        each = evaluator.value(settings["for_each"])
        return isinstance(each, dict | list) and not each
    return False


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
