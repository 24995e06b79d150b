"""The fixed mixed ScanResult and Verdict every report format's golden file renders, and the
golden-file check.

Golden files live in tests/data/report/golden/. After an intended change of a report,
regenerate them with `GARRISON_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report` and review the
diff before committing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from garrison.model import (
    Commit,
    Component,
    Finding,
    Gap,
    Location,
    ScanResult,
    ScanWarning,
    Severity,
)
from garrison.policy import Notice, NoticeKind, SuppressedBy, Suppression, Verdict

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "report" / "golden"
TOOL_VERSION = "1.2.3"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
EPOCH = str(int(NOW.timestamp()))
HOSTILE = "<script>alert(1)</script> | `x` @admin"
AWS_KEY_ID = "AKIA" + "Q7" * 8  # never in a finding: only a redacted preview is


def check_golden(name: str, text: str) -> None:
    """`text` must be byte-for-byte the golden file `name` (rewritten when asked)."""
    path = GOLDEN / name
    if os.environ.get("GARRISON_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.read_bytes() == text.encode("utf-8"), (
        f"{path} differs; if the change is intended, rerun with GARRISON_UPDATE_GOLDEN=1"
    )


@dataclass(frozen=True, slots=True)
class StandInRule:
    """What rules.describe reads of a built-in check or a secret detector."""

    title: str
    description: str = ""
    remediation: str = ""
    references: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()


STAND_IN_CHECKS = {
    "GAR-K8S-001": StandInRule(
        "Privileged container",
        "A privileged container runs with every capability and sees the host's devices.",
        "Remove `securityContext.privileged: true`, or set it to false.",
        ("https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",),
        ("PSS-baseline", "NSA", "CIS"),
    ),
    "GAR-K8S-002": StandInRule(
        "Pod shares the host PID namespace",
        "With hostPID the pod sees every process on the node.",
        "Remove `hostPID: true` from the pod spec.",
        ("https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",),
        ("PSS-baseline",),
    ),
}
STAND_IN_DETECTORS = {
    "aws-access-key-id": StandInRule(
        "AWS access key ID",
        remediation="Deactivate the key in IAM, rotate it and remove it from the history.",
        references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",),
    ),
}  # fmt: skip

DJANGO = Component(
    "PyPI",
    "django",
    "3.2.0",
    "pkg:pypi/django@3.2.0",
    Location("requirements.txt", 4),
    ("BSD-3-Clause",),
    direct=True,
)
SIX = Component(
    "PyPI",
    "six",
    "1.16.0",
    "pkg:pypi/six@1.16.0",
    Location("requirements.txt", 5),
    ("MIT",),
    direct=True,
)
LODASH = Component(
    "npm",
    "lodash",
    "4.17.20",
    "pkg:npm/lodash@4.17.20",
    Location("web/package-lock.json"),
    ("MIT",),
    direct=True,
)
LOG4J = Component(
    "Maven",
    "org.apache.logging.log4j:log4j-core",
    "2.14.1",
    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    Location("pom.xml", 12),
    ("Apache-2.0",),
)
GPL_LIB = Component(
    "npm",
    "gpl-lib",
    "2.0.0",
    "pkg:npm/gpl-lib@2.0.0",
    Location("web/package-lock.json"),
    ("GPL-3.0-only",),
)

DJANGO_SQLI = Finding(
    "vulnerability",
    "GHSA-2gwj-7jmv-h26r",
    "SQL Injection in Django",
    Severity.CRITICAL,
    DJANGO,
    DJANGO.location,
    ("CVE-2022-34265",),
    9.8,
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    ("3.2.14", "4.0.6"),
    ("https://github.com/advisories/GHSA-2gwj-7jmv-h26r",),
)
DJANGO_DOS = Finding(
    "vulnerability",
    "PYSEC-2023-100",
    "Potential denial of service in file uploads",
    Severity.MEDIUM,
    DJANGO,
    DJANGO.location,
    references=("https://www.djangoproject.com/weblog/2023/feb/14/security-releases/",),
)
LOG4SHELL = Finding(
    "vulnerability",
    "GHSA-jfh8-c2jp-5v3q",
    "Remote code injection in Log4j",
    Severity.CRITICAL,
    LOG4J,
    LOG4J.location,
    ("CVE-2021-44228", "CWE-502"),
    10.0,
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
    ("2.15.0",),
    ("https://logging.apache.org/log4j/2.x/security.html",),
)
LODASH_INJECTION = Finding(
    "vulnerability",
    "GHSA-35jh-r3h4-6jhm",
    "Command Injection in lodash",
    Severity.HIGH,
    LODASH,
    LODASH.location,
    ("CVE-2021-23337",),
    7.2,
    "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
    ("4.17.21",),
)
PRIVILEGED = Finding(
    "misconfiguration",
    "GAR-K8S-001",
    "Privileged container",
    Severity.HIGH,
    location=Location("k8s/web.yaml", 21, 21),
)
PRIVILEGED_AGAIN = Finding(
    "misconfiguration",
    "GAR-K8S-001",
    "Privileged container",
    Severity.HIGH,
    location=Location("k8s/web.yaml", 40, 41),
)
HOST_PID = Finding(
    "misconfiguration",
    "GAR-K8S-002",
    "Pod shares the host PID namespace",
    Severity.HIGH,
    location=Location("k8s/web.yaml", 12, 12),
)
NO_DENY = Finding(
    "misconfiguration",
    "GAR-NET-001",
    "Namespace default has no default-deny ingress NetworkPolicy",
    Severity.MEDIUM,
    location=Location("k8s/web.yaml", 1, 30),
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
)
SECRET = Finding(
    "secret",
    "aws-access-key-id",
    "AWS access key ID",
    Severity.HIGH,
    location=Location("app/settings.py", 4, 4, 15),
    fingerprint="gfp1:" + "ab" * 16,
    preview='AWS_KEY = "AKIA****"',
    introduced=Commit("c" * 40, "Ann <ann@example.org>", "2026-01-02T03:04:05+00:00"),
    present_at_head=True,
)
SHELL = Finding(
    "sast",
    "B602",
    "subprocess call with shell=True identified",
    Severity.HIGH,
    location=Location("app/run.py", 9, 9, 5),
    aliases=("CWE-78",),
    references=(
        "https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html",
    ),
    fingerprint="gfp1:" + "cd" * 16,
    tool="bandit",
    confidence="high",
    inline_ignore="input is a constant",
)
ASSERT = Finding(
    "sast",
    "B101",
    f"Use of assert: {HOSTILE}",
    Severity.LOW,
    location=Location("app/run.py", 12, 12, 5),
    aliases=("CWE-703",),
    fingerprint="gfp1:" + "ef" * 16,
    tool="bandit",
    confidence="medium",
)
EOL = Finding(
    "end-of-life",
    "EOL-debian-10",
    "Debian 10 is past its end of LTS (2024-06-30): it gets no more security fixes",
    Severity.HIGH,
    location=Location("etc/os-release"),
    references=("https://endoflife.date/debian",),
)
LICENSE = Finding(
    "license", "GAR-LIC-DENIED", "gpl-lib 2.0.0 is licensed GPL-3.0-only, which is denied",
    Severity.HIGH, GPL_LIB, GPL_LIB.location,
)  # fmt: skip

BLOCKING = (DJANGO_SQLI, PRIVILEGED, PRIVILEGED_AGAIN, SECRET, EOL, LICENSE)
SUPPRESSED = (
    Suppression(LOG4SHELL, SuppressedBy.VEX, ".vex/app.openvex.json: CVE-2021-44228",
                "vulnerable_code_not_in_execute_path"),
    Suppression(LODASH_INJECTION, SuppressedBy.EXCEPTION, "garrison.yaml:14 (exceptions[0])",
                "only used by the build, never shipped", "web-team", "2026-03-01"),
    Suppression(HOST_PID, SuppressedBy.BASELINE, ".garrison/baseline.json", "in the baseline"),
    Suppression(SHELL, SuppressedBy.INLINE, "app/run.py:9", "input is a constant"),
)  # fmt: skip
NOTICES = (
    Notice(NoticeKind.EXPIRED, "exception 2 (CVE-2020-1234) expired on 2025-12-31",
           "garrison.yaml:22"),
    Notice(NoticeKind.EXPIRING, "exception 0 (GHSA-35jh-r3h4-6jhm) expires on 2026-01-10",
           "garrison.yaml:14"),
    Notice(NoticeKind.STALE, "exception 3 (GAR-K8S-009) matches no finding: remove it",
           "garrison.yaml:30"),
)  # fmt: skip


def mixed_result() -> ScanResult:
    """Every scanner kind; suppressed findings stay in the result, as the gate leaves them."""
    findings = (
        DJANGO_SQLI, DJANGO_DOS, LOG4SHELL, LODASH_INJECTION, PRIVILEGED, PRIVILEGED_AGAIN,
        HOST_PID, NO_DENY, SECRET, SHELL, ASSERT, EOL, LICENSE,
    )  # fmt: skip
    warning = ScanWarning("go.mod", "cannot parse: unexpected token", Gap.READER_FAILED, 7)
    return ScanResult(
        "shop", (DJANGO, SIX, LODASH, LOG4J, GPL_LIB), findings, (warning,),
        ("misconfig: kustomize overlays were not rendered",),
    )  # fmt: skip


def mixed_verdict() -> Verdict:
    return Verdict(False, "6 finding(s) block (policy garrison.yaml)", BLOCKING, SUPPRESSED,
                   NOTICES)  # fmt: skip
