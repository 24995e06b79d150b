"""The analyzer registry is explicit: every analyzer module listed once, names unique."""

from __future__ import annotations

import importlib
import pkgutil

from garrison import sast

NOT_ANALYZERS = {
    "base",
    "findings",
    "fingerprint",
    "ignore",
    "sarif_map",
    "sarif_model",
    "sarif_paths",
    "severity",
    "sources",
}


def test_analyzer_names_are_unique() -> None:
    names = [analyzer.NAME for analyzer in sast.ANALYZERS]
    assert names == ["bandit", "semgrep", "sarif"]


def test_every_analyzer_module_is_listed() -> None:
    found = set()
    for info in pkgutil.iter_modules(sast.__path__):
        module = importlib.import_module(f"garrison.sast.{info.name}")
        if hasattr(module, "run") and hasattr(module, "NAME"):
            found.add(module.__name__)
        else:
            assert info.name in NOT_ANALYZERS, f"{info.name}: neither an analyzer nor a helper"
    assert found == {analyzer.__name__ for analyzer in sast.ANALYZERS}


def test_every_analyzer_has_the_interface() -> None:
    for analyzer in sast.ANALYZERS:
        assert isinstance(analyzer.NAME, str) and analyzer.NAME
        assert callable(analyzer.run)
