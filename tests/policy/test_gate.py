"""The gate: decisions per scanner kind, what sets findings aside (and in which order), and
the notices, on built ScanResults with a fixed `today`."""

from __future__ import annotations

import dataclasses
from datetime import date

from garrison.fingerprints import fingerprint_of
from garrison.model import Finding, Severity
from garrison.policy import default_gate, evaluate, parse_policy
from garrison.policy.model import Baseline, Policy, VexDocument, VexStatement, VexStatus
from garrison.policy.verdict import Notice, NoticeKind, SuppressedBy, Suppression
from tests.policy.builders import DJANGO, component, eol, misconfig, result, sast, secret, vuln

TODAY = date(2025, 6, 15)


def policy(body: str) -> Policy:
    return parse_policy("version: 1\n" + body, "garrison.yaml")


def blocking_ids(findings: tuple[Finding, ...] | list[Finding], pol: Policy | None) -> list[str]:
    _, verdict = evaluate(result(*findings), pol, today=TODAY)
    return [f"{f.kind}:{f.id}:{f.severity.name}" for f in verdict.blocking]


MIXED = (
    vuln(severity=Severity.CRITICAL), vuln("PYSEC-2023-2", Severity.MEDIUM),
    misconfig(severity=Severity.HIGH), misconfig("GAR-K8S-017", Severity.LOW),
    secret(Severity.HIGH), sast(Severity.MEDIUM), eol(Severity.HIGH),
)  # fmt: skip


def test_no_policy_is_the_default_gate() -> None:
    out, verdict = evaluate(result(*MIXED), None, today=TODAY)
    assert out.findings == MIXED
    assert verdict == default_gate(MIXED)
    assert verdict.reason == "4 finding(s) at HIGH or above (default policy)"


def test_version_only_policy_blocks_as_the_default() -> None:
    _, verdict = evaluate(result(*MIXED), policy(""), today=TODAY)
    assert verdict.blocking == default_gate(MIXED).blocking
    assert verdict.reason == (
        "4 blocking finding(s): 1 end-of-life, 1 misconfiguration, 1 secret, 1 vulnerability "
        "(policy garrison.yaml)"
    )


def test_passing_reasons() -> None:
    _, verdict = evaluate(result(sast(Severity.LOW)), None, today=TODAY)
    assert verdict.passed
    assert verdict.reason == "no findings at HIGH or above (default policy)"
    _, verdict = evaluate(result(), policy(""), today=TODAY)
    assert (verdict.passed, verdict.reason) == (True, "no blocking findings (policy garrison.yaml)")


def test_vulnerability_threshold_fixable_only_and_unknown_versions() -> None:
    findings = [
        vuln("A", Severity.MEDIUM),
        vuln("B", Severity.LOW),
        vuln("C", Severity.CRITICAL, fixed=()),
        vuln("D", Severity.HIGH, version_unknown=True),
    ]
    assert blocking_ids(findings, policy("fail_on: {vulnerability: {severity: MEDIUM}}\n")) == [
        "vulnerability:A:MEDIUM", "vulnerability:C:CRITICAL", "vulnerability:D:HIGH",
    ]  # fmt: skip
    strict = "fail_on: {vulnerability: {severity: MEDIUM, fixable_only: true, " \
             "ignore_unknown_versions: true}}\n"  # fmt: skip
    assert blocking_ids(findings, policy(strict)) == ["vulnerability:A:MEDIUM"]


def test_misconfiguration_enforce_by_id_and_tag_regardless_of_severity() -> None:
    findings = [
        misconfig("GAR-K8S-017", Severity.LOW),  # PSS-restricted (built-in tags)
        misconfig("GAR-K8S-012", Severity.MEDIUM),  # PSS-baseline
        misconfig("ACME-1", Severity.LOW),
        misconfig("ACME-2", Severity.HIGH),
    ]
    pol = policy("fail_on:\n  misconfiguration:\n    enforce: [pss-restricted, ACME-1]\n")
    assert blocking_ids(findings, pol) == [
        "misconfiguration:GAR-K8S-017:LOW", "misconfiguration:ACME-1:LOW",
        "misconfiguration:ACME-2:HIGH",
    ]  # fmt: skip
    medium = policy("fail_on: {misconfiguration: {severity: MEDIUM}}\n")
    assert blocking_ids(findings, medium) == [
        "misconfiguration:GAR-K8S-012:MEDIUM", "misconfiguration:ACME-2:HIGH",
    ]  # fmt: skip


def test_repository_checks_tags_come_from_check_tags() -> None:
    pol = policy("fail_on: {misconfiguration: {enforce: [ACME-TAG]}}\n")
    findings = result(misconfig("ACME-9", Severity.LOW))
    _, verdict = evaluate(findings, pol, today=TODAY, check_tags={"ACME-9": ("ACME-TAG",)})
    assert [f.id for f in verdict.blocking] == ["ACME-9"]
    _, verdict = evaluate(findings, pol, today=TODAY)
    assert verdict.blocking == ()


def test_skipped_checks_are_dropped_and_counted() -> None:
    pol = policy("fail_on: {misconfiguration: {skip: [PSS-restricted, GAR-K8S-012]}}\n")
    findings = (misconfig("GAR-K8S-054", Severity.HIGH), misconfig("GAR-K8S-012", Severity.HIGH),
                misconfig("GAR-K8S-001", Severity.HIGH), vuln())  # fmt: skip
    out, verdict = evaluate(result(*findings), pol, today=TODAY)
    assert [f.id for f in out.findings] == ["GAR-K8S-001", "PYSEC-2023-1"]
    assert [f.id for f in verdict.blocking] == ["GAR-K8S-001", "PYSEC-2023-1"]
    assert verdict.notices == (
        Notice(NoticeKind.INFO,
               "2 finding(s) of skipped checks (fail_on.misconfiguration.skip) not reported",
               "garrison.yaml"),
    )  # fmt: skip


def test_secret_any_and_severity() -> None:
    findings = [secret(Severity.LOW), secret(Severity.HIGH, line=9)]
    assert blocking_ids(findings, policy("fail_on: {secret: {any: true}}\n")) == [
        "secret:aws-access-key-id:LOW", "secret:aws-access-key-id:HIGH",
    ]  # fmt: skip
    assert blocking_ids(findings, policy("fail_on: {secret: {severity: CRITICAL}}\n")) == []


def test_sast_severity_and_confidence() -> None:
    findings = [sast(Severity.HIGH, "low"), sast(Severity.HIGH, "medium"),
                sast(Severity.HIGH, None), sast(Severity.MEDIUM, "high")]  # fmt: skip
    pol = policy("fail_on: {sast: {min_confidence: medium}}\n")
    _, verdict = evaluate(result(*findings), pol, today=TODAY)
    assert [f.confidence for f in verdict.blocking] == ["medium", None]
    pol = policy("fail_on: {sast: {severity: MEDIUM, min_confidence: high}}\n")
    _, verdict = evaluate(result(*findings), pol, today=TODAY)
    assert [f.confidence for f in verdict.blocking] == [None, "high"]


def test_end_of_life_fail_true_false_and_severity() -> None:
    findings = [eol(Severity.MEDIUM)]
    assert blocking_ids(findings, policy("fail_on: {end_of_life: {fail: true}}\n")) == [
        "end-of-life:EOL-debian-10:MEDIUM"
    ]
    never = policy("fail_on: {end_of_life: {fail: false}}\n")
    assert blocking_ids([eol(Severity.CRITICAL)], never) == []
    assert blocking_ids(findings, policy("fail_on: {end_of_life: {severity: MEDIUM}}\n")) == [
        "end-of-life:EOL-debian-10:MEDIUM"
    ]


def test_unknown_kinds_block_at_high() -> None:
    other = Finding("container-age", "AGE-1", "old image", Severity.HIGH)
    assert blocking_ids([other, dataclasses.replace(other, severity=Severity.MEDIUM)],
                        policy("")) == ["container-age:AGE-1:HIGH"]  # fmt: skip


LICENSES = "licenses:\n  allowed: [MIT, BSD-3-Clause]\n  denied: [GPL-3.0-only]\n"


def test_licence_findings_are_added_and_block() -> None:
    scanned = result(vuln(severity=Severity.LOW), components=(
        DJANGO, component("gpl", "MIT AND GPL-3.0-only"), component("isc", "ISC"),
        component("bare"),
    ))  # fmt: skip
    pol = policy(LICENSES + "fail_on: {license: {severity: MEDIUM}}\n")
    out, verdict = evaluate(scanned, pol, today=TODAY)
    assert [(f.kind, f.id, f.severity.name, f.component and f.component.name)
            for f in out.findings] == [
        ("vulnerability", "PYSEC-2023-1", "LOW", "django"),
        ("license", "GAR-LIC-DENIED", "MEDIUM", "gpl"),
        ("license", "GAR-LIC-NOT-ALLOWED", "MEDIUM", "isc"),
    ]  # fmt: skip
    assert [f.id for f in verdict.blocking] == ["GAR-LIC-DENIED", "GAR-LIC-NOT-ALLOWED"]
    assert verdict.notices == (
        Notice(NoticeKind.UNKNOWN_LICENSE, "1 component(s) declare no licence: bare 1.0"),
    )


def test_unknown_licence_fail_blocks() -> None:
    scanned = result(components=(component("bare"),))
    out, verdict = evaluate(scanned, policy(LICENSES + "  unknown: fail\n"), today=TODAY)
    assert [(f.id, f.severity) for f in out.findings] == [("GAR-LIC-UNKNOWN", Severity.LOW)]
    assert [f.id for f in verdict.blocking] == ["GAR-LIC-UNKNOWN"]
    assert verdict.notices == ()


def test_without_licenses_key_no_licence_is_checked() -> None:
    scanned = result(components=(component("gpl", "GPL-3.0-only"),))
    out, verdict = evaluate(scanned, policy(""), today=TODAY)
    assert (out.findings, verdict.passed, verdict.notices) == ((), True, ())


EXCEPTIONS = """\
exceptions:
  - id: CVE-2023-1111
    purl: pkg:pypi/django
    reason: not routed
    owner: team-web
    expires: 2025-12-31
  - rule: GAR-K8S-012
    path: deploy/*.yaml
    reason: legacy
    owner: alice
    expires: 2025-06-14
  - id: GHSA-none-none-none
    reason: gone already
    owner: bob
    expires: 2025-06-20
  - id: PYSEC-2023-1
    reason: the same finding, covered twice
    owner: carol
    expires: 2026-01-01
"""


def test_exceptions_suppress_expire_warn_and_go_stale() -> None:
    findings = (vuln(), misconfig(severity=Severity.HIGH))
    _, verdict = evaluate(result(*findings), policy(EXCEPTIONS), today=TODAY)
    assert verdict.suppressed == (
        Suppression(findings[0], SuppressedBy.EXCEPTION,
                    "garrison.yaml:3: exceptions[0] CVE-2023-1111", "not routed", "team-web",
                    "2025-12-31"),
    )  # fmt: skip
    assert verdict.blocking == (findings[1],)  # its exception expired yesterday
    assert verdict.notices == (
        Notice(NoticeKind.EXPIRED,
               "exception GAR-K8S-012 (owner alice) expired on 2025-06-14: it no longer applies",
               "garrison.yaml:8: exceptions[1] GAR-K8S-012"),
        Notice(NoticeKind.EXPIRING,
               "exception GHSA-none-none-none (owner bob) expires on 2025-06-20 (in 5 day(s))",
               "garrison.yaml:13: exceptions[2] GHSA-none-none-none"),
        Notice(NoticeKind.STALE,
               "exception GHSA-none-none-none (owner bob) matches no finding: remove it",
               "garrison.yaml:13: exceptions[2] GHSA-none-none-none"),
    )  # fmt: skip


def test_exception_by_fingerprint() -> None:
    finding = misconfig(severity=Severity.HIGH)
    body = (f"exceptions:\n  - id: {fingerprint_of(finding)}\n    reason: r\n    owner: o\n"
            "    expires: 2030-01-01\n")  # fmt: skip
    _, verdict = evaluate(result(finding), policy(body), today=TODAY)
    assert (verdict.passed, [s.by for s in verdict.suppressed]) == (True, [SuppressedBy.EXCEPTION])


def test_inline_ignores_default_strict_and_allowed() -> None:
    findings = (secret(Severity.HIGH, inline_ignore="test fixture"),
                sast(Severity.HIGH, inline_ignore=""))  # fmt: skip
    _, verdict = evaluate(result(*findings), None, today=TODAY)
    assert verdict.passed
    assert verdict.suppressed == (
        Suppression(findings[0], SuppressedBy.INLINE,
                    "garrison:ignore comment at src/settings.py:4", "test fixture"),
        Suppression(findings[1], SuppressedBy.INLINE, "garrison:ignore comment at app/run.py:12",
                    "(no reason given)"),
    )  # fmt: skip
    _, verdict = evaluate(result(*findings), policy("strict_suppressions: true\n"), today=TODAY)
    assert (verdict.blocking, verdict.suppressed) == (findings, ())
    allowed = policy("strict_suppressions: true\nallowed_inline: [b602]\n")
    _, verdict = evaluate(result(*findings), allowed, today=TODAY)
    assert verdict.blocking == (findings[0],)
    assert [(s.finding.id, s.by) for s in verdict.suppressed] == [("B602", SuppressedBy.INLINE)]


def _vex(*products: str) -> VexDocument:
    statement = VexStatement(
        0, "stmt-1", frozenset({"CVE-2023-1111"}), products, VexStatus.NOT_AFFECTED,
        "vulnerable_code_not_in_execute_path",
    )  # fmt: skip
    return VexDocument("app.openvex.json", "openvex", (statement,))


def test_vex_suppresses_only_the_named_package() -> None:
    other = dataclasses.replace(DJANGO, name="flask", purl="pkg:pypi/flask@2.0", bom_ref=None)
    findings = (vuln(), vuln(component=other))
    _, verdict = evaluate(result(*findings), None, today=TODAY, vex=[_vex("pkg:pypi/django")])
    assert verdict.suppressed == (
        Suppression(findings[0], SuppressedBy.VEX, "app.openvex.json: stmt-1",
                    "vulnerable_code_not_in_execute_path"),
    )  # fmt: skip
    assert verdict.blocking == (findings[1],)


def test_baseline_suppresses_and_counts_stale_entries() -> None:
    old, new = vuln(), misconfig(severity=Severity.HIGH)
    prints = frozenset({fingerprint_of(old), "gfp1:gone", "gfp1:gone2"})
    baseline = Baseline(".garrison/baseline.json", "repo", "2025-01-02", (), prints)
    _, verdict = evaluate(result(old, new), None, today=TODAY, baseline=baseline)
    assert verdict.blocking == (new,)
    assert verdict.suppressed == (
        Suppression(old, SuppressedBy.BASELINE, ".garrison/baseline.json",
                    "in the baseline of 2025-01-02 (existing debt)"),
    )  # fmt: skip
    assert verdict.notices == (
        Notice(NoticeKind.STALE,
               "baseline .garrison/baseline.json: 2 of 3 entries match no finding (fixed or "
               "changed); re-create the baseline to drop them", ".garrison/baseline.json"),
    )  # fmt: skip


def test_exception_comes_before_vex_then_baseline_then_inline() -> None:
    finding = dataclasses.replace(vuln(), inline_ignore="ok")
    baseline = Baseline("b.json", "repo", "2025-01-02", (), frozenset({fingerprint_of(finding)}))
    vex = [_vex("pkg:pypi/django@4.2.1")]
    scanned = result(finding)
    _, verdict = evaluate(scanned, policy(EXCEPTIONS), today=TODAY, vex=vex, baseline=baseline)
    assert [s.by for s in verdict.suppressed] == [SuppressedBy.EXCEPTION]
    _, verdict = evaluate(scanned, None, today=TODAY, vex=vex, baseline=baseline)
    assert [s.by for s in verdict.suppressed] == [SuppressedBy.VEX]
    _, verdict = evaluate(scanned, None, today=TODAY, baseline=baseline)
    assert [s.by for s in verdict.suppressed] == [SuppressedBy.BASELINE]
    _, verdict = evaluate(scanned, None, today=TODAY)
    assert [s.by for s in verdict.suppressed] == [SuppressedBy.INLINE]
