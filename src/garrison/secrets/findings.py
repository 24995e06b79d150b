"""A secret hit as a Finding: location, redacted preview and fingerprint — never the secret."""

from __future__ import annotations

from garrison.model import Finding, Location
from garrison.secrets.detect import SecretHit
from garrison.secrets.fingerprint import DEFAULT_SALT, fingerprint

KIND = "secret"


def to_finding(hit: SecretHit, path: str, salt: str = DEFAULT_SALT) -> Finding:
    """Finding(kind="secret", id=detector id, summary=title, severity, location (path, line,
    end line, column), fingerprint, preview, references, confidence)."""
    detector = hit.detector
    return Finding(
        kind=KIND,
        id=detector.id,
        summary=detector.title,
        severity=detector.severity,
        location=Location(path, hit.line, hit.end_line, hit.column),
        references=detector.references,
        fingerprint=fingerprint(detector.id, hit.secret, salt),
        preview=hit.preview,
        confidence=detector.confidence,
        inline_ignore="" if hit.ignored else None,
    )
