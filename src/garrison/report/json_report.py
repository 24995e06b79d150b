"""The JSON report (schema: garrison/schemas/report.schema.json).

`findings` are the open findings (each says whether it blocks, and its fingerprint:
fingerprints.fingerprint_of); `suppressed` the ones the policy set aside, with by what;
`notices` what the policy wants people to see. The summary counts open findings.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from garrison import jsontext
from garrison.fingerprints import fingerprints
from garrison.image.facts import image_age
from garrison.model import Component, Finding, ImageFacts, ScanResult, Severity
from garrison.policy import Suppression, Verdict
from garrison.report.common import generation_time, split, tool_version

NAME = "json"
SCHEMA_ID = "https://garrison.dev/schemas/report-1.json"


def render(result: ScanResult, verdict: Verdict, now: datetime | None = None) -> str:
    return jsontext.dumps(to_document(result, verdict, now))


def to_document(
    result: ScanResult, verdict: Verdict, now: datetime | None = None
) -> dict[str, Any]:
    now = now or generation_time()
    parts = split(result, verdict)
    open_findings = sorted(parts.open, key=_order)
    suppressed = sorted(parts.suppressed, key=lambda s: _order(s.finding))
    prints = fingerprints([*open_findings, *(s.finding for s in suppressed)])
    counts = Counter(f.severity.name for f in open_findings)
    return {
        "$schema": SCHEMA_ID,
        "tool": {"name": "garrison", "version": tool_version()},
        "target": result.target,
        "generated_at": now.isoformat(timespec="seconds"),
        "partial": result.partial,
        "warnings": [
            {"source": w.source, "line": w.line, "gap": w.gap.value, "message": w.message}
            for w in result.warnings
        ],
        "notes": list(result.notes),
        "summary": {
            "components": len(result.components),
            "findings": len(open_findings),
            "by_severity": {s.name: counts.get(s.name, 0) for s in reversed(Severity)},
        },
        "verdict": {"passed": verdict.passed, "reason": verdict.reason},
        "image": _image(result.image, now),
        "findings": [
            _finding(f, prints[i], blocking=parts.is_blocking(f))
            for i, f in enumerate(open_findings)
        ],
        "suppressed": [
            _suppressed(s, prints[len(open_findings) + i]) for i, s in enumerate(suppressed)
        ],
        "notices": [
            {"kind": n.kind.value, "message": n.message, "ref": n.ref} for n in verdict.notices
        ],
    }


def _suppressed(suppression: Suppression, fingerprint: str) -> dict[str, Any]:
    return {
        "finding": _finding(suppression.finding, fingerprint, blocking=False),
        "by": suppression.by.value,
        "ref": suppression.ref,
        "reason": suppression.reason,
        "owner": suppression.owner,
        "expires": suppression.expires,
    }


def _image(facts: ImageFacts | None, now: datetime) -> dict[str, Any] | None:
    if facts is None:
        return None
    age = image_age(facts, now)
    return {
        "reference": facts.reference,
        "digest": facts.digest,
        "config_digest": facts.config_digest,
        "created": facts.created,
        "pushed": facts.pushed,
        "os": facts.os,
        "architecture": facts.architecture,
        "layers": [
            {"digest": layer.digest, "media_type": layer.media_type, "size": layer.size}
            for layer in facts.layers
        ],
        "base": {"name": facts.base_name, "digest": facts.base_digest},
        "age": None if age is None else {"days": age.days, "basis": age.basis, "since": age.since},
    }


def _order(finding: Finding) -> tuple[Any, ...]:
    component = finding.component
    return (
        -finding.severity,
        component.name if component else "",
        component.version or "" if component else "",
        finding.id,
    )


def _finding(finding: Finding, fingerprint: str, *, blocking: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": finding.kind,
        "id": finding.id,
        "aliases": list(finding.aliases),
        "severity": finding.severity.name,
        "cvss_score": finding.cvss_score,
        "cvss_vector": finding.cvss_vector,
        "summary": finding.summary,
        "version_unknown": finding.version_unknown,
        "fixed_versions": list(finding.fixed_versions),
        "references": list(finding.references),
        "location": None,
        "blocking": blocking,
        "fingerprint": fingerprint,
    }
    if finding.location is not None:
        location = finding.location
        document["location"] = {
            "path": location.path,
            "line": location.line,
            "end_line": location.end_line,
            "column": location.column,
        }
    for key in ("preview", "tool", "confidence", "inline_ignore"):
        value = getattr(finding, key)
        if value is not None:
            document[key] = value
    if finding.introduced is not None:
        commit = finding.introduced
        document["introduced"] = {"commit": commit.id, "author": commit.author, "date": commit.date}
    if finding.present_at_head is not None:
        document["present_at_head"] = finding.present_at_head
    if finding.component is not None:
        document["package"] = _package(finding.component)
    return document


def _package(component: Component) -> dict[str, Any]:
    return {
        "ecosystem": component.ecosystem,
        "name": component.name,
        "version": component.version,
        "purl": component.purl,
    }
