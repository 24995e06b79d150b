"""The HTML report. Golden file: tests/data/report/golden/report.html."""

from __future__ import annotations

import fnmatch
import importlib.resources
import re
import tomllib
from html.parser import HTMLParser

import pytest

from garrison.model import Component, Finding, Location, ScanResult, Severity
from garrison.policy import SuppressedBy, Suppression, Verdict, default_gate
from garrison.report import FORMATS, html
from garrison.report.html_charts import bar_chart
from tests.conftest import REPO
from tests.report.cases import AWS_KEY_ID, check_golden, mixed_result, mixed_verdict

SCRIPT = "<script>alert(1)</script>"


class Tags(HTMLParser):
    """Every start tag with its attributes; the page must parse."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser.tags


@pytest.mark.usefixtures("stand_in_rules")
def test_golden() -> None:
    text = FORMATS["html"](mixed_result(), mixed_verdict())
    assert AWS_KEY_ID not in text
    check_golden("report.html", text)


@pytest.mark.usefixtures("stand_in_rules")
def test_self_contained() -> None:
    text = html.render(mixed_result(), mixed_verdict())
    tags = tags_of(text)
    names = [tag for tag, _ in tags]
    assert names.count("script") == 1 and names.count("style") == 1
    assert "link" not in names and "img" not in names and "iframe" not in names
    assert all("src" not in attrs for _, attrs in tags)
    assert "@import" not in text and "url(" not in text and "@font-face" not in text
    assert names.count("svg") == 3  # severity, scanner, top packages
    links = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert all(str(link).startswith("https://") for link in links)


def test_summaries_and_names_are_escaped() -> None:
    component = Component("npm", SCRIPT, "1", None, Location("package-lock.json"))
    finding = Finding("vulnerability", "V-1", SCRIPT, Severity.HIGH, component,
                      component.location, preview=SCRIPT)  # fmt: skip
    check = Finding("misconfiguration", "X-1", "x", Severity.LOW, location=Location(SCRIPT, 1, 1))
    suppressed = Suppression(check, SuppressedBy.EXCEPTION, SCRIPT, SCRIPT, SCRIPT)
    verdict = Verdict(False, SCRIPT, (finding,), (suppressed,))
    text = html.render(ScanResult(SCRIPT, (component,), (finding, check)), verdict)
    assert SCRIPT not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert [tag for tag, _ in tags_of(text)].count("script") == 1  # only ours


def test_chart_labels_are_escaped_and_bars_scaled() -> None:
    chart = str(bar_chart("t<", [("a<b>", 4, None), ("c", 2, "#123456")]))
    assert "<b>" not in chart and "a&lt;b&gt;" in chart
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', chart)]
    assert widths == [230, 115]
    assert 'fill="#123456"' in chart
    assert "none" in str(bar_chart("empty", []))


@pytest.mark.usefixtures("stand_in_rules")
def test_findings_notices_and_suppressions_are_listed() -> None:
    text = html.render(mixed_result(), mixed_verdict())
    assert "<h2>Findings (9)</h2>" in text
    assert "<h2>Suppressed (4)</h2>" in text
    assert text.count('<span class="blocking">blocks</span>') == 6
    assert "<li><strong>expired</strong>: exception 2 (CVE-2020-1234) expired on 2025-12-31" in text
    assert "<td>exception: garrison.yaml:14 (exceptions[0])</td>" in text
    assert "<pre>AWS_KEY = &#34;AKIA****&#34;</pre>" in text


def test_no_findings() -> None:
    text = html.render(ScanResult("t", (), ()), default_gate(()))
    assert "<p>No findings.</p>" in text
    assert '<span class="status pass">PASS</span>' in text


def test_the_template_is_package_data() -> None:
    template = importlib.resources.files("garrison.report").joinpath("templates", html.TEMPLATE)
    assert template.is_file()
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["garrison"]
    relative = f"report/templates/{html.TEMPLATE}"
    assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), (
        f"pyproject.toml [tool.setuptools.package-data] garrison must include {relative}"
    )
