"""VEX in: OpenVEX and CycloneDX statements, which suppress, how products match, and every
malformed or unknown statement as one exact error line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from garrison.errors import PolicyError
from garrison.model import Component, Finding, Severity
from garrison.policy import load_vex
from garrison.policy.model import VexStatement, VexStatus
from garrison.policy.verdict import SuppressedBy, Suppression
from garrison.policy.vex import VexMatcher, product_matches
from tests.conftest import DATA
from tests.policy.builders import DJANGO, vuln

VEX = DATA / "policy" / "vex"
OPENVEX = VEX / "app.openvex.json"
CYCLONEDX = VEX / "app.cdx.json"
KNOWN = {f"CVE-2023-{n * 1111}" for n in range(1, 9)}


def package(name: str, version: str, purl: str | None = None, bom_ref: str | None = None
            ) -> Component:  # fmt: skip
    return Component("PyPI", name, version, purl or f"pkg:pypi/{name}@{version}", bom_ref=bom_ref)


def test_openvex_statements() -> None:
    document = load_vex(OPENVEX, KNOWN.__contains__)
    assert document.format == "openvex"
    assert document.statements == (
        VexStatement(0, "https://example.com/vex/app-2025-06#django-admin",
                     frozenset({"CVE-2023-1111", "GHSA-aaaa-bbbb-cccc"}), ("pkg:pypi/django",),
                     VexStatus.NOT_AFFECTED,
                     "vulnerable_code_not_in_execute_path: the admin site is not routed"),
        VexStatement(1, "CVE-2023-2222", frozenset({"CVE-2023-2222"}), ("pkg:pypi/flask@2.2.2",),
                     VexStatus.AFFECTED, ""),
        VexStatement(2, "CVE-2023-3333", frozenset({"CVE-2023-3333"}), ("pkg:pypi/flask@2.2.2",),
                     VexStatus.UNDER_INVESTIGATION, ""),
        VexStatement(3, "CVE-2023-4444", frozenset({"CVE-2023-4444"}), ("pkg:pypi/flask@2.2.2",),
                     VexStatus.FIXED, ""),
        VexStatement(4, "CVE-2023-5555", frozenset({"CVE-2023-5555"}),
                     ("pkg:pypi/requests@2.28.1?extra=socks",), VexStatus.NOT_AFFECTED,
                     "no SOCKS proxy is configured"),
    )  # fmt: skip


def test_cyclonedx_statements_resolve_bom_refs_and_links() -> None:
    document = load_vex(CYCLONEDX, KNOWN.__contains__)
    assert document.format == "cyclonedx"
    assert [(s.ref, sorted(s.vulnerabilities), s.products, s.status, s.justification)
            for s in document.statements] == [
        ("vex-1", ["CVE-2023-1111", "GHSA-aaaa-bbbb-cccc"], ("django-ref", "pkg:pypi/django@4.2.1"),
         VexStatus.NOT_AFFECTED, "code_not_reachable: the admin site is not routed"),
        ("CVE-2023-6666", ["CVE-2023-6666"],
         ("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#inner-ref", "inner-ref",
          "pkg:pypi/sqlparse@0.4.3"),
         VexStatus.FALSE_POSITIVE, "matched the wrong sqlparse"),
        ("CVE-2023-7777", ["CVE-2023-7777"], ("django-ref", "pkg:pypi/django@4.2.1"),
         VexStatus.AFFECTED, ""),
        ("CVE-2023-8888", ["CVE-2023-8888"], ("pkg:npm/left-pad@1.3.0",),
         VexStatus.NOT_AFFECTED, "code_not_present"),
    ]  # fmt: skip


def test_only_not_affected_and_false_positive_suppress() -> None:
    matcher = VexMatcher([load_vex(OPENVEX), load_vex(CYCLONEDX)])
    flask = package("flask", "2.2.2")
    django = vuln()  # CVE-2023-1111 by alias, pkg:pypi/django@4.2.1
    assert matcher.suppression(django) == Suppression(
        django, SuppressedBy.VEX,
        f"{OPENVEX}: https://example.com/vex/app-2025-06#django-admin",
        "vulnerable_code_not_in_execute_path: the admin site is not routed",
    )  # fmt: skip
    for ident in ("CVE-2023-2222", "CVE-2023-3333", "CVE-2023-4444"):
        assert matcher.suppression(vuln(ident, aliases=(), component=flask)) is None
    cdx_only = VexMatcher([load_vex(CYCLONEDX)])
    sqlparse = vuln("CVE-2023-6666", aliases=(), component=package("sqlparse", "0.4.3"))
    found = cdx_only.suppression(sqlparse)
    assert found is not None and (found.ref, found.reason) == (
        f"{CYCLONEDX}: CVE-2023-6666",
        "matched the wrong sqlparse",
    )
    assert cdx_only.suppression(vuln("CVE-2023-7777", aliases=())) is None


def test_product_matching_rules() -> None:
    assert product_matches(["pkg:pypi/django"], "pkg:pypi/django@4.2.1", None)
    assert product_matches(["pkg:pypi/Django@4.2.1"], "pkg:pypi/django@4.2.1", None)
    assert product_matches(["pkg:pypi/zope.interface"], "pkg:pypi/zope-interface@6.0", None)
    assert not product_matches(["pkg:pypi/django@4.2.2"], "pkg:pypi/django@4.2.1", None)
    assert not product_matches(["pkg:npm/django"], "pkg:pypi/django@4.2.1", None)
    debian = "pkg:deb/debian/openssl@3.0?arch=amd64&distro=debian-12"
    assert product_matches(["pkg:deb/debian/openssl?arch=amd64"], debian, None)
    assert not product_matches(["pkg:deb/debian/openssl?arch=arm64"],
                               "pkg:deb/debian/openssl@3.0?arch=amd64", None)  # fmt: skip
    assert product_matches(["django-ref"], None, "django-ref")
    assert not product_matches(["not a purl"], "pkg:pypi/django@4.2.1", None)


def test_vex_applies_to_vulnerabilities_only() -> None:
    matcher = VexMatcher([load_vex(OPENVEX)])
    other_kind = Finding("misconfiguration", "CVE-2023-1111", "x", Severity.HIGH, DJANGO)
    assert matcher.suppression(other_kind) is None
    no_package = dataclasses.replace(vuln(), component=None)
    assert matcher.suppression(no_package) is None


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "doc.vex.json"
    path.write_text(json.dumps(document, indent=2) if not isinstance(document, str) else document)
    return path


def openvex(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"@context": "https://openvex.dev/ns/v0.2.0", "statements": list(statements)}


GOOD = {"vulnerability": {"name": "CVE-2023-1111"}, "products": [{"@id": "pkg:pypi/a"}],
        "status": "not_affected", "justification": "component_not_present"}  # fmt: skip


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"statements": []},
         "1: (top level): not an OpenVEX (@context openvex) nor a CycloneDX (bomFormat) document"),
        (openvex({**GOOD, "vulnerability": {"name": "CVE-2099-0001"}}, GOOD),
         "4: statements[0]: vulnerability CVE-2099-0001 is not in the advisory database"),
        (openvex(GOOD, {**GOOD, "justification": None}),
         "16: statements[1]: not_affected needs a justification or an impact_statement"),
        (openvex({**GOOD, "status": "maybe"}), "13: statements[0].status: must be one of "
         "not_affected, affected, fixed, under_investigation"),
        (openvex({**GOOD, "products": []}), "8: statements[0].products: missing or empty"),
        (openvex({**GOOD, "products": [{"identifiers": {}}]}),
         "9: statements[0].products[0]: names no product (@id or identifiers.purl)"),
        (openvex({**GOOD, "vulnerability": {"@id": 1}}),
         "5: statements[0].vulnerability.name: missing"),
        (openvex({k: v for k, v in GOOD.items() if k != "vulnerability"}),
         "4: statements[0].vulnerability: missing (a name like CVE-2023-1234, or {name: ...})"),
        (openvex({**GOOD, "impact_statement": 3}),
         "15: statements[0].impact_statement: must be a string"),
        ({"bomFormat": "CycloneDX", "vulnerabilities": [
            {"id": "CVE-2023-1111", "analysis": {"state": "not_affected"},
             "affects": [{"ref": "x"}]}]},
         "6: vulnerabilities[0].analysis: not_affected needs a justification or a detail"),
        ({"bomFormat": "CycloneDX", "vulnerabilities": [
            {"id": "CVE-2023-1111", "analysis": {"state": "not_affected", "detail": "d"}}]},
         "4: vulnerabilities[0].affects: missing: which components are not affected?"),
        ({"bomFormat": "CycloneDX", "vulnerabilities": [
            {"id": "CVE-2023-1111", "analysis": {"state": "done"}}]},
         "7: vulnerabilities[0].analysis.state: must be one of not_affected, false_positive, "
         "exploitable, in_triage, resolved, resolved_with_pedigree"),
        ({"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-2099-9"}]},
         "4: vulnerabilities[0]: vulnerability CVE-2099-9 is not in the advisory database"),
        ({"bomFormat": "CycloneDX", "vulnerabilities": [{"analysis": {}}]},
         "4: vulnerabilities[0].id: missing"),
        ('{"statements": [1, 2],\n "statements": []}', "2: duplicate key 'statements'"),
        ("[", "1: invalid JSON: Expecting value"),
    ],
)  # fmt: skip
def test_malformed_or_unknown_statements(tmp_path: Path, document: Any, message: str) -> None:
    path = write(tmp_path, document)
    with pytest.raises(PolicyError) as caught:
        load_vex(path, KNOWN.__contains__)
    assert str(caught.value) == f"{path}:{message}"


def test_unknown_ids_are_not_checked_without_a_database() -> None:
    assert len(load_vex(OPENVEX, None).statements) == 5
    with pytest.raises(PolicyError) as caught:
        load_vex(OPENVEX, lambda ident: False)
    assert str(caught.value) == (
        f"{OPENVEX}:8: statements[0]: vulnerability CVE-2023-1111, GHSA-aaaa-bbbb-cccc "
        "is not in the advisory database"
    )


def test_a_statement_is_known_by_any_of_its_names() -> None:
    document = load_vex(OPENVEX, lambda ident: ident.startswith(("GHSA-", "CVE-2023-")))
    assert len(document.statements) == 5
