"""The UI's pure parts: SVG charts (labels escaped, geometry), freshness bar levels, the age
buckets of the overview and the template filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from garrison.server.ui.charts import Point, column_chart, line_chart, meter, meter_level
from garrison.server.ui.queries import age_buckets
from garrison.server.ui.render import age, short_digest, when

DAY = timedelta(days=1)


def test_chart_labels_and_titles_are_escaped() -> None:
    hostile = '<script>alert("x")</script>&'
    for chart in (
        line_chart(hostile, [Point(hostile, 1)]),
        column_chart(hostile, [Point(hostile, 2)]),
    ):
        assert "<script>" not in chart
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in chart
        assert 'aria-label="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;"' in chart
    assert "<script>" not in meter(hostile, 1.0, 2.0, 3.0)


def test_line_chart_scales_to_the_largest_value() -> None:
    chart = line_chart("t", [Point("a", 0), Point("b", 2), Point("c", 4)])
    polyline = re.search(r'<polyline class="line" points="([^"]+)"/>', chart)
    assert polyline and polyline.group(1) == "40.0,164.0 294.0,94.0 548.0,24.0"
    assert re.findall(r"<title>([^<]*)</title></circle>", chart) == ["a: 0", "b: 2", "c: 4"]
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', chart)
    assert ticks == ["4", "0", "a", "b", "c"]


def test_an_empty_line_chart_says_so() -> None:
    assert '<text class="empty" x="48" y="44">no data</text>' in line_chart("t", [])


def test_column_chart_draws_one_column_per_bucket() -> None:
    chart = column_chart("t", [Point("x", 1), Point("y", 0)])
    columns = re.findall(r'<rect class="column" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
                         r'height="([\d.]+)">', chart)  # fmt: skip
    assert columns == [("78.1", "24.0", "177.8", "140.0"), ("332.1", "164.0", "177.8", "0.0")]


@pytest.mark.parametrize(
    ("value", "limit", "level"),
    [(10.0, 40.0, "ok"), (30.0, 40.0, "ok"), (30.1, 40.0, "warn"), (40.0, 40.0, "warn"),
     (40.1, 40.0, "over"), (5.0, None, "nolimit"), (5.0, 0.0, "nolimit")],
)  # fmt: skip
def test_meter_levels(value: float, limit: float | None, level: str) -> None:
    assert meter_level(value, limit) == level


def test_meter_widths_are_capped_and_mark_the_limit() -> None:
    at_limit = meter("t", 10.0, 10.0, 99.0)
    assert '<rect class="fill meter-warn" x="0" y="0" width="106.7" height="14"/>' in at_limit
    assert '<line class="limit" x1="106.7" y1="0" x2="106.7" y2="14"/>' in at_limit
    past = meter("t", 1000.0, 10.0, 99.0)
    assert '<rect class="fill meter-over" x="0" y="0" width="160.0" height="14"/>' in past
    unlimited = meter("t", 45.0, None, 90.0)
    assert '<rect class="fill meter-nolimit" x="0" y="0" width="80.0" height="14"/>' in unlimited
    assert 'class="limit"' not in unlimited
    unknown = meter("t", None, 10.0, 90.0)
    assert 'class="fill' not in unknown


def test_age_buckets() -> None:
    ages = [None, 0 * DAY, 6 * DAY, 7 * DAY, 29 * DAY, 30 * DAY, 364 * DAY, 365 * DAY, 900 * DAY]
    assert [(p.label, p.value) for p in age_buckets(ages)] == [
        ("< 7 d", 2), ("7-30 d", 2), ("30-90 d", 1), ("90-180 d", 0), ("180-365 d", 1),
        ("> 1 y", 2), ("unknown", 1),
    ]  # fmt: skip


def test_template_filters() -> None:
    assert [age(v) for v in (None, timedelta(minutes=12), timedelta(hours=5), 3 * DAY,
                             3 * DAY + timedelta(hours=5), 45 * DAY + timedelta(hours=5))] == [
        "unknown", "12 min", "5 h", "3 d", "3 d 5 h", "45 d",
    ]  # fmt: skip
    assert when(datetime(2024, 7, 1, 12, 5, 59, tzinfo=UTC)) == "2024-07-01 12:05 UTC"
    assert when(None) == "—"
    assert short_digest("sha256:" + "ab" * 32) == "sha256:abababababab"
    assert short_digest("build-17") == "build-17"
    assert short_digest(None) == "—"
