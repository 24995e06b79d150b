"""The zero-trust network view: default-deny policies, unselected workloads, the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from garrison.iac import netpol
from garrison.iac.loaders import kubernetes
from garrison.iac.model import Resource
from garrison.inventory.readers.base import SourceFile
from garrison.model import Severity

DATA = Path(__file__).resolve().parents[1] / "data" / "iac" / "kubernetes"


def load(text: str, path: str = "app.yaml") -> list[Resource]:
    result = kubernetes.load(SourceFile(path, text.encode()))
    assert result.warnings == ()
    return list(result.resources)


def load_dir(root: Path) -> list[Resource]:
    found: list[Resource] = []
    for path in sorted(root.glob("*.yaml")):
        found += load(path.read_text(), path.name)
    return found


def workload(name: str, namespace: str, labels: str) -> str:
    return f"""\
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  template:
    metadata: {{labels: {labels}}}
    spec:
      containers: [{{name: c, image: "app:1"}}]
"""


def policy(name: str, namespace: str, spec: str, api: str = "networking.k8s.io/v1") -> str:
    return f"""\
---
apiVersion: {api}
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {namespace}}}
spec: {spec}
"""


def ids(resources: list[Resource]) -> list[tuple[str, str]]:
    return [(f.id, f.summary) for f in netpol.network_findings(resources)]


def test_namespace_without_policies() -> None:
    resources = load(workload("web", "shop", "{app: web}") + workload("db", "shop", "{app: db}"))
    findings = netpol.network_findings(resources)
    assert [(f.id, f.severity) for f in findings] == [
        ("GAR-NET-001", Severity.MEDIUM),
        ("GAR-NET-002", Severity.LOW),
    ]
    assert findings[0].summary == "Namespace shop has no default-deny ingress NetworkPolicy"
    # without a Namespace object, the namespace findings point at its first workload
    assert findings[0].location is not None
    assert (findings[0].location.path, findings[0].location.line) == ("app.yaml", 2)


def test_default_deny_both_ways() -> None:
    text = workload("web", "shop", "{app: web}") + policy(
        "deny", "shop", "{podSelector: {}, policyTypes: [Ingress, Egress]}"
    )
    assert ids(load(text)) == []


def test_default_deny_ingress_only() -> None:
    text = workload("web", "shop", "{app: web}") + policy("deny", "shop", "{podSelector: {}}")
    assert ids(load(text)) == [
        ("GAR-NET-002", "Namespace shop has no default-deny egress NetworkPolicy")
    ]


def test_allow_all_rules_are_not_a_default_deny() -> None:
    text = workload("web", "shop", "{app: web}") + policy(
        "open", "shop", "{podSelector: {}, ingress: [{}], egress: [{}]}"
    )
    assert [i for i, _ in ids(load(text))] == ["GAR-NET-001", "GAR-NET-002"]


def test_a_labelled_selector_is_not_a_default_deny() -> None:
    text = workload("web", "shop", "{app: web}") + policy(
        "web", "shop", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}"
    )
    assert [i for i, _ in ids(load(text))] == ["GAR-NET-001", "GAR-NET-002"]


def test_workloads_no_policy_selects() -> None:
    text = (
        workload("web", "shop", "{app: web, tier: front}")
        + workload("api", "shop", "{app: api}")
        + workload("batch", "shop", "{app: batch}")
        + policy(
            "front",
            "shop",
            "{podSelector: {matchExpressions: [{key: tier, operator: Exists}]}, ingress: [{}]}",
        )
        + policy(
            "api",
            "shop",
            "{podSelector: {matchExpressions: [{key: app, operator: In, values: [api, db]}]}}",
        )
    )
    found = ids(load(text))
    assert ("GAR-NET-003", "Deployment shop/batch is selected by no NetworkPolicy") in found
    assert [i for i, _ in found].count("GAR-NET-003") == 1


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        (None, {"a": "1"}, True),
        ({}, {}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "web", "x": "y"}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "api"}, False),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}, {}, True),
        (
            {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]},
            {"env": "dev"},
            False,
        ),
        ({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, {"env": "x"}, False),
        ({"matchExpressions": [{"key": "env", "operator": "Bogus"}]}, {"env": "x"}, False),
        ({"matchLabels": {"port": 80}}, {"port": "80"}, True),
        ("not a selector", {}, False),
    ],
)
def test_selector_matches(selector: object, labels: dict[str, str], expected: bool) -> None:
    assert netpol.selector_matches(selector, labels) is expected


def test_policy_types_default_from_the_rules() -> None:
    # no policyTypes, an egress section: the policy isolates both directions
    text = workload("web", "shop", "{app: web}") + policy(
        "deny", "shop", "{podSelector: {}, egress: []}"
    )
    assert ids(load(text)) == []


def test_namespaces_are_kept_apart() -> None:
    text = (
        workload("web", "shop", "{app: web}")
        + workload("web", "blog", "{app: web}")
        + policy("deny", "shop", "{podSelector: {}, policyTypes: [Ingress, Egress]}")
    )
    assert {s for _, s in ids(load(text))} == {
        "Namespace blog has no default-deny ingress NetworkPolicy",
        "Namespace blog has no default-deny egress NetworkPolicy",
    }


def test_unset_namespace_is_default_and_namespace_objects_anchor() -> None:
    text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n" + workload(
        "web", "null", "{app: web}"
    )
    findings = netpol.network_findings(load(text, "ns.yaml"))
    assert findings[0].summary.startswith("Namespace default ")
    assert findings[0].location is not None and findings[0].location.line == 1


def test_no_workloads_no_findings() -> None:
    assert ids(load(policy("deny", "shop", "{podSelector: {}}"))) == []


def test_workloads_without_containers_are_not_judged() -> None:
    # migrate-x86-app-to-multi-arch's kustomize overlays: patches that only set replicas
    # or a nodeSelector run nothing, so their namespace has no workload to isolate.
    patch = """\
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      nodeSelector: {kubernetes.io/arch: arm64}
"""
    assert ids(load(patch)) == []
    table = netpol.network_table(load(patch + policy("deny", "shop", "{podSelector: {}}")))
    assert table.splitlines()[1].split() == ["shop", "1", "yes", "no", "0", "0", "0"]
    assert ids(load(patch + workload("db", "shop", "{app: db}")))[0] == (
        "GAR-NET-001",
        "Namespace shop has no default-deny ingress NetworkPolicy",
    )


def test_other_policy_engines_are_not_judged() -> None:
    calico = policy("deny", "shop", "{selector: all()}", api="projectcalico.org/v3")
    assert ids(load(workload("web", "shop", "{app: web}") + calico)) == []
    cluster_wide = (
        "---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: x}\n"
    )
    resources = load(workload("web", "blog", "{app: web}") + cluster_wide)
    assert ids(resources) == []
    assert "not analysed" in netpol.network_table(resources)


def test_ignore_comment_suppresses() -> None:
    text = (
        "# garrison:ignore[GAR-NET-002] egress is filtered by the firewall\n"
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
        + workload("web", "shop", "{app: web}")
    )
    findings = netpol.network_findings(load(text))
    assert [(f.id, f.inline_ignore) for f in findings] == [
        ("GAR-NET-001", None),
        ("GAR-NET-002", ""),  # marked, not dropped: the policy decides whether it counts
    ]


def test_fixture_findings() -> None:
    findings = netpol.network_findings(load_dir(DATA / "shop"))
    assert [(f.id, f.location.path if f.location else None) for f in findings] == [
        ("GAR-NET-001", "deployment.yaml"),
        ("GAR-NET-002", "deployment.yaml"),
        ("GAR-NET-003", "deployment.yaml"),
    ]
    assert netpol.network_findings(load_dir(DATA / "hardened")) == ()


def test_table() -> None:
    table = netpol.network_table(load_dir(DATA / "shop") + load_dir(DATA / "hardened"))
    assert table.splitlines()[:3] == [
        "NAMESPACE  POLICIES  DENY-IN  DENY-OUT  WORKLOADS  NO-INGRESS  NO-EGRESS",
        "payments   2         yes      yes       1          0           0",
        "shop       1         no       no        1          1           1",
    ]
    assert "  shop/Deployment/storefront (deployment.yaml:1)" in table
    assert netpol.network_table([]) == "No Kubernetes workloads or NetworkPolicies found.\n"


def test_table_lists_at_most_a_few_workloads() -> None:
    text = "".join(workload(f"w{i}", "shop", "{app: x}") for i in range(25))
    table = netpol.network_table(load(text))
    assert "  ... and 5 more" in table
