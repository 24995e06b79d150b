"""The check language: paths, macros, operators, quantifiers, booleans, Python hooks."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.iac.dsl import DslError, deepest, evaluate, parse_condition, parse_path
from garrison.iac.kinds import workload_context
from garrison.iac.model import DocPath, Resource, Span
from garrison.iac.paths import WILD, PathError, path_text, resolve

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "annotations": {"seccomp.security.alpha.kubernetes.io/pod": "rt"}},
    "spec": {
        "hostNetwork": True,
        "containers": [
            {"name": "a", "image": "nginx:latest", "ports": [{"containerPort": 80}]},
            {"name": "b", "image": "redis@sha256:00", "securityContext": {"privileged": True}},
        ],
        "initContainers": [{"name": "i", "image": "busybox", "args": None}],
    },
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "d", "labels": {"app": "x"}},
    "spec": {
        "template": {
            "metadata": {"labels": {"tier": "web"}},
            "spec": {"containers": [{"name": "c", "image": "c:1"}]},
        }
    },
}


def resource(doc: Any, **context: Any) -> Resource:
    kind = doc.get("kind", "thing") if isinstance(doc, dict) else "thing"
    merged = {**workload_context(doc), **context}
    return Resource("kubernetes", kind, "x", "f.yaml", doc, Span(1, 30), {}, merged)


def hit(condition: dict[str, Any], doc: Any = POD, **context: Any) -> list[DocPath] | None:
    return evaluate(parse_condition(condition), resource(doc, **context), doc, ())


# --- paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "segments"),
    [
        ("spec.template.spec", "obj", ("spec", "template", "spec")),
        ("containers[*].image", "obj", ("containers", WILD, "image")),
        ("containers[0]", "obj", ("containers", 0)),
        ("items[-1].name", "obj", ("items", -1, "name")),
        ('metadata.annotations."a.b/c"', "obj", ("metadata", "annotations", "a.b/c")),
        ('"x.y"', "obj", ("x.y",)),
        ("/spec.hostNetwork", "root", ("spec", "hostNetwork")),
        ("/", "root", ()),
        (".", "obj", ()),
        ("$pod", "pod", ()),
        ("$pod.securityContext", "pod", ("securityContext",)),
        ("$containers[0]", "containers", (0,)),
        ('$meta.annotations."k/v"', "meta", ("annotations", "k/v")),
        ("matrix[*][*]", "obj", ("matrix", WILD, WILD)),
    ],
)
def test_paths_parse(text: str, anchor: str, segments: tuple[Any, ...]) -> None:
    path = parse_path(text)
    assert (path.anchor, path.segments) == (anchor, segments)


@pytest.mark.parametrize(
    "text", ["", "  ", "a..b", "a.", "$nope", "$podx", '"open', "a[x]", "a[*]b", "a]", "$pod-x"]
)
def test_bad_paths_are_refused(text: str) -> None:
    with pytest.raises(PathError):
        parse_path(text)


def test_path_text_quotes_special_keys() -> None:
    assert path_text(("metadata", "annotations", "a.b/c", 0)) == 'metadata.annotations."a.b/c"[0]'
    assert path_text(()) == "."


def test_resolve_wildcards_indexes_and_nulls() -> None:
    r = resource(POD)
    images = resolve(parse_path("spec.containers[*].image"), r, POD, ())
    assert images == [
        ("nginx:latest", ("spec", "containers", 0, "image")),
        ("redis@sha256:00", ("spec", "containers", 1, "image")),
    ]
    last = resolve(parse_path("spec.containers[-1].name"), r, POD, ())
    assert last == [("b", ("spec", "containers", 1, "name"))]
    assert resolve(parse_path("spec.initContainers[0].args"), r, POD, ()) == []  # null = absent
    assert resolve(parse_path("spec.containers[5]"), r, POD, ()) == []
    labels = resolve(parse_path("metadata.labels[*]"), r, DEPLOYMENT, ())
    assert labels == [("x", ("metadata", "labels", "app"))]  # [*] over a mapping: its values


def test_macros_follow_the_context() -> None:
    r = resource(DEPLOYMENT)
    pod = resolve(parse_path("$pod"), r, None, ())
    assert [where for _, where in pod] == [("spec", "template", "spec")]
    meta = resolve(parse_path("$meta.labels.tier"), r, None, ())
    assert meta == [("web", ("spec", "template", "metadata", "labels", "tier"))]
    containers = resolve(parse_path("$containers.name"), resource(POD), None, ())
    assert containers == [
        ("a", ("spec", "containers", 0, "name")),
        ("b", ("spec", "containers", 1, "name")),
        ("i", ("spec", "initContainers", 0, "name")),
    ]


def test_macros_without_a_pod_spec() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    r = resource(service)
    assert resolve(parse_path("$containers"), r, service, ()) == []
    assert resolve(parse_path("$pod"), r, service, ()) == []
    assert resolve(parse_path("$meta.name"), r, service, ()) == [("s", ("metadata", "name"))]


# --- leaves -----------------------------------------------------------------------------

C0, C1 = ("spec", "containers", 0), ("spec", "containers", 1)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"path": "spec.hostNetwork", "equals": True}, [("spec", "hostNetwork")]),
        ({"path": "spec.hostNetwork", "equals": 1}, None),  # booleans are not numbers
        ({"path": "spec.hostNetwork", "not_equals": False}, [("spec", "hostNetwork")]),
        ({"path": "spec.missing", "not_equals": 1}, None),
        ({"path": "spec.containers[*].name", "in": ["b", "z"]}, [(*C1, "name")]),
        ({"path": "spec.containers[*].name", "not_in": ["a"]}, [(*C1, "name")]),
        ({"path": "spec.containers[*].image", "matches": ":latest$"}, [(*C0, "image")]),
        ({"path": "spec.containers[*].image", "not_matches": "@sha256:"}, [(*C0, "image")]),
        ({"path": "spec.hostNetwork", "matches": "^true$"}, [("spec", "hostNetwork")]),
        ({"path": "spec.containers", "matches": "."}, None),  # lists are not text
        ({"path": "spec.containers[*].ports[*].containerPort", "less_than": 1024},
         [(*C0, "ports", 0, "containerPort")]),
        ({"path": "spec.containers[*].ports[*].containerPort", "greater_than": 80}, None),
        ({"path": "spec.containers[*].name", "contains": "a"}, [(*C0, "name")]),
        ({"path": "metadata.annotations", "contains": "seccomp.security.alpha.kubernetes.io/pod"},
         [("metadata", "annotations")]),
        ({"path": "spec.containers[*].ports", "not_contains": 80}, [(*C0, "ports")]),
        ({"path": "spec.containers[*].securityContext.privileged", "exists": True},
         [(*C1, "securityContext", "privileged")]),
        ({"path": "spec.containers[0].securityContext.privileged", "exists": False}, [C0]),
        ({"path": "spec.securityContext.runAsNonRoot", "exists": False}, [("spec",)]),
        ({"path": "spec.initContainers[0].args", "exists": False}, [("spec", "initContainers", 0)]),
        ({"path": 'metadata.annotations."seccomp.security.alpha.kubernetes.io/pod"',
          "equals": "rt"},
         [("metadata", "annotations", "seccomp.security.alpha.kubernetes.io/pod")]),
    ],
)  # fmt: skip
def test_leaf_operators(condition: dict[str, Any], expected: list[DocPath] | None) -> None:
    assert hit(condition) == expected


@pytest.mark.parametrize(
    ("doc", "empty", "expected"),
    [
        ({"a": ""}, True, [("a",)]),  # points at the empty value
        ({"a": []}, True, [("a",)]),
        ({"a": {}}, True, [("a",)]),
        ({"a": None}, True, [()]),  # null is absent: points at the object lacking it
        ({}, True, [()]),
        ({"a": [1]}, True, None),
        ({"a": [1]}, False, [("a",)]),
        ({"a": ""}, False, None),
        ({}, False, None),
        ({"a": 0}, False, [("a",)]),  # 0 and false are values, not emptiness
    ],
)
def test_empty(doc: dict[str, Any], empty: bool, expected: list[DocPath] | None) -> None:
    found = hit({"path": "a", "empty": empty}, doc)
    assert found == expected


def test_empty_over_a_wildcard_needs_every_value_empty() -> None:
    assert hit({"path": "a[*].b", "empty": True}, {"a": [{"b": ""}, {"b": []}]}) == [
        ("a", 0, "b"),
        ("a", 1, "b"),
    ]
    assert hit({"path": "a[*].b", "empty": True}, {"a": [{"b": ""}, {"b": "x"}]}) is None


def test_numbers_compare_numeric_strings_not_booleans() -> None:
    assert hit({"path": "n", "greater_than": 5}, {"n": "10"}) == [("n",)]
    assert hit({"path": "n", "greater_than": 0}, {"n": True}) is None
    assert hit({"path": "n", "less_than": 5}, {"n": "abc"}) is None


def test_self_path_inside_a_quantifier() -> None:
    doc = {"add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}
    condition = {"path": "add", "any": {"path": ".", "in": ["SYS_ADMIN", "ALL"]}}
    assert hit(condition, doc) == [("add", 1)]


# --- quantifiers and booleans -------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "items", "holds"),
    [
        ("any", [1, 5], True),
        ("any", [1, 2], False),
        ("any", [], False),
        ("all", [5, 6], True),
        ("all", [5, 1], False),
        ("all", [], True),
        ("none", [1, 2], True),
        ("none", [1, 5], False),
        ("none", [], True),
    ],
)
def test_quantifiers(mode: str, items: list[int], holds: bool) -> None:
    doc = {"xs": [{"v": item} for item in items]}
    condition = {"path": "xs", mode: {"path": "v", "greater_than": 4}}
    assert (hit(condition, doc) is not None) == holds


def test_quantifier_over_a_missing_list() -> None:
    assert hit({"path": "xs", "any": {"path": "v", "exists": True}}, {}) is None
    assert hit({"path": "xs", "all": {"path": "v", "exists": True}}, {}) == [()]
    assert hit({"path": "xs", "none": {"path": "v", "exists": True}}, {}) == [()]


def test_any_points_inside_the_matching_item() -> None:
    condition = {"path": "spec.containers", "any": {"path": "securityContext.privileged",
                                                    "equals": True}}  # fmt: skip
    assert hit(condition) == [(*C1, "securityContext", "privileged")]


def test_quantifier_items_can_reach_the_root() -> None:
    condition = {"path": "spec.containers", "any": {"path": "/spec.hostNetwork", "equals": True}}
    assert hit(condition) == [("spec", "hostNetwork"), ("spec", "hostNetwork")]


def test_booleans() -> None:
    true = {"path": "spec.hostNetwork", "equals": True}
    false = {"path": "spec.hostNetwork", "equals": False}
    assert hit({"all_of": [true, {"path": "kind", "equals": "Pod"}]}) == [
        ("spec", "hostNetwork"),
        ("kind",),
    ]
    assert hit({"all_of": [true, false]}) is None
    assert hit({"any_of": [false, true]}) == [("spec", "hostNetwork")]
    assert hit({"any_of": [false, false]}) is None
    assert hit({"not": false}) == [("spec", "hostNetwork")]  # points where the leaf looked
    assert hit({"not": true}) is None
    assert hit({"not": {"path": "spec.dnsPolicy", "exists": True}}) == [("spec",)]


def test_several_forms_in_one_mapping_must_all_hold() -> None:
    both = {"path": "spec.hostNetwork", "equals": True, "not": {"path": "kind", "equals": "Pod"}}
    assert hit(both) is None
    assert hit({**both, "not": {"path": "kind", "equals": "Job"}}) is not None


def test_deepest_prefers_the_longest_path_then_the_first() -> None:
    assert deepest([("a",), ("a", "b"), ("c", "d")]) == ("a", "b")
    assert deepest([]) is None


# --- python -------------------------------------------------------------------------------


def flag_hostnetwork(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    return [(*obj_path, "spec", "hostNetwork")] if obj["spec"].get("hostNetwork") else []


def always(resource: Resource, obj: Any, obj_path: DocPath) -> bool:
    return True


def test_python_functions() -> None:
    flagged = parse_condition({"python": "tests.iac.test_dsl:flag_hostnetwork"}, python="tests")
    assert evaluate(flagged, resource(POD), POD, ()) == [("spec", "hostNetwork")]
    assert evaluate(flagged, resource(DEPLOYMENT), {"spec": {}}, ()) is None
    yes = parse_condition({"python": "tests.iac.test_dsl:always"}, python="")
    assert evaluate(yes, resource(POD), POD, ()) == []


@pytest.mark.parametrize(
    ("spec", "python", "message"),
    [
        ("tests.iac.test_dsl:always", None, "not allowed"),
        ("os:getcwd", "garrison.iac.checks", "must be under garrison.iac.checks"),
        ("garrison.iac.checksum:f", "garrison.iac.checks", "must be under"),
        ("garrison.iac.checks.nope:f", "garrison.iac.checks", "cannot import"),
        ("tests.iac.test_dsl:missing", "", "has no function missing"),
        ("tests.iac.test_dsl", "", "module:function"),
        (42, "", "module:function"),
    ],
)
def test_python_refusals(spec: Any, python: str | None, message: str) -> None:
    with pytest.raises(DslError, match=message) as caught:
        parse_condition({"python": spec}, python=python)
    assert caught.value.key == "fail_if.python"


# --- parse errors name the key ------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "key"),
    [
        ({}, "fail_if"),
        ([], "fail_if"),
        ({"path": "a", "equal": 1}, "fail_if.equal"),
        ({"equals": 1}, "fail_if.equals"),
        ({"path": "a"}, "fail_if.path"),
        ({"path": "a", "equals": 1, "in": [1]}, "fail_if.path"),
        ({"path": "a..b", "equals": 1}, "fail_if.path"),
        ({"path": "a", "in": 1}, "fail_if.in"),
        ({"path": "a", "exists": "yes"}, "fail_if.exists"),
        ({"path": "a", "matches": "("}, "fail_if.matches"),
        ({"path": "a", "greater_than": "5"}, "fail_if.greater_than"),
        ({"path": "a", "less_than": True}, "fail_if.less_than"),
        ({"all_of": []}, "fail_if.all_of"),
        ({"any_of": [{"path": "a", "exists": True}, {"path": "b", "equals": 1, "x": 2}]},
         "fail_if.any_of[1].x"),
        ({"not": {"path": "a", "any": {"path": "b"}}}, "fail_if.not.any.path"),
    ],
)  # fmt: skip
def test_parse_errors_name_the_key(condition: Any, key: str) -> None:
    with pytest.raises(DslError) as caught:
        parse_condition(condition)
    assert caught.value.key == key


def test_quantifier_over_objects_a_macro_reaches() -> None:
    condition = {"path": "$containers", "all": {"path": "image", "exists": True}}
    assert hit(condition) == [C0, C1, ("spec", "initContainers", 0)]
    none = {"path": "$containers", "none": {"path": "securityContext.privileged", "equals": True}}
    assert hit(none) is None


def test_contains_with_an_unhashable_item_on_a_mapping() -> None:
    assert hit({"path": "m", "contains": {"a": 1}}, {"m": {"a": 1}}) is None
    assert hit({"path": "m", "not_contains": ["a"]}, {"m": {"a": 1}}) == [("m",)]


def one_path(resource: Resource, obj: Any, obj_path: DocPath) -> DocPath:
    return ("spec", "hostNetwork")


def test_a_python_function_may_return_one_path() -> None:
    condition = parse_condition({"python": "tests.iac.test_dsl:one_path"}, python="tests")
    assert evaluate(condition, resource(POD), POD, ()) == [("spec", "hostNetwork")]
