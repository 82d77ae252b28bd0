"""Server-side bar charts as inline SVG: no JavaScript, readable when printed, with the numbers written
next to each bar and a text title for screen readers. Labels are escaped, so typed text stays inert."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from civicdata.events.aggregates import Bars

_ROW = 26
_LABEL = 170
_BAR = 200


def bar_chart(bars: Bars) -> SafeString:
    """A horizontal bar chart of `bars` (an empty string when there is nothing to draw)."""
    if not bars.rows:
        return mark_safe("")
    biggest = max((count for _label, count in bars.rows), default=0) or 1
    height = _ROW * len(bars.rows) + 8
    width = _LABEL + _BAR + 50
    title = escape(bars.title)
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="civic-bar-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{title}"><title>{title}</title>'
    )
    parts = [opening]
    for index, (label, count) in enumerate(bars.rows):
        y = 4 + index * _ROW
        length = round(_BAR * count / biggest)
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1b1b1b">'
            f"{escape(short)}</text>"
            f'<rect x="{_LABEL}" y="{y + 3}" width="{length}" height="18" fill="#005ea2"></rect>'
            f'<text x="{_LABEL + length + 6}" y="{y + 16}" font-size="13" fill="#1b1b1b">{count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
