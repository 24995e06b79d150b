"""Report formats. Each module renders a ScanResult and a Verdict to text."""

from __future__ import annotations

from collections.abc import Callable

from garrison.model import ScanResult
from garrison.policy import Verdict
from garrison.report import json_report, table

Renderer = Callable[[ScanResult, Verdict], str]

FORMATS: dict[str, Renderer] = {
    json_report.NAME: json_report.render,
    table.NAME: table.render,
}
