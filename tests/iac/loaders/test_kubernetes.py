"""The Kubernetes loader: documents, spans, Lists, JSON, what it refuses, Kustomize."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest

from garrison.iac.kinds import pod_meta_path, pod_spec_path
from garrison.iac.loaders import kubernetes
from garrison.iac.model import LoadResult, Resource, Span
from garrison.inventory.readers.base import ReaderError, SourceFile
from garrison.model import Gap
from tests.conftest import shared_path

DEPLOYMENT = """\
# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
            capabilities:
              add:
                - NET_ADMIN
          command:
            - sh
            - -c
            - |
              echo start

              exec nginx

        - name: sidecar
          image: envoy:1.30
"""


def load(text: str, path: str = "k8s/app.yaml", **files: bytes) -> LoadResult:
    def open_relative(rel: str) -> bytes | None:
        return files.get(rel)

    return kubernetes.load(SourceFile(path, text.encode(), open_relative))


def only(result: LoadResult) -> Resource:
    assert result.warnings == ()
    assert len(result.resources) == 1
    return result.resources[0]


def test_matches() -> None:
    for name in ("deploy.yaml", "svc.yml", "pod.json", "K8S.YAML"):
        assert kubernetes.matches(PurePosixPath(name))
    for name in ("main.tf", "Dockerfile", "values.txt"):
        assert not kubernetes.matches(PurePosixPath(name))


def test_resource_facts() -> None:
    web = only(load(DEPLOYMENT))
    assert (web.source, web.kind, web.name, web.file) == (
        "kubernetes",
        "Deployment",
        "web",
        "k8s/app.yaml",
    )
    assert web.context["namespace"] == "shop"
    assert web.context["pod_spec"] == ("spec", "template", "spec")
    assert web.context["pod_meta"] == ("spec", "template", "metadata")
    assert web.context["ignores"] == {}
    assert web.span == Span(2, 29)


def test_spans_point_at_nested_fields() -> None:
    web = only(load(DEPLOYMENT))
    container = ("spec", "template", "spec", "containers", 0)
    assert web.spans[(*container, "securityContext", "privileged")] == Span(16, 16)
    assert web.spans[(*container, "securityContext", "capabilities", "add", 0)] == Span(19, 19)
    assert web.spans[(*container, "securityContext")] == Span(15, 19)
    assert web.spans[container] == Span(13, 26)  # a block scalar ends at its last text line
    assert web.spans[(*container, "command", 2)] == Span(23, 26)
    assert web.spans[("spec", "template", "spec", "containers", 1)] == Span(28, 29)
    assert web.spans[("spec", "template", "metadata", "labels", "app")] == Span(10, 10)
    assert web.doc["spec"]["template"]["spec"]["containers"][0]["command"][2] == (
        "echo start\n\nexec nginx\n"
    )


MULTI = """\
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
# nothing in this document
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  ports: [{port: 80,
           nodePort: 30080}]
---
replicas: 3
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: r, image: "report:1"}]
"""


def test_multi_document() -> None:
    result = load(MULTI)
    assert result.warnings == ()
    found = [(r.kind, r.name, r.span) for r in result.resources]
    assert found == [
        ("Namespace", "shop", Span(2, 5)),
        ("Service", "web", Span(9, 15)),
        ("CronJob", "report", Span(19, 29)),
    ]
    service, cron = result.resources[1], result.resources[2]
    assert service.spans[("spec", "ports", 0)] == Span(14, 15)
    assert service.spans[("spec", "ports", 0, "nodePort")] == Span(15, 15)
    assert cron.context["pod_spec"] == ("spec", "jobTemplate", "spec", "template", "spec")
    assert cron.context["namespace"] is None
    assert "pod_spec" not in service.context


LIST = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      mode: fast
  - not a manifest
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
    spec:
      containers:
        - name: c
          image: busybox
"""


def test_list_is_flattened_with_item_spans() -> None:
    result = load(LIST)
    assert [(r.kind, r.name, r.span) for r in result.resources] == [
        ("ConfigMap", "settings", Span(4, 9)),
        ("Pod", "p", Span(11, 18)),
    ]
    pod = result.resources[1]
    assert pod.spans[("spec", "containers", 0, "image")] == Span(18, 18)
    assert pod.context["pod_spec"] == ("spec",)
    assert ("items", 2, "spec") not in pod.spans


JSON = """\
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "json-pod"},
  "spec": {
\t"containers": [
\t  {"name": "c", "image": "nginx",
\t   "securityContext": {"privileged": true}}
\t]
  }
}
"""


def test_json_manifest() -> None:
    pod = only(load(JSON, "pod.json"))
    assert pod.name == "json-pod"
    assert pod.doc["spec"]["containers"][0]["securityContext"]["privileged"] is True
    assert pod.spans[("spec", "containers", 0, "securityContext", "privileged")] == Span(8, 8)
    assert pod.spans[("spec", "containers", 0)] == Span(7, 8)


def test_invalid_json_warns() -> None:
    result = load(
        '{"apiVersion": "v1", "kind": "Pod",\n "metadata": {"name": "p"]\n}\n', "pod.json"
    )
    assert result.resources == ()
    (warning,) = result.warnings
    assert warning.gap is Gap.READER_FAILED
    assert warning.line == 2
    assert warning.message.startswith("line 2: invalid YAML")


HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
"""


def test_helm_template_is_skipped_with_a_warning() -> None:
    result = load(HELM, "chart/templates/deployment.yaml")
    assert result.resources == ()
    (warning,) = result.warnings
    assert (warning.gap, warning.line) == (Gap.SKIPPED, 4)
    assert warning.message == "line 4: Helm template, not rendered"


def test_helm_chart_template_is_skipped_without_parsing() -> None:
    parsable = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: '{{ .Values.a }}'\n"
    )
    result = load(parsable, "chart/templates/cm.yaml", **{"../Chart.yaml": b"name: chart\n"})
    assert result.resources == ()
    assert [w.gap for w in result.warnings] == [Gap.SKIPPED]


def test_template_text_inside_strings_is_data() -> None:
    rule = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: node
spec:
  groups:
    - name: node
      rules:
        - alert: NodeDown
          annotations:
            summary: "Node {{ $labels.instance }} is down"
            description: |
              {{ $labels.instance }} has been unreachable for 5 minutes.
"""
    resource = only(load(rule))
    assert resource.kind == "PrometheusRule"


WORKFLOW = """\
name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ secrets.TOKEN }} kind apiVersion"
"""

OPENAPI = """\
openapi: 3.0.0
info: {title: k8s objects, version: "1"}
components:
  schemas:
    Object:
      properties:
        apiVersion: {type: string}
        kind: {type: string}
"""


@pytest.mark.parametrize("text", [WORKFLOW, OPENAPI, "just: yaml\n", "- a\n- b\n", ""])
def test_other_yaml_gives_nothing(text: str) -> None:
    assert load(text) == LoadResult(())


def test_alias_bomb_stops_with_a_warning() -> None:
    levels = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}", 'a: &a ["lol"]']
    for n in range(1, 12):
        refs = ", ".join([f"*{chr(96 + n)}"] * 9)
        levels.append(f"{chr(97 + n)}: &{chr(97 + n)} [{refs}]")
    result = load("\n".join(levels) + "\n")
    assert result.resources == ()
    (warning,) = result.warnings
    assert "alias" in warning.message
    assert warning.gap is Gap.READER_FAILED


def test_a_few_aliases_and_merge_keys_are_fine() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - &base
      name: a
      image: busybox:1
    - <<: *base
      name: b
"""
    pod = only(load(text))
    containers = pod.doc["spec"]["containers"]
    assert containers[1] == {"name": "b", "image": "busybox:1"}
    assert pod.spans[("spec", "containers", 1, "name")] == Span(10, 10)


def test_duplicate_keys_warn_with_the_line_and_the_last_value_is_checked() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: busybox:1
      securityContext: &context
        privileged: true
        privileged: false
    - name: b
      securityContext: *context
  hostNetwork: true
  hostNetwork: false
---
ci: [not, kubernetes]
ci: again
"""
    result = load(text, "pods.yaml")
    (pod,) = result.resources
    assert pod.doc["spec"]["hostNetwork"] is False
    assert pod.doc["spec"]["containers"][1]["securityContext"] == {"privileged": False}
    assert pod.spans[("spec", "hostNetwork")] == Span(15, 15)
    assert [(w.source, w.line, w.message, w.gap) for w in result.warnings] == [
        ("pods.yaml", 11, "line 11: duplicate key spec.containers[0].securityContext.privileged"
         " (the last value is used)", Gap.READER_FAILED),
        ("pods.yaml", 15, "line 15: duplicate key spec.hostNetwork (the last value is used)",
         Gap.READER_FAILED),
    ]  # fmt: skip


def test_merge_keys_overridden_by_written_keys_are_no_duplicates() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbase: &b {k: 1}\n"
    text += "data:\n  <<: *b\n  k: 2\n"
    result = load(text)
    assert only(result).doc["data"] == {"k": 2} and result.warnings == ()


def test_deep_nesting_warns() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\ndata: " + "[" * 5000 + "]" * 5000 + "\n"
    result = load(text)
    assert result.resources == ()
    assert len(result.warnings) == 1


def test_invalid_yaml_keeps_earlier_documents_and_names_the_line() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n"
    )
    result = load(text)
    assert [r.name for r in result.resources] == ["ok"]
    (warning,) = result.warnings
    assert warning.gap is Gap.READER_FAILED
    assert warning.line is not None and warning.line >= 8
    assert warning.message.startswith(f"line {warning.line}: invalid YAML")


def test_not_utf8_is_a_reader_error() -> None:
    with pytest.raises(ReaderError):
        kubernetes.load(SourceFile("bad.yaml", b"apiVersion: v1\nkind: \xff\n"))
    assert kubernetes.load(SourceFile("blob.json", b"\xff\xfe{}")) == LoadResult(())


def test_ignore_comments_are_collected_by_line() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  hostNetwork: true  # garrison:ignore[GAR-K8S-004] the CNI agent
---
# garrison:ignore[GAR-K8S-034, GAR-K8S-036] demo pod
apiVersion: v1
kind: Pod
metadata: {name: b}
# garrison:ignore[GAR-K8S-035] above the separator
---

apiVersion: v1
kind: Pod
metadata: {name: c}
"""
    first, second, third = load(text).resources
    assert first.context["ignores"] == {5: ["GAR-K8S-004"]}
    assert second.context["ignores"] == {7: ["GAR-K8S-034", "GAR-K8S-036"]}
    assert third.span.start == 14
    assert third.context["ignores"] == {13: ["GAR-K8S-035"]}  # moved to just above it


def test_resources_from_doc() -> None:
    doc = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"}},
        {"kind": "NoApiVersion"},
    ]}  # fmt: skip
    (agent,) = kubernetes.resources_from_doc(doc, "<test>")
    assert (agent.kind, agent.name, agent.spans) == ("DaemonSet", "agent", {})
    assert agent.context["pod_spec"] == ("spec", "template", "spec")


def test_too_large_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "MAX_BYTES", 10)
    result = load(DEPLOYMENT)
    assert result.resources == ()
    assert [w.gap for w in result.warnings] == [Gap.SKIPPED]


def test_corpus_loads_or_warns() -> None:
    root = shared_path("corpora", "iac")
    files = resources = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not kubernetes.matches(PurePosixPath(path.name)):
            continue
        data = path.read_bytes()
        result = kubernetes.load(SourceFile(path.relative_to(root).as_posix(), data))
        files += 1
        lines = data.count(b"\n") + 1
        for resource in result.resources:
            resources += 1
            assert 1 <= resource.span.start <= resource.span.end <= lines
            assert all(1 <= s.start <= s.end <= lines for s in resource.spans.values())
        for warning in result.warnings:
            assert warning.message
    assert files > 1000
    assert resources > 1500


# --- Kustomize -----------------------------------------------------------------------------

needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="no kubectl")


def _kustomization(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "kustomization.yaml").write_text(text)
    (root / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n"
    )
    return root


@needs_kubectl
def test_render_kustomization(tmp_path: Path) -> None:
    root = _kustomization(
        tmp_path / "overlay",
        "namePrefix: prod-\nnamespace: shop\nresources:\n  - deployment.yaml\n",
    )
    result = kubernetes.render_kustomization(root, "deploy/overlay")
    assert result is not None and result.warnings == ()
    (web,) = result.resources
    assert (web.kind, web.name, web.file) == (
        "Deployment",
        "prod-web",
        "deploy/overlay/kustomization.yaml",
    )
    assert web.context["namespace"] == "shop"
    assert web.context["rendered_from"] == "deploy/overlay/kustomization.yaml"


@needs_kubectl
def test_render_kustomization_failure_warns(tmp_path: Path) -> None:
    root = _kustomization(tmp_path, "resources:\n  - missing.yaml\n")
    result = kubernetes.render_kustomization(root)
    assert result is not None and result.resources == ()
    (warning,) = result.warnings
    assert warning.message.startswith("kubectl kustomize failed")


def test_remote_bases_are_not_fetched(tmp_path: Path) -> None:
    root = _kustomization(tmp_path, "resources:\n  - https://github.com/example/base?ref=v1\n")
    result = kubernetes.render_kustomization(root)
    if shutil.which("kubectl") is None:
        assert result is None
        return
    assert result is not None and result.resources == ()
    assert "not fetched" in result.warnings[0].message


def test_no_kustomization_is_none(tmp_path: Path) -> None:
    assert kubernetes.render_kustomization(tmp_path) is None


def test_pod_paths_by_kind_or_manifest() -> None:
    assert pod_spec_path("Pod") == ("spec",)
    assert pod_spec_path({"kind": "CronJob"}) == ("spec", "jobTemplate", "spec", "template", "spec")
    assert pod_meta_path({"kind": "StatefulSet"}) == ("spec", "template", "metadata")
    assert pod_spec_path({"kind": "Service"}) is None
    assert pod_meta_path(None) is None
