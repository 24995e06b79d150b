"""Kubernetes kind facts the engine and the Kubernetes loader share: where a kind keeps
its pod spec and pod metadata (pure)."""

from __future__ import annotations

from typing import Any

from garrison.iac.model import DocPath

_TEMPLATE: DocPath = ("spec", "template")
_CRON_TEMPLATE: DocPath = ("spec", "jobTemplate", "spec", "template")

# kind -> the DocPath of the object holding the pod's `metadata` and `spec`.
POD_TEMPLATE: dict[str, DocPath] = {
    "Pod": (),
    "Deployment": _TEMPLATE,
    "StatefulSet": _TEMPLATE,
    "DaemonSet": _TEMPLATE,
    "ReplicaSet": _TEMPLATE,
    "ReplicationController": _TEMPLATE,
    "Job": _TEMPLATE,
    "CronJob": _CRON_TEMPLATE,
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATE)


def pod_spec_path(kind_or_doc: Any) -> DocPath | None:
    """The DocPath of the pod spec of a workload (a kind, or a manifest), else None."""
    template = POD_TEMPLATE.get(_kind(kind_or_doc))
    return None if template is None else (*template, "spec")


def pod_meta_path(kind_or_doc: Any) -> DocPath | None:
    """The DocPath of the pod metadata of a workload (a kind, or a manifest), else None."""
    template = POD_TEMPLATE.get(_kind(kind_or_doc))
    return None if template is None else (*template, "metadata")


def _kind(kind_or_doc: Any) -> str:
    if isinstance(kind_or_doc, str):
        return kind_or_doc
    kind = kind_or_doc.get("kind") if isinstance(kind_or_doc, dict) else None
    return kind if isinstance(kind, str) else ""


def workload_context(doc: Any) -> dict[str, Any]:
    """The engine's context for a Kubernetes object: pod_spec / pod_meta for workloads,
    the namespace when the object names one."""
    context: dict[str, Any] = {}
    kind = doc.get("kind") if isinstance(doc, dict) else None
    if isinstance(kind, str) and kind in WORKLOAD_KINDS:
        context["pod_spec"] = pod_spec_path(kind)
        context["pod_meta"] = pod_meta_path(kind)
    metadata = doc.get("metadata") if isinstance(doc, dict) else None
    if isinstance(metadata, dict) and isinstance(metadata.get("namespace"), str):
        context["namespace"] = metadata["namespace"]
    return context
