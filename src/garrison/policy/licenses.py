"""Licence expressions against the policy's allowed and denied licences (pure).

An expression is parsed with `license-expression` (SPDX ids normalised: "gpl-3.0" is
"GPL-3.0-only"), expanded into its alternatives (OR: a choice, AND: all of them) and the best
alternative decides: OK, UNKNOWN (a licence that is neither SPDX-listed nor named by the
policy), NOT_ALLOWED (an allowlist exists and something else is needed) or DENIED (every
choice needs a denied licence). Several licences declared for one component count as AND.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from boolean import ParseError  # type: ignore[import-untyped]
from license_expression import ExpressionError, get_spdx_licensing  # type: ignore[import-untyped]

from garrison.model import Component, Finding, Severity
from garrison.policy.license_names import spdx_for
from garrison.policy.model import LicensePolicy, UnknownLicense
from garrison.policy.verdict import Notice, NoticeKind

MAX_ALTERNATIVES = 64  # an expression with more choices than this is not evaluated
MAX_LENGTH = 2000
NO_ASSERTION = frozenset({"", "NOASSERTION", "NONE", "UNKNOWN"})
REF_PREFIXES = ("LicenseRef-", "DocumentRef-")


class Status(enum.IntEnum):
    """Ordered from best to worst; an alternative is as bad as its worst licence."""

    OK = 0
    UNKNOWN = 1
    NOT_ALLOWED = 2
    DENIED = 3


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    expression: str  # normalised, or the text as declared when it does not parse
    terms: tuple[str, ...] = ()  # the licences that made the status (sorted)
    problem: str = ""  # why an UNKNOWN is unknown


class LicenseSyntaxError(ValueError):
    """A policy entry that is not an SPDX licence id or expression."""


@functools.cache
def _licensing() -> Any:
    return get_spdx_licensing()


def normalize_entry(text: str) -> str:
    """A policy's licence entry, normalised; LicenseSyntaxError says what is wrong."""
    expression = _parse(text)
    if isinstance(expression, str):
        raise LicenseSyntaxError(f"{text!r} is not an SPDX licence expression: {expression}")
    if expression is None:
        raise LicenseSyntaxError("empty licence")
    for symbol in _licensing().license_symbols(expression, decompose=True):
        if not _known(symbol.key):
            raise LicenseSyntaxError(
                f"{symbol.key!r} is not an SPDX licence id (name others LicenseRef-...)"
            )
    return str(expression)


def assess(declared: Iterable[str], policy: LicensePolicy) -> Assessment:
    """What the policy says of a component that declares these licences."""
    texts = sorted({text.strip() for text in declared} - NO_ASSERTION)
    if not texts:
        return Assessment(Status.UNKNOWN, "", problem="no licence declared")
    whole = texts[0] if len(texts) == 1 else " AND ".join(f"({text})" for text in texts)
    return _assess_text(whole, policy)


@functools.lru_cache(maxsize=4096)
def _assess_text(text: str, policy: LicensePolicy) -> Assessment:
    if len(text) > MAX_LENGTH:
        return Assessment(Status.UNKNOWN, text[:80] + "...", problem="expression too long")
    expression = _parse(spdx_for(text) or text)
    if isinstance(expression, str) or expression is None:
        problem = expression or "empty licence"
        return Assessment(Status.UNKNOWN, text, problem=f"not an SPDX expression: {problem}")
    rendered = str(expression)
    if rendered in policy.denied:
        return Assessment(Status.DENIED, rendered, (rendered,))
    if rendered in policy.allowed:
        return Assessment(Status.OK, rendered)
    alternatives = _alternatives(expression)
    if alternatives is None:
        return Assessment(Status.UNKNOWN, rendered, problem="too many alternatives to evaluate")
    return _best(rendered, alternatives, policy)


def _best(rendered: str, alternatives: list[frozenset[str]], policy: LicensePolicy) -> Assessment:
    graded = [{term: _term_status(term, policy) for term in terms} for terms in alternatives]
    status = min(max(grades.values(), default=Status.OK) for grades in graded)
    if status is Status.OK:
        return Assessment(Status.OK, rendered)
    culprits = {term for grades in graded for term, grade in grades.items() if grade == status}
    problem = "not an SPDX licence nor named by the policy" if status is Status.UNKNOWN else ""
    return Assessment(status, rendered, tuple(sorted(culprits)), problem)


def _term_status(term: str, policy: LicensePolicy) -> Status:
    """One licence ("MIT", "GPL-2.0-only WITH Classpath-exception-2.0") under the policy.
    Allowing a licence allows it with any exception; denying it denies it with any
    exception unless that exact pair is allowed."""
    base = term.split(" WITH ", 1)[0]
    if term in policy.denied or (base in policy.denied and term not in policy.allowed):
        return Status.DENIED
    named = term in policy.allowed or base in policy.allowed
    if not named and not all(_listed(part) for part in term.split(" WITH ")):
        return Status.UNKNOWN
    if policy.has_allowlist and not named:
        return Status.NOT_ALLOWED
    return Status.OK


def _parse(text: str) -> Any:
    """The parsed expression, None for empty text, or the parser's complaint (a str)."""
    try:
        return _licensing().parse(text, validate=False)
    except (ExpressionError, ParseError) as exc:
        return str(exc)


def _listed(key: str) -> bool:
    return key in _licensing().known_symbols


def _known(key: str) -> bool:
    return _listed(key) or key.startswith(REF_PREFIXES)


def _alternatives(expression: Any) -> list[frozenset[str]] | None:
    """The expression as a list of alternatives, each the set of licences it needs."""
    licensing = _licensing()
    if isinstance(expression, licensing.OR):
        result: list[frozenset[str]] = []
        for arg in expression.args:
            more = _alternatives(arg)
            if more is None:
                return None
            result += more
        return result if len(result) <= MAX_ALTERNATIVES else None
    if isinstance(expression, licensing.AND):
        product: list[frozenset[str]] = [frozenset()]
        for arg in expression.args:
            more = _alternatives(arg)
            if more is None or len(product) * len(more) > MAX_ALTERNATIVES:
                return None
            product = [left | right for left in product for right in more]
        return product
    return [frozenset({str(expression)})]


# --- findings -----------------------------------------------------------------------------

_IDS = {
    Status.DENIED: "GAR-LIC-DENIED",
    Status.NOT_ALLOWED: "GAR-LIC-NOT-ALLOWED",
    Status.UNKNOWN: "GAR-LIC-UNKNOWN",
}
KIND = "license"
NOTICE_SAMPLE = 5  # components named in the "no licence declared" notice


def license_findings(
    components: Iterable[Component], policy: LicensePolicy, severity: Severity
) -> tuple[list[Finding], list[Notice]]:
    """A finding per component the policy refuses (`severity`), or whose licence is unknown
    when `unknown: fail` (LOW); with `unknown: warn`, notices instead."""
    findings: list[Finding] = []
    notices: list[Notice] = []
    undeclared: list[str] = []
    for component in components:
        assessment = assess(component.licenses, policy)
        if assessment.status is Status.OK:
            continue
        if assessment.status is Status.UNKNOWN and policy.unknown is UnknownLicense.WARN:
            if assessment.expression:
                notices.append(_unknown_notice(component, assessment))
            else:
                undeclared.append(_name(component))
            continue
        level = Severity.LOW if assessment.status is Status.UNKNOWN else severity
        findings.append(_finding(component, assessment, level))
    if undeclared:
        notices.append(_undeclared_notice(undeclared))
    return findings, notices


def _finding(component: Component, assessment: Assessment, severity: Severity) -> Finding:
    terms = ", ".join(assessment.terms)
    summary = {
        Status.DENIED: f"licence {assessment.expression} is denied by the policy ({terms})",
        Status.NOT_ALLOWED: f"licence {assessment.expression} needs licences the policy does "
        f"not allow ({terms})",
        Status.UNKNOWN: f"licence unknown: {_unknown_text(assessment)}",
    }[assessment.status]
    listed = [term.split(" WITH ")[0] for term in assessment.terms]
    return Finding(
        kind=KIND,
        id=_IDS[assessment.status],
        summary=f"{_name(component)}: {summary}",
        severity=severity,
        component=component,
        location=component.location,
        references=tuple(f"https://spdx.org/licenses/{t}.html" for t in listed if _listed(t)),
    )


def _unknown_text(assessment: Assessment) -> str:
    if not assessment.expression:
        return assessment.problem
    return f"{assessment.expression} ({assessment.problem})"


def _unknown_notice(component: Component, assessment: Assessment) -> Notice:
    message = f"{_name(component)}: licence unknown: {_unknown_text(assessment)}"
    return Notice(NoticeKind.UNKNOWN_LICENSE, message, component.purl)


def _undeclared_notice(names: list[str]) -> Notice:
    sample = ", ".join(names[:NOTICE_SAMPLE]) + (", ..." if len(names) > NOTICE_SAMPLE else "")
    message = f"{len(names)} component(s) declare no licence: {sample}"
    return Notice(NoticeKind.UNKNOWN_LICENSE, message)


def _name(component: Component) -> str:
    return f"{component.name} {component.version}" if component.version else component.name
