"""Stable finding identities that survive line shifts (pure).

Reports (SARIF `partialFingerprints`, JSON) and the policy engine's baseline share these.
A finding that brings its own fingerprint (secrets: a salted hash of detector and secret;
SAST: a hash of tool, rule, path and code) keeps it. Any other finding is identified by a
hash of its kind, id, file and package (purl, or ecosystem/name/version), never its line.
Findings alike in all of these (the same check failing twice in one manifest) are told apart
by their `occurrence`: their 0-based rank among those alike, ordered by position in the file.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence

from garrison.model import Finding

PREFIX = "gfp1:"
_DIGITS = 32  # hex digits of the sha256 kept


def fingerprint_of(finding: Finding, occurrence: int = 0) -> str:
    """`finding.fingerprint` when set; else "gfp1:" + 32 hex digits of a sha256 of its
    identity (and of `occurrence` when it is not the first finding alike in its file)."""
    if finding.fingerprint:
        return finding.fingerprint
    identity = _identity(finding)
    if occurrence:
        identity.append(occurrence)
    canonical = json.dumps(identity, ensure_ascii=False, separators=(",", ":"))
    return PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:_DIGITS]


def fingerprints(findings: Sequence[Finding]) -> dict[int, str]:
    """The fingerprint of each finding, by its index in `findings`; findings alike (same
    kind, id, path and package) are numbered in order of line, column and end line."""
    alike: dict[str, list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        if not finding.fingerprint:
            alike[json.dumps(_identity(finding))].append(index)
    result: dict[int, str] = {}
    for indexes in alike.values():
        ordered = sorted(indexes, key=lambda i: (_position(findings[i]), i))
        for occurrence, index in enumerate(ordered):
            result[index] = fingerprint_of(findings[index], occurrence)
    for index, finding in enumerate(findings):
        if finding.fingerprint:
            result[index] = finding.fingerprint
    return dict(sorted(result.items()))


def _identity(finding: Finding) -> list[str | int]:
    """kind, id, path and package of a finding: what stays when lines move."""
    location = finding.location
    component = finding.component
    if location is None and component is not None:
        location = component.location
    path = location.path.replace("\\", "/") if location else ""
    package = ""
    if component is not None:
        package = component.purl or (
            f"{component.ecosystem}/{component.name}@{component.version or ''}"
        )
    return [finding.kind, finding.id, path, package]


def _position(finding: Finding) -> tuple[int, int, int]:
    location = finding.location
    if location is None:
        return (0, 0, 0)
    return (location.line or 0, location.column or 0, location.end_line or 0)
