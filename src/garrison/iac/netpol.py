"""The zero-trust network view of a scan's Kubernetes manifests (pure): per namespace,
whether default-deny ingress and egress NetworkPolicies exist, and which workloads no
NetworkPolicy selects. The scanner calls `network_findings` once with every Kubernetes
Resource of the scan (it needs them all at once); `network_table` is the text report.

Only namespaces with workloads in the scan are judged (Namespace objects alone say
nothing about traffic); a workload whose pod spec lists no container (a kustomize patch
that only sets `replicas`) runs nothing and does not count. Namespaces that also hold
Calico or Cilium policies, and scans with cluster-wide policies of those engines or
AdminNetworkPolicies, are left out: their isolation cannot be told from Kubernetes
NetworkPolicies alone. Rules that allow too much are single-policy checks (GAR-NET-004
and up in checks/kubernetes.yaml).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from garrison.iac.checks.kubernetes_py import runs_containers
from garrison.iac.engine import is_suppressed
from garrison.iac.kinds import WORKLOAD_KINDS
from garrison.iac.model import Resource, Span
from garrison.iac.paths import get
from garrison.model import Finding, Location, Severity

KIND = "misconfiguration"
NETPOL_API = "networking.k8s.io/"
REFERENCE = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"
MAX_LISTED = 20  # unisolated workloads the table names
# Policy kinds of other engines: per namespace, and for the whole cluster.
OTHER_NAMESPACED = frozenset({"CiliumNetworkPolicy"})
OTHER_CLUSTER_WIDE = frozenset(
    {"CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy", "AdminNetworkPolicy",
     "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"}
)  # fmt: skip

NO_DENY_INGRESS = ("GAR-NET-001", Severity.MEDIUM)
NO_DENY_EGRESS = ("GAR-NET-002", Severity.LOW)
UNSELECTED = ("GAR-NET-003", Severity.MEDIUM)


@dataclass
class Namespace:
    """What the scan says about one namespace's network isolation."""

    name: str
    anchor: Resource | None = None  # the Namespace object, when the scan has one
    policies: list[Resource] = field(default_factory=list)
    workloads: list[Resource] = field(default_factory=list)
    other_engine: bool = False

    @property
    def deny_ingress(self) -> bool:
        return any(_default_deny(p, "Ingress") for p in self.policies)

    @property
    def deny_egress(self) -> bool:
        return any(_default_deny(p, "Egress") for p in self.policies)

    def covering(self, workload: Resource, direction: str | None = None) -> list[Resource]:
        """The policies that select `workload` (for one direction, or either)."""
        labels = _pod_labels(workload)
        return [
            policy
            for policy in self.policies
            if (direction is None or direction in _policy_types(policy))
            and selector_matches(get(policy.doc, ("spec", "podSelector")), labels)
        ]


@dataclass
class NetworkView:
    namespaces: dict[str, Namespace]
    cluster_wide_other: bool = False


def network_view(resources: Iterable[Resource]) -> NetworkView:
    """Group the Kubernetes resources of a scan by namespace."""
    view = NetworkView({})
    for resource in resources:
        if resource.source != "kubernetes":
            continue
        if resource.kind in OTHER_CLUSTER_WIDE:
            view.cluster_wide_other = True
            continue
        if resource.kind == "Namespace":
            view.namespaces.setdefault(resource.name, Namespace(resource.name)).anchor = resource
            continue
        space = view.namespaces.setdefault(_namespace(resource), Namespace(_namespace(resource)))
        if is_network_policy(resource):
            space.policies.append(resource)
        elif resource.kind in OTHER_NAMESPACED or resource.kind == "NetworkPolicy":
            space.other_engine = True  # Cilium, or Calico's own NetworkPolicy kind
        elif resource.kind in WORKLOAD_KINDS and runs_containers(resource, resource.doc, ()):
            space.workloads.append(resource)
    return view


def network_findings(resources: Iterable[Resource]) -> tuple[Finding, ...]:
    """GAR-NET-001..003 for every namespace the scan has workloads in."""
    view = network_view(resources)
    if view.cluster_wide_other:
        return ()
    findings: list[Finding] = []
    for space in sorted(view.namespaces.values(), key=lambda s: s.name):
        if not space.workloads or space.other_engine:
            continue
        anchor = space.anchor or space.workloads[0]
        if not space.deny_ingress:
            summary = f"Namespace {space.name} has no default-deny ingress NetworkPolicy"
            findings += _finding(NO_DENY_INGRESS, summary, anchor)
        if not space.deny_egress:
            summary = f"Namespace {space.name} has no default-deny egress NetworkPolicy"
            findings += _finding(NO_DENY_EGRESS, summary, anchor)
        if not space.policies:
            continue  # the namespace finding already covers every workload
        for workload in space.workloads:
            if not space.covering(workload):
                what = f"{workload.kind} {space.name}/{workload.name}"
                findings += _finding(
                    UNSELECTED, f"{what} is selected by no NetworkPolicy", workload
                )
    return tuple(findings)


def network_table(resources: Iterable[Resource]) -> str:
    """A short text report: per namespace, policies, default denies, unisolated workloads."""
    view = network_view(resources)
    rows = [
        ("NAMESPACE", "POLICIES", "DENY-IN", "DENY-OUT", "WORKLOADS", "NO-INGRESS", "NO-EGRESS")
    ]
    unisolated: list[str] = []
    for space in sorted(view.namespaces.values(), key=lambda s: s.name):
        if not space.workloads and not space.policies:
            continue
        no_in = [w for w in space.workloads if not space.covering(w, "Ingress")]
        no_out = [w for w in space.workloads if not space.covering(w, "Egress")]
        rows.append((space.name, str(len(space.policies)), _yes(space.deny_ingress),
                     _yes(space.deny_egress), str(len(space.workloads)), str(len(no_in)),
                     str(len(no_out))))  # fmt: skip
        unisolated += [
            f"  {space.name}/{w.kind}/{w.name} ({w.file}:{w.span.start})"
            for w in space.workloads
            if not space.covering(w)
        ]
    if len(rows) == 1:
        return "No Kubernetes workloads or NetworkPolicies found.\n"
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    if unisolated:
        lines += ["", "Workloads no NetworkPolicy selects:", *unisolated[:MAX_LISTED]]
        if len(unisolated) > MAX_LISTED:
            lines.append(f"  ... and {len(unisolated) - MAX_LISTED} more")
    if view.cluster_wide_other or any(s.other_engine for s in view.namespaces.values()):
        lines += ["", "Calico/Cilium/admin network policies present: not analysed here."]
    return "\n".join(lines) + "\n"


# --- policies and selectors ------------------------------------------------------------


def is_network_policy(resource: Resource) -> bool:
    """A Kubernetes NetworkPolicy (not Calico's kind of the same name)."""
    api = resource.doc.get("apiVersion", "") if isinstance(resource.doc, dict) else ""
    return resource.kind == "NetworkPolicy" and str(api).startswith(NETPOL_API)


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """Whether a label selector selects `labels` (an empty or missing selector: all)."""
    if not isinstance(selector, dict):
        return selector is None
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        return False
    if any(labels.get(str(k)) != str(v) for k, v in match_labels.items()):
        return False
    expressions = selector.get("matchExpressions") or []
    return isinstance(expressions, list) and all(_expression(e, labels) for e in expressions)


def _expression(expression: Any, labels: dict[str, str]) -> bool:
    if not isinstance(expression, dict):
        return False
    key, operator = str(expression.get("key")), expression.get("operator")
    values = [str(v) for v in expression.get("values") or []]
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False  # an unknown operator selects nothing (the API server would refuse it)


def _policy_types(policy: Resource) -> set[str]:
    """The directions a policy isolates: `policyTypes`, else Ingress (+ Egress if it has
    egress rules), as the API server defaults them."""
    spec = get(policy.doc, ("spec",))
    spec = spec if isinstance(spec, dict) else {}
    types = spec.get("policyTypes")
    if isinstance(types, list) and types:
        return {str(t) for t in types}
    return {"Ingress", "Egress"} if spec.get("egress") is not None else {"Ingress"}


def _default_deny(policy: Resource, direction: str) -> bool:
    """A policy that selects every pod, isolates `direction` and allows nothing in it."""
    selector = get(policy.doc, ("spec", "podSelector"))
    selects_all = selector is None or (
        isinstance(selector, dict)
        and not selector.get("matchLabels")
        and not selector.get("matchExpressions")
    )
    rules = get(policy.doc, ("spec", direction.lower()))
    return selects_all and direction in _policy_types(policy) and not rules


def _pod_labels(workload: Resource) -> dict[str, str]:
    meta = tuple(workload.context.get("pod_meta") or ("metadata",))
    labels = get(workload.doc, (*meta, "labels"))
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def _namespace(resource: Resource) -> str:
    namespace = resource.context.get("namespace")
    return namespace if isinstance(namespace, str) and namespace else "default"


def _finding(rule: tuple[str, Severity], summary: str, anchor: Resource) -> list[Finding]:
    ident, severity = rule
    span: Span = anchor.span
    location = Location(anchor.file, span.start, span.end)
    ignored = "" if is_suppressed(ident, span, anchor) else None  # marked; the policy decides
    return [
        Finding(
            KIND, ident, summary, severity, location=location, references=(REFERENCE,),
            inline_ignore=ignored,
        )
    ]  # fmt: skip


def _yes(value: bool) -> str:
    return "yes" if value else "no"
