"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one run, one rule per
finding id, one result per finding (suppressed ones too, marked), the policy's notices and the
scan's warnings as tool execution notifications.

Paths are relative to the scanned target (`uriBaseId` %SRCROOT%), posix and percent-encoded;
a region is given only when a line is known. Each result's `partialFingerprints` holds
`garrison/v1`: fingerprints.fingerprint_of. Over GitHub's limits (25,000 results a run, 1,000
locations a result) findings are merged, then the least severe are left out, and a
notification says how many: nothing is dropped silently (see sarif_limits).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from garrison.fingerprints import fingerprints
from garrison.model import Finding, Location, ScanResult, Severity
from garrison.policy import Notice, NoticeKind, SuppressedBy, Suppression, Verdict
from garrison.report.common import generation_time, package_label, split, tool_version
from garrison.report.sarif_limits import MAX_LOCATIONS, MAX_RESULTS, Item, fit
from garrison.report.sarif_rules import rules_of

NAME = "sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://garrison.dev"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "garrison/v1"
_DICT_DEPTH = 4  # document > runs > run > tool > driver
_LIST_DEPTH = 5  # driver.rules

_NOTICE_LEVEL = {NoticeKind.EXPIRED: "warning", NoticeKind.STALE: "warning"}


def render(
    result: ScanResult,
    verdict: Verdict,
    now: datetime | None = None,
    *,
    max_results: int = MAX_RESULTS,
    max_locations: int = MAX_LOCATIONS,
) -> str:
    return dumps(to_document(result, verdict, now, max_results, max_locations))


def dumps(document: dict[str, Any]) -> str:
    """SARIF text that diffs well: the run, tool and driver indented; each rule, result and
    notification on one line (written by the C encoder, as jsontext does)."""
    return _value(document, 0) + "\n"


def _value(value: Any, depth: int) -> str:
    pad = "  " * (depth + 1)
    if isinstance(value, dict) and value and depth <= _DICT_DEPTH:
        items = [f"{pad}{_compact(k)}: {_value(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list) and value and depth <= _LIST_DEPTH:
        inner = depth + 1 if depth < 2 else None
        items = [f"{pad}{_value(v, inner) if inner else _compact(v)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return _compact(value)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def to_document(
    result: ScanResult,
    verdict: Verdict,
    now: datetime | None = None,
    max_results: int = MAX_RESULTS,
    max_locations: int = MAX_LOCATIONS,
) -> dict[str, Any]:
    items = _items(result, verdict)
    groups, limit_notes = fit(items, max_results, max_locations)
    rules, index = rules_of([item.finding for item in items])
    notifications = [_notice(n) for n in verdict.notices]
    notifications += [_warning(w.source, w.line, f"{w.message} ({w.gap})") for w in result.warnings]
    notifications += [_note(text) for text in (*result.notes, *limit_notes)]
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "endTimeUtc": (now or generation_time()).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    driver = {"name": "garrison", "version": tool_version(), "semanticVersion": tool_version(),
              "informationUri": INFORMATION_URI, "rules": rules}  # fmt: skip
    run = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": f"The scanned target: {result.target}"}}
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(group, index, max_locations) for group in groups],
        "properties": {
            "target": result.target,
            "partial": result.partial,
            "verdict": {"passed": verdict.passed, "reason": verdict.reason},
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _items(result: ScanResult, verdict: Verdict) -> list[Item]:
    """Every open and suppressed finding with its fingerprint, most severe first."""
    parts = split(result, verdict)
    findings = [*parts.open, *(s.finding for s in parts.suppressed)]
    prints = fingerprints(findings)
    opened = [Item(f, prints[i], parts.is_blocking(f), None) for i, f in enumerate(parts.open)]
    offset = len(parts.open)
    closed = [Item(s.finding, prints[offset + i], False, s) for i, s in enumerate(parts.suppressed)]
    return opened + closed


def _result(group: list[Item], index: dict[str, int], max_locations: int) -> dict[str, Any]:
    first = group[0]
    finding = first.finding
    text = message_text(finding)
    extra = group[1:]
    listed = extra[: max(0, max_locations - 1)]  # the first place is `locations`
    if extra:
        text += f" ({len(extra)} more place(s) in this file"
        unlisted = len(extra) - len(listed)
        text += f"; {unlisted} not listed)" if unlisted else ")"
    entry: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": index[finding.id],
        "level": "error" if first.blocking else level_of(finding.severity),
        "message": {"text": text},
    }
    location = _location_of(finding)
    if location is not None:
        entry["locations"] = [_physical(location)]
    related = [_related(n, i.finding) for n, i in enumerate(listed, 1)]
    if related := [r for r in related if r is not None]:
        entry["relatedLocations"] = related
    entry["partialFingerprints"] = {FINGERPRINT_KEY: first.fingerprint}
    if first.suppression is not None:
        entry["suppressions"] = [_suppression(first.suppression)]
    return entry


def level_of(severity: Severity) -> str:
    """The level of a finding that does not block: warning from MEDIUM up, else note."""
    return "warning" if severity >= Severity.MEDIUM else "note"


def message_text(finding: Finding) -> str:
    """One sentence: what is wrong, and for a package how to fix it."""
    component = finding.component
    if finding.kind != "vulnerability" or component is None:
        text = finding.summary or finding.id
        return f"{text} [{finding.tool}]" if finding.tool else text
    aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
    text = f"{package_label(component)} ({component.ecosystem}) is affected by {finding.id}"
    text += f"{aliases}: {finding.summary or 'no summary'}."
    if finding.fixed_versions:
        return text + f" Fixed in: {', '.join(finding.fixed_versions)}."
    return text + " No fixed version is known."


def _location_of(finding: Finding) -> Location | None:
    location = finding.location
    if location is None and finding.component is not None:
        location = finding.component.location
    return location if location is not None and location.path else None


def artifact_uri(path: str) -> str:
    """A path relative to the target as a relative, percent-encoded posix URI."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix.lstrip("/"), safe="/")


def _physical(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(location.path), "uriBaseId": SRCROOT}
    }
    if location.line is not None and location.line >= 1:
        region: dict[str, int] = {"startLine": location.line}
        if location.column is not None and location.column >= 1:
            region["startColumn"] = location.column
        if location.end_line is not None and location.end_line >= location.line:
            region["endLine"] = location.end_line
        physical["region"] = region
    return {"physicalLocation": physical}


def _related(number: int, finding: Finding) -> dict[str, Any] | None:
    location = _location_of(finding)
    if location is None:
        return None
    return {"id": number, **_physical(location), "message": {"text": message_text(finding)}}


def _suppression(suppression: Suppression) -> dict[str, Any]:
    by = suppression.by
    parts = [f"{by.value} {suppression.ref}".strip(), suppression.reason]
    if suppression.owner:
        parts.append(f"owner {suppression.owner}")
    if suppression.expires:
        parts.append(f"expires {suppression.expires}")
    return {
        "kind": "inSource" if by is SuppressedBy.INLINE else "external",
        "status": "accepted",
        "justification": "; ".join(p for p in parts if p),
    }


def _notice(notice: Notice) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "level": _NOTICE_LEVEL.get(notice.kind, "note"),
        "message": {"text": notice.message},
        "properties": {"kind": notice.kind.value},
    }
    if notice.ref:
        entry["properties"]["ref"] = notice.ref
    return entry


def _warning(source: str, line: int | None, text: str) -> dict[str, Any]:
    """A scan warning; its source is not always a file (a package may be named)."""
    where = f"{source}:{line}" if line else source
    return {"level": "warning", "message": {"text": f"{where}: {text}"}}


def _note(text: str) -> dict[str, Any]:
    return {"level": "note", "message": {"text": text}}
