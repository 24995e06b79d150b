"""Every report test runs with a pinned tool version and generation time (SOURCE_DATE_EPOCH),
and with fixed stand-ins for the check registry and the secret detectors, so that golden files
change only when a report changes (tests/report/test_rules.py covers the real sources)."""

from __future__ import annotations

import pytest

import garrison
from tests.report.cases import EPOCH, TOOL_VERSION


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(garrison, "__version__", TOOL_VERSION)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def stand_in_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule text from fixed stand-ins instead of the built-in checks and secret detectors."""
    from garrison.report import rules
    from tests.report.cases import STAND_IN_CHECKS, STAND_IN_DETECTORS

    monkeypatch.setattr(rules, "_checks", lambda: STAND_IN_CHECKS)
    monkeypatch.setattr(rules, "_detectors", lambda: STAND_IN_DETECTORS)
