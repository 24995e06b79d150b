"""The engine: subjects, locations, kinds, suppression comments, crashing Python checks."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.iac.engine import KIND, Check, check_resources, run_checks
from garrison.iac.kinds import workload_context
from garrison.iac.model import DocPath, Resource, Span
from garrison.iac.registry import parse_check
from garrison.model import Location, Severity

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "template": {
            "spec": {
                "containers": [
                    {"name": "ok", "image": "a"},
                    {"name": "bad", "image": "b", "securityContext": {"privileged": True}},
                ],
                "initContainers": [{"name": "init", "securityContext": {"privileged": True}}],
            }
        }
    },
}
POD_SPEC = ("spec", "template", "spec")
# Lines as a loader would record them (a 20-line file, the resource on lines 3-20).
SPANS: dict[DocPath, Span] = {
    ("spec",): Span(6, 20),
    (*POD_SPEC, "containers", 0): Span(10, 11),
    (*POD_SPEC, "containers", 1): Span(12, 15),
    (*POD_SPEC, "containers", 1, "securityContext", "privileged"): Span(15, 15),
    (*POD_SPEC, "initContainers", 0): Span(17, 20),
}


def make_check(**fields: Any) -> Check:
    raw = {
        "id": "GAR-T-001",
        "title": "Privileged container",
        "severity": "HIGH",
        "description": "d",
        "remediation": "r",
        "source": "kubernetes",
        "kinds": ["workload"],
        "select": "$containers",
        "fail_if": {"path": "securityContext.privileged", "equals": True},
        "references": ["https://example.org/privileged"],
        **fields,
    }
    return parse_check({k: v for k, v in raw.items() if v is not None}, "test.yaml")


def deployment(ignores: dict[int, list[str]] | None = None, doc: Any = None) -> Resource:
    doc = DEPLOYMENT if doc is None else doc
    context = {**workload_context(doc), "ignores": ignores or {}}
    return Resource(
        "kubernetes", doc["kind"], "web", "k8s/web.yaml", doc, Span(3, 20), SPANS, context
    )


def lines(findings: Any) -> list[tuple[int | None, int | None]]:
    return [(f.location.line, f.location.end_line) for f in findings]


def test_one_finding_per_selected_object_at_the_offending_field() -> None:
    findings = run_checks([deployment()], [make_check()])
    assert lines(findings) == [(15, 15), (17, 20)]  # no span for init's key: its container
    first = findings[0]
    assert (first.kind, first.id, first.summary, first.severity) == (
        KIND, "GAR-T-001", "Privileged container", Severity.HIGH,
    )  # fmt: skip
    assert first.location == Location("k8s/web.yaml", 15, 15)
    assert first.references == ("https://example.org/privileged",)


def test_without_select_one_finding_per_resource() -> None:
    check = make_check(
        select=None, fail_if={"path": "$containers.securityContext.privileged", "equals": True}
    )
    assert lines(run_checks([deployment()], [check])) == [(15, 15)]


def test_a_missing_field_points_at_the_object_lacking_it() -> None:
    check = make_check(fail_if={"path": "resources.limits", "exists": False})
    assert lines(run_checks([deployment()], [check])) == [(10, 11), (12, 15), (17, 20)]


def test_no_offending_path_points_at_the_subject_or_the_resource() -> None:
    check = parse_check({**make_check().raw, "fail_if": {"python": "tests.iac.test_engine:always"}},
                        "t.yaml", python="tests")  # fmt: skip
    assert lines(run_checks([deployment()], [check])) == [(10, 11), (12, 15), (17, 20)]
    whole = parse_check({**check.raw, "select": None}, "t.yaml", python="tests")
    assert lines(run_checks([deployment()], [whole])) == [(3, 20)]


def always(resource: Resource, obj: Any, obj_path: DocPath) -> bool:
    return True


def explode(resource: Resource, obj: Any, obj_path: DocPath) -> bool:
    raise ValueError("bug")


@pytest.mark.parametrize(
    ("kinds", "source", "applies"),
    [
        (["workload"], "kubernetes", True),
        (["*"], "kubernetes", True),
        (["Deployment", "Pod"], "kubernetes", True),
        (["Pod"], "kubernetes", False),
        (["workload"], "compose", False),
    ],
)
def test_kinds_and_sources(kinds: list[str], source: str, applies: bool) -> None:
    check = make_check(kinds=kinds, source=source)
    assert bool(run_checks([deployment()], [check])) == applies


def test_workload_does_not_match_other_kinds() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    check = make_check(select=None, fail_if={"path": "metadata.name", "exists": True})
    resource = Resource("kubernetes", "Service", "s", "s.yaml", service, Span(1, 3))
    assert run_checks([resource], [check]) == ()
    star = make_check(kinds=["*"], select=None, fail_if={"path": "metadata.name", "exists": True})
    assert lines(run_checks([resource], [star])) == [(1, 3)]


@pytest.mark.parametrize(
    ("ignores", "left"),
    [
        ({15: ["GAR-T-001"]}, [(17, 20)]),  # on the offending line
        ({14: ["GAR-T-001"]}, [(17, 20)]),  # on the line above it
        ({16: ["GAR-T-001"]}, [(15, 15)]),  # above the init container
        ({3: ["GAR-T-001"]}, []),  # on the resource's first line
        ({2: ["OTHER-1", "GAR-T-001"]}, []),  # just above the resource
        ({1: ["GAR-T-001"]}, [(15, 15), (17, 20)]),  # too far above
        ({15: ["GAR-T-002"]}, [(15, 15), (17, 20)]),  # another check
    ],
)
def test_ignore_comments(ignores: dict[int, list[str]], left: list[tuple[int, int]]) -> None:
    run = check_resources([deployment(ignores)], [make_check()])
    assert lines(run.findings) == left
    assert run.suppressed == 2 - len(left)


def test_a_crashing_python_check_is_a_warning_and_the_rest_runs() -> None:
    broken = parse_check(
        {
            **make_check().raw,
            "id": "GAR-T-009",
            "fail_if": {"python": "tests.iac.test_engine:explode"},
        },
        "t.yaml",
        python="tests",
    )
    run = check_resources([deployment()], [broken, make_check()])
    assert lines(run.findings) == [(15, 15), (17, 20)]
    (warning,) = run.warnings
    assert warning.source == "k8s/web.yaml"
    assert warning.line == 3
    assert "GAR-T-009" in warning.message and "ValueError" in warning.message


def test_checks_run_in_resource_then_check_order() -> None:
    other = make_check(
        id="GAR-T-002", select=None, fail_if={"path": "kind", "equals": "Deployment"}
    )
    findings = run_checks([deployment(), deployment()], [other, make_check()])
    assert [f.id for f in findings] == ["GAR-T-002", "GAR-T-001", "GAR-T-001"] * 2


# --- Terraform: data sources and blocks that may not exist ------------------------------


def terraform_resource(kind: str, doc: Any, **context: Any) -> Resource:
    spans = {("ingress",): Span(3, 12), ("ingress", 0): Span(3, 5), ("ingress", 1): Span(6, 12)}
    return Resource("terraform", kind, kind + ".x", "main.tf", doc, Span(1, 13), spans, context)


def terraform_check(kinds: list[str], fail_if: Any, select: str | None = None) -> Check:
    return make_check(source="terraform", kinds=kinds, select=select, fail_if=fail_if)


@pytest.mark.parametrize(
    ("kinds", "kind", "applies"),
    [
        (["aws_s3_bucket"], "aws_s3_bucket", False),  # a lookup is not the bucket
        (["data.aws_s3_bucket"], "aws_s3_bucket", True),  # asked for by name
        (["*"], "aws_s3_bucket", False),
        (["aws_iam_policy_document"], "aws_iam_policy_document", True),  # data-only type
    ],
)
def test_data_sources_are_checked_only_when_asked_for(
    kinds: list[str], kind: str, applies: bool
) -> None:
    check = terraform_check(kinds, {"path": "name", "exists": False})
    data = terraform_resource(kind, {}, mode="data")
    managed = terraform_resource(kind, {}, mode="managed")
    assert bool(run_checks([data], [check])) == applies
    assert bool(run_checks([managed], [check])) == (kinds != ["data.aws_s3_bucket"])


# A dynamic "ingress" with an unknown for_each (index 1) next to a written one (index 0).
RULES = {
    "ingress": [
        {"from_port": 443, "cidr_blocks": ["10.0.0.0/8"]},
        {"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]},
    ]
}
MAYBE = terraform_resource("aws_security_group", RULES, unknown_blocks=(("ingress", 1),))
ONLY_MAYBE = terraform_resource(
    "aws_security_group", {"ingress": RULES["ingress"][1:]}, unknown_blocks=(("ingress", 0),)
)


@pytest.mark.parametrize(
    ("fail_if", "select", "resource", "expected"),
    [
        # fails only because of the block that may not be there: unknown, no finding
        ({"path": "ingress[*].cidr_blocks", "contains": "0.0.0.0/0"}, None, MAYBE, []),
        ({"path": "cidr_blocks", "contains": "0.0.0.0/0"}, "ingress[*]", MAYBE, []),
        # fails only because the block may be missing: unknown as well
        ({"path": "ingress", "exists": False}, None, ONLY_MAYBE, []),
        ({"path": "ingress", "empty": True}, None, ONLY_MAYBE, []),
        # fails with and without it: a finding, where it points with the block
        ({"path": "ingress[*].description", "exists": False}, None, ONLY_MAYBE, [(3, 5)]),
        ({"path": "ingress[0].from_port", "equals": 443}, None, MAYBE, [(3, 5)]),
        ({"path": "from_port", "equals": 443}, "ingress[*]", MAYBE, [(3, 5)]),
        ({"path": "egress", "exists": False}, None, ONLY_MAYBE, [(1, 13)]),
    ],
)
def test_blocks_that_may_not_exist_never_decide_a_finding(
    fail_if: Any, select: str | None, resource: Resource, expected: list[tuple[int, int]]
) -> None:
    check = terraform_check(["aws_security_group"], fail_if, select)
    assert lines(run_checks([resource], [check])) == expected
    assert resource.doc["ingress"][-1]["from_port"] == 22  # the resource is not changed
