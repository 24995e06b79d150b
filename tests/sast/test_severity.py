"""The one severity and confidence mapping, as a table."""

from __future__ import annotations

import pytest

from garrison.model import Severity
from garrison.sast.severity import (
    bandit_rating,
    confidence_label,
    sarif_confidence,
    sarif_rating,
)

H, M, L = "HIGH", "MEDIUM", "LOW"


@pytest.mark.parametrize(
    ("severity", "confidence", "expected"),
    [
        (H, H, (Severity.HIGH, "high")),
        (H, M, (Severity.HIGH, "medium")),
        (H, L, (Severity.MEDIUM, "low")),  # a guess is one level lower
        (M, H, (Severity.MEDIUM, "high")),
        (M, M, (Severity.MEDIUM, "medium")),
        (M, L, (Severity.LOW, "low")),
        (L, H, (Severity.LOW, "high")),
        (L, M, (Severity.LOW, "medium")),
        (L, L, (Severity.LOW, "low")),
        ("high", "high", (Severity.HIGH, "high")),
        ("UNDEFINED", "UNDEFINED", (Severity.UNKNOWN, None)),
    ],
)
def test_bandit(severity: str, confidence: str, expected: tuple[Severity, str | None]) -> None:
    assert bandit_rating(severity, confidence) == expected


@pytest.mark.parametrize(
    ("level", "security", "expected"),
    [
        ("error", None, Severity.HIGH),
        ("warning", None, Severity.MEDIUM),
        ("note", None, Severity.LOW),
        ("none", None, Severity.LOW),
        (None, None, Severity.MEDIUM),  # SARIF's default level is "warning"
        ("note", "9.0", Severity.CRITICAL),  # a numeric security-severity wins
        ("note", "8.9", Severity.HIGH),
        ("error", "7.0", Severity.HIGH),
        ("error", "6.9", Severity.MEDIUM),
        ("error", "4.0", Severity.MEDIUM),
        ("error", "3.9", Severity.LOW),
        ("error", "0.1", Severity.LOW),
        ("error", 9.8, Severity.CRITICAL),
        ("error", "0.0", Severity.HIGH),  # 0: no security severity, the level decides
        ("warning", "high", Severity.MEDIUM),  # not a number
        ("warning", "11", Severity.MEDIUM),  # out of range
        ("warning", "nan", Severity.MEDIUM),
        ("warning", True, Severity.MEDIUM),
    ],
)
def test_sarif_levels_and_security_severity(
    level: str | None, security: object, expected: Severity
) -> None:
    assert sarif_rating(level, security) == expected


def test_bandit_sarif_properties_map_like_bandit_itself() -> None:
    properties = {"issue_severity": "HIGH", "issue_confidence": "LOW"}
    assert sarif_rating("error", None, properties) == Severity.MEDIUM
    assert sarif_confidence("bandit", [], "low", properties) == "low"
    odd = {"issue_severity": "SEVERE", "issue_confidence": "HIGH"}
    assert sarif_rating("error", None, odd) == Severity.HIGH  # not Bandit's words: the level


@pytest.mark.parametrize(
    ("tool", "tags", "precision", "properties", "expected"),
    [
        ("CodeQL", ["security"], "very-high", {}, "high"),
        ("CodeQL", ["security"], "high", {}, "high"),
        ("gosec", ["security", "HIGH"], "medium", {}, "medium"),
        ("CodeQL", [], "low", {}, "low"),
        ("CodeQL", [], None, {}, None),
        ("semgrep", ["LOW CONFIDENCE", "security"], "very-high", {}, "low"),
        ("semgrep", ["security"], "very-high", {}, None),  # Semgrep's precision says nothing
        ("tool", [], "high", {"confidence": "Medium"}, "medium"),
    ],
)
def test_sarif_confidence(
    tool: str, tags: list[str], precision: str | None, properties: dict[str, str], expected: str
) -> None:
    assert sarif_confidence(tool, tags, precision, properties) == expected


def test_confidence_labels() -> None:
    assert [confidence_label(x) for x in ("HIGH", "very-high", " Medium ", "low", "x", None)] == [
        "high",
        "high",
        "medium",
        "low",
        None,
        None,
    ]
