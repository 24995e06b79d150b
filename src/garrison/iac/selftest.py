"""Run checks' own `tests:` (what `garrison checks test` does; pure).

A test's `resource` is a document: for Kubernetes checks a manifest object, turned into
Resources by the Kubernetes loader's `resources_from_doc` when it exists (else a minimal
Resource with the pod spec facts of `kinds.py`); for other sources the doc of a Resource of
the test's `kind`, with the test's `context`. `expect: fail` passes when the check reports
at least one finding on it, `expect: pass` when it reports none.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from garrison.iac.engine import Check, check_resources
from garrison.iac.kinds import workload_context
from garrison.iac.model import Resource, Span


@dataclass(frozen=True, slots=True)
class CheckTestResult:
    check_id: str
    name: str
    expect: str
    passed: bool
    detail: str = ""


def run_check_tests(checks: Iterable[Check]) -> list[CheckTestResult]:
    return [_run(check, test) for check in checks for test in check.tests]


def _run(check: Check, test: Mapping[str, Any]) -> CheckTestResult:
    name, expect = str(test["name"]), str(test["expect"])
    resources = resources_for_test(check, test)
    run = check_resources(resources, [check])
    if run.warnings:
        return CheckTestResult(check.id, name, expect, False, run.warnings[0].message)
    failed = bool(run.findings)
    if failed == (expect == "fail"):
        return CheckTestResult(check.id, name, expect, True)
    if not any(check.applies_to(r) for r in resources):
        kinds = ", ".join(sorted({r.kind for r in resources})) or "nothing"
        return CheckTestResult(
            check.id, name, expect, False, f"the check does not apply to {kinds}"
        )
    said = "no finding" if not failed else f"a finding at line {_line(run.findings[0])}"
    return CheckTestResult(check.id, name, expect, False, f"expected {expect}, got {said}")


def _line(finding: Any) -> str:
    location = finding.location
    return str(location.line) if location is not None and location.line else "?"


def resources_for_test(check: Check, test: Mapping[str, Any]) -> list[Resource]:
    """The Resources a check test describes."""
    doc = test["resource"]
    file = f"<test {test['name']}>"
    context = dict(test.get("context") or {})
    if check.source == "kubernetes" and "kind" not in test:
        loaded = _kubernetes_loader(doc, file)
        if loaded is not None:
            return loaded
        kind = doc.get("kind") if isinstance(doc, dict) else None
        meta = doc.get("metadata") if isinstance(doc, dict) else None
        name = meta.get("name") if isinstance(meta, dict) else None
        context = {**workload_context(doc), **context}
        return [_resource(check.source, str(kind or ""), str(name or ""), file, doc, context)]
    kind = str(test.get("kind") or "")
    return [_resource(check.source, kind, str(test["name"]), file, doc, context)]


def _resource(
    source: str, kind: str, name: str, file: str, doc: Any, context: dict[str, Any]
) -> Resource:
    return Resource(source, kind, name, file, doc, Span(1, 1), {}, context)


def _kubernetes_loader(doc: Any, file: str) -> list[Resource] | None:
    """Resources from the Kubernetes loader's `resources_from_doc`, if it is there."""
    try:
        module = importlib.import_module("garrison.iac.loaders.kubernetes")
    except ImportError:
        return None
    build = getattr(module, "resources_from_doc", None)
    if build is None:
        return None
    made = build(doc, file)
    if isinstance(made, Resource):
        return [made]
    return list(made)
