"""Server-side SVG bar charts for the impact pages: geometry only (numbers), drawn by the template
`community/impact_chart.html`, which also writes the same figures as a table for people who cannot
see the chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 40, 40, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: int
    label: str


def grouped_bars(rows: Sequence[dict], keys: Sequence[str], *, label_key: str = "month") -> dict:
    """Bars for each row (one per key, side by side), axis ticks and the largest value."""
    largest = max([int(row[key]) for row in rows for key in keys] or [0])
    scale_top = max(largest, 1)
    plot_width = WIDTH - LEFT - 10
    plot_height = HEIGHT - BOTTOM - TOP
    slot = plot_width / max(len(rows), 1)
    bar_width = max(slot * 0.8 / max(len(keys), 1), 1)
    bars = []
    for index, row in enumerate(rows):
        for series, key in enumerate(keys):
            value = int(row[key])
            height = plot_height * value / scale_top
            bars.append(
                Bar(
                    x=round(LEFT + index * slot + slot * 0.1 + series * bar_width, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    series=series,
                    value=value,
                    label=str(row[label_key]),
                )
            )
    labels = [
        {"x": round(LEFT + index * slot + slot / 2, 1), "text": str(row[label_key])[-2:]}
        for index, row in enumerate(rows)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "labels": labels,
        "label_y": HEIGHT - BOTTOM + 16,
        "axis_y": TOP + plot_height,
        "left": LEFT,
        "right": WIDTH - 10,
        "top": TOP,
        "largest": largest,
    }
