"""The data every IaC module shares (pure, frozen)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from garrison.model import ScanWarning

# A path into a document: keys (str) and list indexes (int), e.g. ("spec", "containers", 0).
DocPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Span:
    """1-based inclusive line range in the resource's file."""

    start: int
    end: int


@dataclass(frozen=True)
class Resource:
    """One thing a check looks at: a Kubernetes object, a Dockerfile stage, a Terraform
    resource/data block, a Compose service.

    `source` says which loader made it ("kubernetes", "dockerfile", "terraform", "compose");
    `kind` is the Kubernetes kind, "stage", the Terraform resource type, or "service";
    `doc` is the resource as plain JSON-like data; `spans` maps DocPaths inside `doc` to the
    lines they occupy (every mapping key and list item the loader could place; a check's
    finding points at the deepest known span of the offending path); `span` is the whole
    resource. `context` carries loader facts checks may use (e.g. "pod_spec": the DocPath
    of a workload's pod spec; "is_final_stage" for Dockerfiles; "namespace").
    """

    source: str
    kind: str
    name: str
    file: str
    doc: Any
    span: Span
    spans: Mapping[DocPath, Span] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    def span_of(self, path: DocPath) -> Span:
        """The span of `path`, or of its nearest known ancestor, or of the resource."""
        for end in range(len(path), 0, -1):
            found = self.spans.get(path[:end])
            if found is not None:
                return found
        return self.span


@dataclass(frozen=True, slots=True)
class LoadResult:
    resources: tuple[Resource, ...]
    warnings: tuple[ScanWarning, ...] = ()
