"""Charts drawn on the server as SVG: no script, no inline style (the strict CSP allows
them), coloured by classes of site.css so that dark mode applies. Every chart is an image
with a title and a description for screen readers; the page puts the same figures in a
table beside it.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from .figures import Series

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 30
MAX_X_LABELS = 8
MAX_SLOT = 48


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def _amount(value: float, unit: str) -> str:
    return f"{_number(value)}%" if unit == "%" else f"{_number(value)} {unit}"


def describe(series: Series) -> str:
    if not series.points:
        return "No figures yet."
    peak = max(series.points, key=lambda point: point.value)
    kind = "years" if series.by_year else "months"
    first, last = series.points[0].label, series.points[-1].label
    return (
        f"{len(series.points)} {kind} from {first} to {last}; "
        f"the highest, {_amount(peak.value, series.unit)}, in {peak.label}."
    )


def column_chart(series: Series, chart_id: str) -> SafeString:
    """Columns over time, one per month (or year), with a scale on the left."""
    points = series.points
    top = nice_ceiling(max((p.value for p in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(series, chart_id, describe(series))
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart__label" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_number(top * fraction))}{'%' if series.unit == '%' else ''}</text>"
        )
    if points:
        slot = min(plot_w / len(points), MAX_SLOT)  # a few months are not giant blocks
        gap = min(2.0, slot * 0.2)
        every = max(1, math.ceil(len(points) / MAX_X_LABELS))
        for index, point in enumerate(points):
            x = LEFT + index * slot
            h = plot_h * point.value / top
            parts.append(
                f'<rect class="chart__bar" x="{x + gap / 2:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{max(slot - gap, 0.5):.1f}" height="{h:.1f}">'
                f"<title>{escape(point.label)}: {escape(_amount(point.value, series.unit))}"
                "</title></rect>"
            )
            last = index == len(points) - 1
            if index % every == 0 or (last and index % every > every / 2):
                parts.append(
                    f'<text class="chart__label" x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" '
                    f'text-anchor="middle">{escape(point.label)}</text>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(series: Series, chart_id: str) -> SafeString:
    """Horizontal bars for a few categories, each labelled with its name and its amount."""
    points = series.points
    top = max((p.value for p in points), default=0) or 1
    row, label_w = 32, 200
    height = TOP + row * max(len(points), 1) + 4
    bar_w = WIDTH - label_w - 80
    parts = _frame(series, chart_id, _describe_categories(series), height=height)
    for index, point in enumerate(points):
        y = TOP + index * row
        w = bar_w * point.value / top
        parts.append(
            f'<text class="chart__label" x="{label_w - 8}" y="{y + 18}" text-anchor="end">'
            f"{escape(point.label)}</text>"
            f'<rect class="chart__bar" x="{label_w}" y="{y + 6}" width="{w:.1f}" height="16">'
            f"<title>{escape(point.label)}: {escape(_amount(point.value, series.unit))}</title>"
            "</rect>"
            f'<text class="chart__label" x="{label_w + w + 6:.1f}" y="{y + 18}">'
            f"{escape(_number(point.value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _describe_categories(series: Series) -> str:
    if not series.total:
        return f"No {series.unit} yet."
    return "; ".join(f"{p.label}: {_amount(p.value, series.unit)}" for p in series.points) + "."


def _frame(series: Series, chart_id: str, description: str, height: int = HEIGHT) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(series.title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    ]
