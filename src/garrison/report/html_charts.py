"""Horizontal bar charts as inline SVG for the HTML report (pure; no script, no fonts).

Labels come from scanned data (package names), so every text is escaped; the result is
`Markup` that the autoescaping template inserts as is.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 420
LABEL_WIDTH = 150
BAR_HEIGHT = 16
ROW_HEIGHT = 22
TOP = 24
_LABEL_CHARS = 24
DEFAULT_COLOR = "#5b6b7f"


def bar_chart(title: str, bars: Sequence[tuple[str, int, str | None]]) -> Markup:
    """An SVG of one bar per (label, value, colour or None), longest bar = the largest."""
    height = TOP + ROW_HEIGHT * max(1, len(bars)) + 4
    span = WIDTH - LABEL_WIDTH - 40
    largest = max((value for _, value, _ in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" class="chart-title">{escape(title)}</text>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="{TOP + 14}">none</text>')
    for row, (label, value, color) in enumerate(bars):
        y = TOP + row * ROW_HEIGHT
        length = round(span * value / largest)
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end">'
            f"{escape(_short(label))}<title>{escape(label)}</title></text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{escape(color or DEFAULT_COLOR)}"/>',
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + 12}">{value}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "\u2026"
