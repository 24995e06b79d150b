"""The help text of a finding's rule, in one place for every report (pure but for the lazy
loads): title, description, remediation, help link, references and tags.

It comes from the finding itself, enriched for misconfiguration ids from the built-in check
registry and for secret ids from the secret detectors (when that package is present).
Vulnerability, end-of-life, SAST and licence findings carry their own text.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any

from garrison.model import Finding

OSV_URL = "https://osv.dev/vulnerability/"


@dataclass(frozen=True, slots=True)
class RuleText:
    title: str
    description: str
    remediation: str
    help_uri: str | None
    references: tuple[str, ...]
    tags: tuple[str, ...]  # the kind, frameworks (PSS-baseline, CIS...) and CWE ids


def describe(finding: Finding) -> RuleText:
    """The rule text of `finding`'s id."""
    if finding.kind == "misconfiguration":
        check = _checks().get(finding.id)
        if check is not None:
            return _from_check(finding, check)
    if finding.kind == "secret":
        detector = _detectors().get(finding.id)
        if detector is not None:
            return _from_detector(finding, detector)
    if finding.kind == "vulnerability":
        return _vulnerability(finding)
    return _own_text(finding)


def cwe_ids(finding: Finding) -> tuple[str, ...]:
    """The CWE ids among a finding's aliases ("CWE-78"), in order."""
    return tuple(a for a in finding.aliases if a.upper().startswith("CWE-"))


def _tags(finding: Finding, frameworks: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(dict.fromkeys(("security", finding.kind, *frameworks, *cwe_ids(finding))))


def _first_url(references: tuple[str, ...]) -> str | None:
    return next((r for r in references if r.startswith(("https://", "http://"))), None)


def _from_check(finding: Finding, check: Any) -> RuleText:
    references = tuple(check.references) or finding.references
    return RuleText(
        title=check.title,
        description=check.description,
        remediation=check.remediation,
        help_uri=_first_url(references),
        references=references,
        tags=_tags(finding, tuple(check.frameworks)),
    )


def _from_detector(finding: Finding, detector: Any) -> RuleText:
    references = tuple(getattr(detector, "references", ())) or finding.references
    title = str(getattr(detector, "title", "") or finding.summary)
    return RuleText(
        title=title,
        description=f"{title}: a credential committed to the repository.",
        remediation=str(getattr(detector, "remediation", "") or _SECRET_REMEDIATION),
        help_uri=_first_url(references),
        references=references,
        tags=_tags(finding),
    )


_SECRET_REMEDIATION = (
    "Revoke the credential at its issuer, replace it, and remove it from the code and the "
    "history; load secrets from the environment or a secret manager."
)


def _vulnerability(finding: Finding) -> RuleText:
    names = ", ".join((finding.id, *finding.aliases))
    description = f"{finding.summary} ({names})" if finding.summary else names
    if finding.fixed_versions:
        remediation = f"Upgrade to a fixed version: {', '.join(finding.fixed_versions)}."
    else:
        remediation = "No fixed version is known: remove the package, replace it or mitigate."
    help_uri = OSV_URL + finding.id
    return RuleText(
        title=finding.summary or finding.id,
        description=description,
        remediation=remediation,
        help_uri=help_uri,
        references=finding.references,
        tags=_tags(finding),
    )


_REMEDIATION = {
    "end-of-life": "Move to a release that is still supported.",
    "license": "Replace the package, or have its licence approved in the policy.",
    "sast": "Review the code the finding points at and fix the pattern it names.",
    "secret": _SECRET_REMEDIATION,
}


def _own_text(finding: Finding) -> RuleText:
    return RuleText(
        title=finding.summary or finding.id,
        description=finding.summary or finding.id,
        remediation=_REMEDIATION.get(finding.kind, "See the references."),
        help_uri=_first_url(finding.references),
        references=finding.references,
        tags=_tags(finding),
    )


@functools.cache
def _checks() -> dict[str, Any]:
    """The built-in misconfiguration checks by id, loaded once on first use."""
    from garrison.iac.registry import builtin_checks

    return {check.id: check for check in builtin_checks()}


@functools.cache
def _detectors() -> dict[str, Any]:
    """The secret detectors by id, or none when garrison.secrets.detectors is absent."""
    try:
        module = importlib.import_module("garrison.secrets.detectors")
    except ImportError:
        return {}
    return {detector.id: detector for detector in getattr(module, "DETECTORS", ())}
