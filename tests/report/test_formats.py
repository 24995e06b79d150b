"""The FORMATS registry lists every format module, once each."""

from __future__ import annotations

import importlib
import pkgutil

import garrison.report
from garrison.model import ScanResult
from garrison.policy import default_gate
from garrison.report import FORMATS

HELPERS = {"common", "rules", "markdown_text", "html_charts", "sarif_rules", "sarif_limits"}


def test_every_format_module_is_listed_under_its_name() -> None:
    names = {info.name for info in pkgutil.iter_modules(garrison.report.__path__)}
    formats = names - HELPERS
    assert formats == {
        "json_report",
        "table",
        "sarif",
        "junit",
        "markdown",
        "html",
        "cyclonedx_vex",
    }
    listed = {}
    for name in sorted(formats):
        module = importlib.import_module(f"garrison.report.{name}")
        listed[module.NAME] = module.render
    assert listed == FORMATS
    assert sorted(FORMATS) == ["cyclonedx", "html", "json", "junit", "markdown", "sarif", "table"]


def test_every_format_renders_an_empty_scan_the_same_twice() -> None:
    result = ScanResult("t", (), ())
    for name, render in FORMATS.items():
        first = render(result, default_gate(()))
        assert first and first == render(result, default_gate(())), name
