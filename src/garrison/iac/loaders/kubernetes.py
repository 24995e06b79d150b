"""Kubernetes manifests: YAML (multi-document) and JSON files whose documents carry
`apiVersion` and `kind`; `List` kinds are flattened into their items.

Other YAML (CI configs, OpenAPI documents, Compose files) gives no resources and no
warning. Unrendered Helm templates give one SKIPPED warning; invalid YAML one warning
naming the line (the documents before the error are kept). A key written twice in one
mapping of an object gives a warning naming its line, and the object is checked with the
last value: what a lenient decoder keeps (the API server with field validation `Ignore`
or `Warn`), while `kubectl apply`'s default strict validation refuses the object.
`render_kustomization` is the one place that runs a program (`kubectl kustomize`); the
scanner calls it per directory.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from garrison.iac.kinds import workload_context
from garrison.iac.loaders.yaml_spans import Document, YamlLimitError, compose_documents
from garrison.iac.model import DocPath, LoadResult, Resource, Span
from garrison.iac.paths import path_text
from garrison.inventory.readers.base import SourceFile
from garrison.model import Gap, ScanWarning

NAME = "kubernetes"
SOURCE = "kubernetes"
MAX_BYTES = 16 * 1024 * 1024
KUSTOMIZE_TIMEOUT = 60
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_TEMPLATE = re.compile(r"(?<!\$)\{\{")  # `${{ }}` is GitHub Actions, not Helm
_IGNORE = re.compile(r"#\s*garrison:ignore\[([^\]]*)\]")
_REMOTE = re.compile(r"://|^(?:github\.com|gitlab\.com|bitbucket\.org)/|^git@|\?ref=")


def matches(path: PurePosixPath) -> bool:
    return path.suffix.lower() in _SUFFIXES


def load(source: SourceFile) -> LoadResult:
    if len(source.data) > MAX_BYTES:
        message = f"larger than {MAX_BYTES // (1024 * 1024)} MiB, not read"
        return LoadResult((), (ScanWarning(source.path, message, Gap.SKIPPED),))
    if b"apiVersion" not in source.data or b"kind" not in source.data:
        return LoadResult(())  # not Kubernetes (decided before decoding: binary JSON is fine)
    text = source.text()
    template = _TEMPLATE.search(text)
    if template and source.open_relative("../Chart.yaml") is not None:
        return _helm(source.path, text, template.start())
    return parse_manifests(source.path, text, template_at=template.start() if template else None)


def parse_manifests(path: str, text: str, template_at: int | None = None) -> LoadResult:
    """Resources of every Kubernetes object in `text` (YAML or JSON); `template_at` is the
    offset of a `{{` in it: a document that does not parse, or parses into mapping keys
    that are mappings, is then an unrendered template (a warning, no resources)."""
    ignores = _ignore_comments(text)
    resources: list[Resource] = []
    warnings: list[ScanWarning] = []
    previous_end = 0
    try:
        for document in compose_documents(text):
            if template_at is not None and document.complex_keys:
                return _helm(path, text, template_at)
            found = _document_resources(document, path, ignores, previous_end)
            if found:
                warnings += _duplicate_warnings(path, document, warnings)
            resources.extend(found)
            previous_end = document.span.end
    except yaml.YAMLError as exc:
        if template_at is not None:
            return _helm(path, text, template_at)
        if path.endswith(".json") and not resources:
            return _json_fallback(path, text, exc)
        return LoadResult(tuple(resources), (*warnings, _yaml_warning(path, exc)))
    except (YamlLimitError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, YamlLimitError) else "nested too deeply"
        return LoadResult(tuple(resources), (*warnings, _warning(path, message)))
    return LoadResult(tuple(resources), tuple(warnings))


def resources_from_doc(doc: dict[str, Any], path: str) -> list[Resource]:
    """Resources of one already-parsed object (a `List` gives its items); no line spans.
    For check unit tests and callers that hold parsed data."""
    span = Span(1, 1)
    return _document_resources(Document(doc, span), path, {}, 0)


def render_kustomization(directory: Path, rel_dir: str = ".") -> LoadResult | None:
    """Render the kustomization in `directory` with `kubectl kustomize`.

    None when there is no kustomization file or no kubectl (the scanner then loads the
    plain files). A failure, a timeout or remote bases (never fetched) give a LoadResult
    with only a warning, and the scanner also falls back to the plain files. Rendered
    resources name the kustomization file and carry no line spans (their lines are those
    of the rendered output); `context["rendered_from"]` is the kustomization's path.
    """
    found = next((directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()), None)
    kubectl = shutil.which("kubectl")
    if found is None or kubectl is None:
        return None
    where = str(PurePosixPath(rel_dir) / found.name)
    remote = _remote_reference(found)
    if remote:
        return LoadResult((), (_warning(where, f"remote base {remote!r} not fetched"),))
    try:
        done = subprocess.run(
            [kubectl, "kustomize", str(directory.absolute())],
            capture_output=True,
            timeout=KUSTOMIZE_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return LoadResult((), (_warning(where, f"kubectl kustomize failed: {exc}"),))
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"]
        return LoadResult((), (_warning(where, f"kubectl kustomize failed: {reason[0]}"),))
    rendered = parse_manifests(where, done.stdout.decode("utf-8", "replace"))
    return LoadResult(tuple(_as_rendered(r, where) for r in rendered.resources), rendered.warnings)


# --- documents to resources ------------------------------------------------------------


def _document_resources(
    document: Document, path: str, ignores: dict[int, list[str]], previous_end: int
) -> list[Resource]:
    value = document.value
    if not _is_object(value):
        return []
    first = document.span.start
    preamble = [i for line, ids in ignores.items() if previous_end < line < first - 1 for i in ids]
    items = value.get("items")
    if value["kind"].endswith("List") and isinstance(items, list):
        buckets = _item_spans(document.spans)
        return [
            _resource(
                item,
                path,
                document.spans.get(("items", index), document.span),
                buckets.get(index, {}),
                ignores,
                [],
            )
            for index, item in enumerate(items)
            if _is_object(item)
        ]
    return [_resource(value, path, document.span, document.spans, ignores, preamble)]


def _resource(
    obj: dict[str, Any],
    path: str,
    span: Span,
    spans: dict[DocPath, Span],
    ignores: dict[int, list[str]],
    preamble: list[str],
) -> Resource:
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    name = metadata.get("name") or metadata.get("generateName") or ""
    namespace = metadata.get("namespace")
    context: dict[str, Any] = workload_context(obj)
    context["namespace"] = namespace if isinstance(namespace, str) and namespace else None
    mine = {line: ids for line, ids in ignores.items() if span.start - 1 <= line <= span.end}
    if preamble:
        mine[span.start - 1] = [*mine.get(span.start - 1, []), *preamble]
    context["ignores"] = mine
    return Resource(SOURCE, obj["kind"], str(name), path, obj, span, spans, context)


def _is_object(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("apiVersion"), str)
        and isinstance(value.get("kind"), str)
        and bool(value["apiVersion"])
        and bool(value["kind"])
    )


def _item_spans(spans: dict[DocPath, Span]) -> dict[int, dict[DocPath, Span]]:
    """The spans under each `items[i]` of a List, re-rooted at the item (one pass)."""
    buckets: dict[int, dict[DocPath, Span]] = {}
    for key, span in spans.items():
        if len(key) > 2 and key[0] == "items" and isinstance(key[1], int):
            buckets.setdefault(key[1], {})[key[2:]] = span
    return buckets


def _ignore_comments(text: str) -> dict[int, list[str]]:
    """`# garrison:ignore[ID, ID] reason` comments: line -> ids."""
    found: dict[int, list[str]] = {}
    if "garrison:ignore" not in text:
        return found
    for number, line in enumerate(text.split("\n"), start=1):
        match = _IGNORE.search(line)
        if match:
            ids = [part.strip() for part in match.group(1).split(",") if part.strip()]
            if ids:
                found[number] = ids
    return found


# --- warnings and fallbacks ------------------------------------------------------------


def _duplicate_warnings(
    path: str, document: Document, earlier: list[ScanWarning]
) -> list[ScanWarning]:
    """One warning per key written twice in a mapping, by line (an alias that repeats
    the mapping does not repeat the warning)."""
    lines = {w.line for w in earlier}
    found: list[ScanWarning] = []
    for key_path, line in document.duplicates:
        if line not in lines:
            lines.add(line)
            message = f"duplicate key {path_text(key_path)} (the last value is used)"
            found.append(_warning(path, message, line=line))
    return found


def _helm(path: str, text: str, offset: int) -> LoadResult:
    line = text.count("\n", 0, offset) + 1
    return LoadResult((), (_warning(path, "Helm template, not rendered", Gap.SKIPPED, line),))


def _yaml_warning(path: str, exc: yaml.YAMLError) -> ScanWarning:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = int(mark.line) + 1 if mark is not None else None
    reason = str(getattr(exc, "problem", None) or exc).strip()
    return _warning(path, f"invalid YAML: {reason}", Gap.READER_FAILED, line)


def _json_fallback(path: str, text: str, exc: yaml.YAMLError) -> LoadResult:
    """JSON the YAML parser refuses (rare): parsed whole, without line spans."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return LoadResult((), (_yaml_warning(path, exc),))
    whole = Span(1, max(1, text.count("\n")))
    return LoadResult(tuple(_document_resources(Document(value, whole), path, {}, 0)))


def _warning(
    path: str, message: str, gap: Gap = Gap.READER_FAILED, line: int | None = None
) -> ScanWarning:
    text = f"line {line}: {message}" if line else message
    return ScanWarning(path, text, gap, line)


def _remote_reference(kustomization: Path) -> str | None:
    try:
        documents = list(compose_documents(kustomization.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, YamlLimitError, RecursionError):
        return None
    data = documents[0].value if documents else None
    if not isinstance(data, dict):
        return None
    for key in ("resources", "bases", "components"):
        for entry in data.get(key) or []:
            if isinstance(entry, str) and _REMOTE.search(entry):
                return entry
    return None


def _as_rendered(resource: Resource, where: str) -> Resource:
    context = {**resource.context, "rendered_from": where, "ignores": {}}
    return Resource(
        resource.source, resource.kind, resource.name, where, resource.doc, Span(1, 1), {}, context
    )
