"""The detector registry is explicit, ids are stable slugs, every detector is complete."""

from __future__ import annotations

import pkgutil
import re

from garrison.secrets import detectors
from garrison.secrets.detectors import BY_ID, DETECTORS, MODULES
from tests.secrets.cases import case
from tests.secrets.test_detectors import NEAR_MISSES
from tests.secrets.tokens import TOKENS

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TOOLS = {"gitleaks", "trivy", "detect-secrets"}


def test_there_are_at_least_45_provider_detectors() -> None:
    assert len([d for d in DETECTORS if not d.id.startswith("generic")]) >= 45


def test_ids_are_unique_slugs() -> None:
    ids = [detector.id for detector in DETECTORS]
    assert len(ids) == len(set(ids)) == len(BY_ID)
    assert all(SLUG.fullmatch(identifier) for identifier in ids)


def test_every_detector_module_is_listed_once() -> None:
    names = {info.name for info in pkgutil.iter_modules(detectors.__path__)} - {"base"}
    assert sorted(module.__name__.rsplit(".", 1)[1] for module in MODULES) == sorted(names)


def test_the_generic_detector_comes_last() -> None:
    assert DETECTORS[-1].id == "generic-secret"


def test_every_detector_is_complete() -> None:
    for detector in DETECTORS:
        assert detector.title and detector.remediation and detector.references, detector.id
        assert detector.keywords, detector.id
        assert all(word == word.lower() and word for word in detector.keywords), detector.id
        assert "secret" in detector.pattern.groupindex, detector.id
        assert detector.scope in ("line", "file") and detector.window >= 1, detector.id
        assert detector.confidence in ("high", "medium", "low"), detector.id
        assert {tool for tool, _ in detector.equivalents} <= TOOLS, detector.id


def test_every_detector_has_a_positive_and_a_near_miss_test() -> None:
    ids = set(BY_ID)
    assert set(TOKENS) | {"gcp-service-account"} == ids
    assert set(NEAR_MISSES) == ids


def test_a_keyword_of_each_detector_is_on_its_secrets_line_or_in_its_file() -> None:
    for detector in DETECTORS:
        sample = case(detector.id)
        line = sample.text.splitlines()[sample.line - 1].lower()
        where = sample.text.lower() if detector.scope == "file" else line
        assert any(word in where for word in detector.keywords), detector.id
