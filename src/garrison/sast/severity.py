"""THE one place that turns each analyzer's severity and confidence into garrison's.

Bandit rates every issue twice, severity and confidence (LOW/MEDIUM/HIGH each); a guess
(LOW confidence) is rated one level lower so that it cannot block a build on its own. SARIF
results carry a `level` (error/warning/note/none), and some tools add a numeric
`security-severity` (CVSS-like, 0-10: GitHub's convention) which, when present, wins.
Semgrep is read through its SARIF, where ERROR/WARNING/INFO become error/warning/note; its
confidence comes from a "<LEVEL> CONFIDENCE" rule tag, since its `precision` is constant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from garrison.model import Severity

BANDIT: Mapping[tuple[str, str], Severity] = {
    ("HIGH", "HIGH"): Severity.HIGH,
    ("HIGH", "MEDIUM"): Severity.HIGH,
    ("HIGH", "LOW"): Severity.MEDIUM,
    ("MEDIUM", "HIGH"): Severity.MEDIUM,
    ("MEDIUM", "MEDIUM"): Severity.MEDIUM,
    ("MEDIUM", "LOW"): Severity.LOW,
    ("LOW", "HIGH"): Severity.LOW,
    ("LOW", "MEDIUM"): Severity.LOW,
    ("LOW", "LOW"): Severity.LOW,
}

SARIF_LEVELS: Mapping[str, Severity] = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.LOW,  # informational; a `kind` other than "fail" is dropped before this
}
SARIF_DEFAULT_LEVEL = (
    "warning"  # SARIF 2.1.0 §3.27.10: the level when neither result nor rule sets it
)

CONFIDENCE_WORDS: Mapping[str, str] = {
    "very-high": "high",
    "high": "high",
    "medium": "medium",
    "low": "low",
}


def bandit_rating(severity: str, confidence: str) -> tuple[Severity, str | None]:
    """Bandit's (issue_severity, issue_confidence) -> (Severity, confidence label)."""
    key = (severity.upper(), confidence.upper())
    rating = BANDIT.get(key, Severity.from_label(severity))
    return rating, confidence_label(confidence)


def confidence_label(text: str | None) -> str | None:
    """'HIGH', 'very-high', 'Medium' -> 'high'/'medium'/'low'; anything else -> None."""
    if not isinstance(text, str):
        return None
    return CONFIDENCE_WORDS.get(text.strip().lower())


def sarif_rating(
    level: str | None,
    security_severity: Any = None,
    result_properties: Mapping[str, Any] | None = None,
) -> Severity:
    """A SARIF result's Severity: Bandit's own SARIF properties, else the numeric
    security-severity, else the level (result's, else the rule's default, else warning)."""
    properties = result_properties or {}
    bandit = _bandit_properties(properties)
    if bandit is not None:
        return bandit_rating(*bandit)[0]
    score = _score(security_severity)
    if score is not None:
        return Severity.from_score(score)
    return SARIF_LEVELS[level or SARIF_DEFAULT_LEVEL]


def sarif_confidence(
    tool: str,
    tags: Sequence[str],
    precision: Any = None,
    result_properties: Mapping[str, Any] | None = None,
) -> str | None:
    """A SARIF result's confidence: Bandit's `issue_confidence`, a result `confidence`, a
    '<LEVEL> CONFIDENCE' tag (Semgrep), else the rule's `precision` (CodeQL, gosec)."""
    properties = result_properties or {}
    bandit = _bandit_properties(properties)
    if bandit is not None:
        return bandit_rating(*bandit)[1]
    label = confidence_label(properties.get("confidence"))
    if label is not None:
        return label
    for tag in tags:
        word, _, rest = tag.strip().partition(" ")
        if rest.upper() == "CONFIDENCE" and confidence_label(word):
            return confidence_label(word)
    if tool == "semgrep":
        return None  # Semgrep writes precision "very-high" for every rule
    return confidence_label(precision)


def _bandit_properties(properties: Mapping[str, Any]) -> tuple[str, str] | None:
    severity, confidence = properties.get("issue_severity"), properties.get("issue_confidence")
    if not isinstance(severity, str) or not isinstance(confidence, str):
        return None
    return (severity, confidence) if (severity.upper(), confidence.upper()) in BANDIT else None


def _score(value: Any) -> float | None:
    """A security-severity as a float in (0, 10], or None (absent, not a number, out of range,
    or 0: "no security severity", so the level decides)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        score = float(value)
    except ValueError:
        return None
    return score if 0.0 < score <= 10.0 else None
