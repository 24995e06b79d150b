"""Report formats. Each format module (NAME, render) renders a ScanResult and the gate's
Verdict to text; `FORMATS` lists them all explicitly. Helpers: common (what formats share),
rules (rule help text), markdown_text, html_charts, sarif_rules and sarif_limits."""

from __future__ import annotations

from collections.abc import Callable

from garrison.model import ScanResult
from garrison.policy import Verdict
from garrison.report import cyclonedx_vex, html, json_report, junit, markdown, sarif, table

Renderer = Callable[[ScanResult, Verdict], str]

FORMATS: dict[str, Renderer] = {
    json_report.NAME: json_report.render,
    table.NAME: table.render,
    sarif.NAME: sarif.render,
    junit.NAME: junit.render,
    markdown.NAME: markdown.render,
    html.NAME: html.render,
    cyclonedx_vex.NAME: cyclonedx_vex.render,
}
