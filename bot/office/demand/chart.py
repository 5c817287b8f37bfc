"""A horizontal bar chart as inline SVG, drawn on the server (no script, no library, no CDN): each bar's
label above it and its count at its end, scaled to the largest; it shrinks with the page (viewBox)."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 400  # about a phone's width: the labels stay readable when the chart shrinks
ROW = 40  # label line + bar
BAR = 14
LEFT = 4
COUNT_ROOM = 60  # room at the right of the longest bar for its count


def bar_chart(bars: list[tuple[str, int]], title: str, unit: str = "คน") -> Markup:
    """``bars`` (label, count) as an SVG with ``title`` for screen readers; an empty chart says so."""
    height = max(1, len(bars)) * ROW + 8
    top = max((n for _, n in bars), default=0) or 1
    parts = [(f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')]
    if not bars:
        parts.append(f'<text x="{LEFT}" y="24" class="chart-empty">{escape("ยังไม่มีข้อมูล")}</text>')
    for i, (label, count) in enumerate(bars):
        y = i * ROW
        length = max(2, round((WIDTH - LEFT - COUNT_ROOM) * count / top))
        parts.append(f'<text x="{LEFT}" y="{y + 15}" class="chart-label">{escape(label)}</text>'
                     f'<rect x="{LEFT}" y="{y + 21}" width="{length}" height="{BAR}" rx="3" class="chart-bar"/>'
                     f'<text x="{LEFT + length + 6}" y="{y + 33}" class="chart-count">{count} {escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
