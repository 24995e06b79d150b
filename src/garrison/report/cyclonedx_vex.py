"""CycloneDX 1.6 JSON with the scan's vulnerabilities and their analysis (VEX).

The components, metadata and graph are sbom.cyclonedx_out's (the same bom-refs); a
`vulnerabilities` array adds one entry per vulnerability finding and affected component:
ids and sources, ratings, CWEs, description, advisories, the recommendation and an
`analysis`. Open findings are `in_triage` (garrison matched versions; nobody has judged
exploitability yet); findings a VEX statement or a policy exception set aside are
`not_affected` with the justification (when it is one CycloneDX knows) and the detail;
findings in the baseline or ignored inline stay `in_triage`, with the detail saying so.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from garrison import jsontext
from garrison.model import Component, Finding, Inventory, ScanResult
from garrison.policy import SuppressedBy, Suppression, Verdict
from garrison.report.common import Split, generation_time, split, tool_version
from garrison.report.rules import cwe_ids

NAME = "cyclonedx"
_SOURCES = {
    "CVE": ("NVD", "https://nvd.nist.gov/vuln/detail/"),
    "GHSA": ("GitHub", "https://github.com/advisories/"),
}
_OSV = ("OSV", "https://osv.dev/vulnerability/")
_METHODS = (("CVSS:4.0/", "CVSSv4"), ("CVSS:3.1/", "CVSSv31"), ("CVSS:3.0/", "CVSSv3"))
# CycloneDX justifications, and the OpenVEX ones mapped onto them.
JUSTIFICATIONS = {
    **{name: name for name in (
        "code_not_present", "code_not_reachable", "requires_configuration",
        "requires_dependency", "requires_environment", "protected_by_compiler",
        "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
    )},
    "component_not_present": "code_not_present",
    "vulnerable_code_not_present": "code_not_present",
    "vulnerable_code_not_in_execute_path": "code_not_reachable",
    "vulnerable_code_cannot_be_controlled_by_adversary": "requires_environment",
    "inline_mitigations_already_exist": "protected_by_mitigating_control",
}  # fmt: skip


def render(result: ScanResult, verdict: Verdict, now: datetime | None = None) -> str:
    from garrison.sbom.cyclonedx_out import bom_document  # the licence library loads lazily

    parts = split(result, verdict)
    inventory = _inventory(result, parts)
    timestamp = now or generation_time()
    document, layout = bom_document(inventory, tool_version=tool_version(), timestamp=timestamp)
    refs: dict[Component, str] = {}
    for ref, component in layout.entries:
        refs.setdefault(component, ref)
        refs.setdefault(replace(component, purl=None), ref)  # the writer may have built it
    vulnerabilities = vulnerability_entries(parts, refs)
    canonical = json.dumps(vulnerabilities, sort_keys=True, separators=(",", ":"))
    document["serialNumber"] = f"urn:uuid:{uuid.uuid5(layout.content_id, canonical)}"
    document["vulnerabilities"] = vulnerabilities
    return jsontext.dumps(document)


def _inventory(result: ScanResult, parts: Split) -> Inventory:
    """The result's components, and any a finding names that the result lacks."""
    known = set(result.components)
    findings = (*parts.open, *(s.finding for s in parts.suppressed))
    extra = {f.component: None for f in findings if f.component and f.component not in known}
    components = (*result.components, *extra)
    return Inventory(result.target, components, (), result.warnings, result.image)


def vulnerability_entries(parts: Split, refs: dict[Component, str]) -> list[dict[str, Any]]:
    """One entry per vulnerability finding with a component, by id then bom-ref."""
    entries: list[tuple[str, str, dict[str, Any]]] = []
    for finding, suppression in [(f, None) for f in parts.open] + [
        (s.finding, s) for s in parts.suppressed
    ]:
        if finding.kind != "vulnerability" or finding.component is None:
            continue
        ref = refs[finding.component]
        entries.append((finding.id, ref, _entry(finding, ref, suppression, parts)))
    return [entry for _, _, entry in sorted(entries, key=lambda item: item[:2])]


def _entry(
    finding: Finding, ref: str, suppression: Suppression | None, parts: Split
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": finding.id, "source": source_of(finding.id)}
    references = [a for a in finding.aliases if a not in cwe_ids(finding)]
    if references:
        entry["references"] = [{"id": a, "source": source_of(a)} for a in references]
    entry["ratings"] = [_rating(finding)]
    cwes = [int(c[4:]) for c in cwe_ids(finding) if c[4:].isdigit()]
    if cwes:
        entry["cwes"] = cwes
    if finding.summary:
        entry["description"] = finding.summary
    if finding.fixed_versions:
        entry["recommendation"] = f"Upgrade to {', '.join(finding.fixed_versions)}."
    advisories = [r for r in finding.references if r.startswith(("https://", "http://"))]
    if advisories:
        entry["advisories"] = [{"url": url} for url in advisories]
    analysis = _analysis(finding, suppression, parts)
    entry["analysis"] = analysis
    entry["affects"] = [{"ref": ref, **_versions(finding, analysis["state"])}]
    return entry


def source_of(ident: str) -> dict[str, str]:
    """The database an id belongs to: NVD for CVEs, GitHub for GHSAs, else OSV."""
    name, url = _SOURCES.get(ident.split("-", 1)[0].upper(), _OSV)
    return {"name": name, "url": url + ident}


def _rating(finding: Finding) -> dict[str, Any]:
    rating: dict[str, Any] = {"source": source_of(finding.id)}
    if finding.cvss_score is not None:
        rating["score"] = finding.cvss_score
    rating["severity"] = finding.severity.name.lower()
    vector = finding.cvss_vector
    rating["method"] = method_of(vector)
    if vector:
        rating["vector"] = vector
    return rating


def method_of(vector: str | None) -> str:
    """The CycloneDX rating method of a CVSS vector ("other" without one)."""
    if not vector:
        return "other"
    for prefix, method in _METHODS:
        if vector.startswith(prefix):
            return method
    return "CVSSv2" if vector.startswith("AV:") else "other"


def _analysis(finding: Finding, suppression: Suppression | None, parts: Split) -> dict[str, Any]:
    if suppression is None:
        gate = "blocks the policy gate" if parts.is_blocking(finding) else "does not block"
        analysis: dict[str, Any] = {"state": "in_triage", "detail": f"Open: {gate}."}
        if finding.fixed_versions:
            analysis["response"] = ["update"]
        return analysis
    detail = f"{suppression.by.value} {suppression.ref}: {suppression.reason}"
    terms = [f"owner {suppression.owner}" if suppression.owner else "",
             f"expires {suppression.expires}" if suppression.expires else ""]  # fmt: skip
    if any(terms):
        detail += f" ({', '.join(t for t in terms if t)})"
    if suppression.by in (SuppressedBy.VEX, SuppressedBy.EXCEPTION):
        analysis = {"state": "not_affected"}
        justification = JUSTIFICATIONS.get(suppression.reason.strip().lower())
        if justification:
            analysis["justification"] = justification
        return {**analysis, "detail": detail}
    return {"state": "in_triage", "detail": f"Suppressed by {detail}"}


def _versions(finding: Finding, state: str) -> dict[str, Any]:
    version = finding.component.version if finding.component else None
    if not version:
        return {}
    status = "unaffected" if state == "not_affected" else "affected"
    if finding.version_unknown and status == "affected":
        status = "unknown"
    return {"versions": [{"version": version, "status": status}]}
