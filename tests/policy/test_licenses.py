"""Licence expressions under allowed/denied lists, and the findings and notices they give."""

from __future__ import annotations

import pytest

from garrison.model import Severity
from garrison.policy.licenses import Status, assess, license_findings, normalize_entry
from garrison.policy.model import LicensePolicy, UnknownLicense
from garrison.policy.verdict import Notice, NoticeKind
from tests.policy.builders import component


def policy(allowed: tuple[str, ...] = (), denied: tuple[str, ...] = (),
           unknown: UnknownLicense = UnknownLicense.WARN) -> LicensePolicy:  # fmt: skip
    return LicensePolicy(
        frozenset(map(normalize_entry, allowed)), frozenset(map(normalize_entry, denied)), unknown
    )


ALLOW = policy(("MIT", "Apache-2.0", "BSD-3-Clause"), ("GPL-3.0-only", "AGPL-3.0-only"))
DENY_ONLY = policy(denied=("GPL-3.0-only",))


@pytest.mark.parametrize(
    ("declared", "status", "expression", "terms"),
    [
        (("MIT",), Status.OK, "MIT", ()),
        (("mit",), Status.OK, "MIT", ()),
        (("MIT OR GPL-3.0",), Status.OK, "MIT OR GPL-3.0-only", ()),
        (("GPL-3.0 OR MIT",), Status.OK, "GPL-3.0-only OR MIT", ()),
        (("MIT AND GPL-3.0",), Status.DENIED, "MIT AND GPL-3.0-only", ("GPL-3.0-only",)),
        (("GPL-3.0-only OR AGPL-3.0-only",), Status.DENIED, "GPL-3.0-only OR AGPL-3.0-only",
         ("AGPL-3.0-only", "GPL-3.0-only")),
        (("LGPL-2.1-only",), Status.NOT_ALLOWED, "LGPL-2.1-only", ("LGPL-2.1-only",)),
        (("LGPL-2.1-only OR GPL-3.0-only",), Status.NOT_ALLOWED,
         "LGPL-2.1-only OR GPL-3.0-only", ("LGPL-2.1-only",)),
        (("MIT AND (Apache-2.0 OR GPL-3.0-only)",), Status.OK,
         "MIT AND (Apache-2.0 OR GPL-3.0-only)", ()),
        (("MIT", "Apache-2.0"), Status.OK, "Apache-2.0 AND MIT", ()),
        (("MIT", "GPL-3.0-only"), Status.DENIED, "GPL-3.0-only AND MIT", ("GPL-3.0-only",)),
        (("Apache-2.0 WITH LLVM-exception",), Status.OK, "Apache-2.0 WITH LLVM-exception", ()),
        (("GPL-3.0-only WITH GCC-exception-3.1",), Status.DENIED,
         "GPL-3.0-only WITH GCC-exception-3.1", ("GPL-3.0-only WITH GCC-exception-3.1",)),
        (("Acme Proprietary",), Status.UNKNOWN, "Acme Proprietary", ("Acme Proprietary",)),
        (("LicenseRef-acme OR ISC",), Status.UNKNOWN, "LicenseRef-acme OR ISC",
         ("LicenseRef-acme",)),
        (("MIT License",), Status.OK, "MIT", ()),  # a common name of one SPDX licence
        (("BSD",), Status.UNKNOWN, "BSD", ("BSD",)),  # several BSD licences: never guessed
        ((), Status.UNKNOWN, "", ()),
        (("NOASSERTION", " "), Status.UNKNOWN, "", ()),
    ],
)  # fmt: skip
def test_expressions_under_an_allowlist(
    declared: tuple[str, ...], status: Status, expression: str, terms: tuple[str, ...]
) -> None:
    found = assess(declared, ALLOW)
    assert (found.status, found.expression, found.terms) == (status, expression, terms)


def test_denylist_only_passes_any_listed_licence_but_not_unlisted_ones() -> None:
    assert assess(("LGPL-2.1-only",), DENY_ONLY).status is Status.OK
    assert assess(("MIT AND GPL-3.0-only",), DENY_ONLY).status is Status.DENIED
    assert assess(("LicenseRef-acme",), DENY_ONLY).status is Status.UNKNOWN


def test_policy_may_name_refs_and_exception_pairs() -> None:
    named = policy(("LicenseRef-acme", "GPL-2.0-only WITH Classpath-exception-2.0"),
                   ("GPL-2.0-only",))  # fmt: skip
    assert assess(("LicenseRef-acme",), named).status is Status.OK
    pair = assess(("GPL-2.0-only WITH Classpath-exception-2.0",), named)
    assert pair.status is Status.OK
    assert assess(("GPL-2.0-only",), named).status is Status.DENIED
    assert assess(("GPL-2.0-only WITH Autoconf-exception-2.0",), named).status is Status.DENIED


def test_an_allowed_compound_expression_allows_exactly_that_expression() -> None:
    compound = policy(("MIT AND BSD-2-Clause",))
    assert assess(("MIT AND BSD-2-Clause",), compound).status is Status.OK
    assert assess(("MIT",), compound).status is Status.NOT_ALLOWED


def test_too_many_alternatives_are_unknown() -> None:
    wide = " AND ".join(f"(MIT OR Apache-2.0 OR BSD-{n}-Clause)" for n in (2, 3, 2, 3))
    found = assess((wide,), ALLOW)
    assert (found.status, found.problem) == (Status.UNKNOWN, "too many alternatives to evaluate")


def test_license_findings_and_notices() -> None:
    components = [
        component("ok", "MIT"),
        component("gpl", "MIT AND GPL-3.0-only"),
        component("lgpl", "LGPL-2.1-only"),
        component("odd", "Acme Proprietary"),
        component("bare"),
        component("bare2", "NOASSERTION"),
    ]
    findings, notices = license_findings(components, ALLOW, Severity.HIGH)
    assert [(f.kind, f.id, f.severity, f.component.name if f.component else None, f.summary)
            for f in findings] == [
        ("license", "GAR-LIC-DENIED", Severity.HIGH, "gpl",
         "gpl 1.0: licence MIT AND GPL-3.0-only is denied by the policy (GPL-3.0-only)"),
        ("license", "GAR-LIC-NOT-ALLOWED", Severity.HIGH, "lgpl",
         "lgpl 1.0: licence LGPL-2.1-only needs licences the policy does not allow "
         "(LGPL-2.1-only)"),
    ]  # fmt: skip
    assert findings[0].location == components[1].location
    assert findings[0].references == ("https://spdx.org/licenses/GPL-3.0-only.html",)
    assert notices == [
        Notice(NoticeKind.UNKNOWN_LICENSE,
               "odd 1.0: licence unknown: Acme Proprietary (not an SPDX licence nor named by "
               "the policy)", "pkg:npm/odd@1.0"),
        Notice(NoticeKind.UNKNOWN_LICENSE,
               "2 component(s) declare no licence: bare 1.0, bare2 1.0"),
    ]  # fmt: skip


def test_unknown_fail_gives_low_findings() -> None:
    strict = policy(("MIT",), unknown=UnknownLicense.FAIL)
    findings, notices = license_findings(
        [component("bare"), component("odd", "(MIT")], strict, Severity.CRITICAL
    )
    assert notices == []
    assert [(f.id, f.severity, f.summary) for f in findings] == [
        ("GAR-LIC-UNKNOWN", Severity.LOW, "bare 1.0: licence unknown: no licence declared"),
        ("GAR-LIC-UNKNOWN", Severity.LOW,
         "odd 1.0: licence unknown: (MIT (not an SPDX expression: Invalid expression)"),
    ]  # fmt: skip


def test_no_licence_notice_names_five_then_elides() -> None:
    components = [component(f"p{n}") for n in range(7)]
    _, notices = license_findings(components, ALLOW, Severity.HIGH)
    assert notices == [
        Notice(NoticeKind.UNKNOWN_LICENSE,
               "7 component(s) declare no licence: p0 1.0, p1 1.0, p2 1.0, p3 1.0, p4 1.0, ...")
    ]  # fmt: skip
