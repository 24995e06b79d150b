"""Inline SVG charts for the web UI, built in Python (pure functions, no I/O).

Every label is escaped here (the result is `Markup`, inserted as is by the templates). Colours
come from CSS classes of the page's one style block (`line`, `column`, `meter-ok`...), so no
inline style attribute is needed (the pages' Content-Security-Policy allows none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 24, 36  # plot margins
METER_WIDTH, METER_HEIGHT = 160, 14
METER_SPAN = 1.5  # a meter's full width is 1.5 x the limit; the limit mark sits at 2/3
WARN_AT = 0.75  # a value over 75% of its limit is a warning


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    value: int


def _open(title: str, width: int, height: int, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" '
        f'aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]


def _y_axis(largest: int) -> list[str]:
    """The frame, and the top and zero values of the y axis."""
    bottom = HEIGHT - BOTTOM
    return [
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>',
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{largest}</text>',
        f'<text class="tick" x="{LEFT - 6}" y="{bottom + 4}" text-anchor="end">0</text>',
    ]


def _y(value: int, largest: int) -> float:
    span = HEIGHT - TOP - BOTTOM
    return round(HEIGHT - BOTTOM - span * value / largest, 1)


def line_chart(title: str, points: Sequence[Point]) -> Markup:
    """A line over `points` (oldest first); the first, middle and last labels on the x axis,
    every point's label and value in its tooltip."""
    parts = _open(title, WIDTH, HEIGHT, "chart line-chart")
    largest = max((p.value for p in points), default=0) or 1
    parts += _y_axis(largest)
    if not points:
        parts.append(f'<text class="empty" x="{LEFT + 8}" y="{TOP + 20}">no data</text>')
        return Markup("".join(parts) + "</svg>")
    step = (WIDTH - LEFT - RIGHT) / max(1, len(points) - 1)
    xy = [(round(LEFT + i * step, 1), _y(p.value, largest)) for i, p in enumerate(points)]
    parts.append(f'<polyline class="line" points="{" ".join(f"{x},{y}" for x, y in xy)}"/>')
    for (x, y), point in zip(xy, points, strict=True):
        tip = f"{point.label}: {point.value}"
        parts.append(f'<circle class="dot" cx="{x}" cy="{y}" r="3"><title>{escape(tip)}</title>'
                     "</circle>")  # fmt: skip
    for index in sorted({0, len(points) // 2, len(points) - 1}):
        anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
        parts.append(
            f'<text class="tick" x="{xy[index][0]}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="{anchor}">{escape(points[index].label)}</text>'
        )
    return Markup("".join(parts) + "</svg>")


def column_chart(title: str, columns: Sequence[Point]) -> Markup:
    """One column per (label, count), labelled below and with its count above."""
    parts = _open(title, WIDTH, HEIGHT, "chart column-chart")
    largest = max((c.value for c in columns), default=0) or 1
    parts += _y_axis(largest)
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(columns))
    for index, column in enumerate(columns):
        x = round(LEFT + index * slot + slot * 0.15, 1)
        top = _y(column.value, largest)
        height = round(HEIGHT - BOTTOM - top, 1)
        middle = round(x + slot * 0.35, 1)
        parts += [
            f'<rect class="column" x="{x}" y="{top}" width="{round(slot * 0.7, 1)}" '
            f'height="{height}"><title>{escape(f"{column.label}: {column.value}")}</title></rect>',
            f'<text class="value" x="{middle}" y="{top - 4}" text-anchor="middle">'
            f"{column.value}</text>",
            f'<text class="tick" x="{middle}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{escape(column.label)}</text>",
        ]
    return Markup("".join(parts) + "</svg>")


def meter_level(value: float, limit: float | None) -> str:
    """'ok', 'warn' (over 75% of the limit), 'over' (past it) or 'nolimit'."""
    if limit is None or limit <= 0:
        return "nolimit"
    if value > limit:
        return "over"
    return "warn" if value > limit * WARN_AT else "ok"


def meter(title: str, value: float | None, limit: float | None, scale: float) -> Markup:
    """A freshness bar: `value` against `limit` (full width = 1.5 x limit, a mark at the
    limit); without a limit the bar is measured against `scale`. None: no bar ("unknown")."""
    parts = _open(title, METER_WIDTH, METER_HEIGHT, "meter")
    parts.append(f'<rect class="track" x="0" y="0" width="{METER_WIDTH}" '
                 f'height="{METER_HEIGHT}"/>')  # fmt: skip
    if value is None:
        return Markup("".join(parts) + "</svg>")
    level = meter_level(value, limit)
    full = limit * METER_SPAN if level != "nolimit" and limit is not None else scale
    length = round(METER_WIDTH * min(1.0, max(0.0, value) / (full or 1)), 1)
    parts.append(f'<rect class="fill meter-{level}" x="0" y="0" width="{length}" '
                 f'height="{METER_HEIGHT}"/>')  # fmt: skip
    if level != "nolimit":
        mark = round(METER_WIDTH / METER_SPAN, 1)
        parts.append(f'<line class="limit" x1="{mark}" y1="0" x2="{mark}" y2="{METER_HEIGHT}"/>')
    return Markup("".join(parts) + "</svg>")
