"""Inline SVG charts for the report: no scripts, no external resources, every label escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from auditor.categories import CATEGORIES, LABELS

#: One colour per category, shared by the chart, the legend and the evidence highlights (report.css).
COLORS: dict[str, str] = {
    "politics": "#4f63c9",
    "profanity": "#d68a18",
    "insult": "#cf3e36",
    "hate": "#7b1d5e",
    "snark": "#2a9485",
    "sensitive": "#5b6472",
}
NOT_ASSESSED_COLOR = "#b45309"
# Presentation attributes, not classes: WeasyPrint's SVG renderer does not apply page CSS inside <svg>.
_AXIS = 'font-size="9" fill="#5d6675" font-family="Liberation Sans, DejaVu Sans, Arial, sans-serif"'
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _nice_max(value: float) -> int:
    """A round axis maximum at or above ``value`` with four whole-number ticks (4, 8, 20, 40, 80, 100 …)."""
    raw = max(1.0, value / 4)
    exp = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if exp == 1 else (1, 2, 2.5, 5, 10)  # whole-number ticks only
    step = next(s * exp for s in steps if s * exp >= raw)
    return int(4 * step)


def month_label(month: str, short: bool = False) -> str:
    """``2024-03`` → ``Mar 2024`` (or ``Mar ’24`` when short)."""
    year, m = month[:4], int(month[5:7])
    return f"{MONTHS[m - 1]} ’{year[2:]}" if short else f"{MONTHS[m - 1]} {year}"


def _describe(timeline: Sequence[dict[str, Any]]) -> str:
    total = sum(r["assessed"] for r in timeline)
    flagged = sum(r["flagged"] for r in timeline)
    worst = max(timeline, key=lambda r: r["flagged"])
    unread = sum(r.get("not_assessed", 0) for r in timeline)
    text = (f"{len(timeline)} months from {month_label(timeline[0]['month'])} to "
            f"{month_label(timeline[-1]['month'])}: {total} posts assessed, {unread} not assessed, "
            f"{flagged} flagged.")
    if worst["flagged"]:
        text += f" Most flagged posts in {month_label(worst['month'])} ({worst['flagged']})."
    return text


def timeline_svg(
    timeline: Sequence[dict[str, Any]], width: int = 720, height: int = 230, for_print: bool = False
) -> Markup:
    """Stacked bars of flags per category per month, with a line of posts assessed (right axis). Each bar and
    dot has a tooltip; ``for_print`` (the PDF) leaves out the tooltips and dots, which paper cannot show
    (WeasyPrint styles every SVG element as a page element)."""
    if not timeline:
        return Markup('<p class="muted">No dated posts to chart.</p>')
    left, right, top, bottom = 34, 40, 12, 30
    pw, ph = width - left - right, height - top - bottom
    n = len(timeline)
    slot = pw / n
    bar_w = max(1.0, slot * 0.72)
    flag_max = _nice_max(max(sum(r[c] for c in CATEGORIES) for r in timeline))
    seen_max = _nice_max(max(max(r["assessed"], r.get("not_assessed", 0)) for r in timeline))
    parts: list[str] = []
    add = parts.append

    def y_flags(v: float) -> float:
        return top + ph - ph * v / flag_max

    def y_seen(v: float) -> float:
        return top + ph - ph * v / seen_max

    # Grid and axes: left = flags, right = posts assessed.
    for i in range(5):
        frac = i / 4
        y = top + ph - ph * frac
        add(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#e8ebf0"/>')
        add(f'<text {_AXIS} x="{left - 5}" y="{y + 3:.1f}" text-anchor="end">'
            f'{flag_max * frac:g}</text>')
        add(f'<text {_AXIS} x="{left + pw + 5}" y="{y + 3:.1f}">{seen_max * frac:g}</text>')
    # Stacked bars.
    for i, row in enumerate(timeline):
        x = left + i * slot + (slot - bar_w) / 2
        base = 0
        for c in CATEGORIES:
            v = row[c]
            if not v:
                continue
            y0, y1 = y_flags(base + v), y_flags(base)
            label = escape(f"{month_label(row['month'])}: {LABELS[c]} {v}")
            tip = "" if for_print else f"<title>{label}</title>"
            add(f'<rect x="{x:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" height="{y1 - y0:.1f}" '
                f'fill="{COLORS.get(c, "#888888")}">{tip}</rect>')
            base += v
    # Posts assessed: a line with small dots.
    pts = [(left + (i + 0.5) * slot, y_seen(r["assessed"])) for i, r in enumerate(timeline)]
    add('<polyline fill="none" stroke="#6b7482" stroke-width="1.5" stroke-dasharray="4 2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
    if any(r.get("not_assessed") for r in timeline):  # posts the models could not read: never clean
        unread = [(left + (i + 0.5) * slot, y_seen(r.get("not_assessed", 0))) for i, r in enumerate(timeline)]
        add(f'<polyline fill="none" stroke="{NOT_ASSESSED_COLOR}" stroke-width="1.5" stroke-dasharray="1 2" '
            'points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in unread) + '"/>')
    if n <= 60 and not for_print:
        for (x, y), r in zip(pts, timeline, strict=True):
            tip = escape(f"{month_label(r['month'])}: {r['assessed']} posts assessed")
            add(f'<circle fill="#6b7482" cx="{x:.1f}" cy="{y:.1f}" r="2"><title>{tip}</title></circle>')
    # X labels: at most ~12, on January when the span is long.
    step = max(1, math.ceil(n / 12))
    long_span = n > 24
    for i, r in enumerate(timeline):
        month = r["month"]
        show = month.endswith("-01") if long_span else i % step == 0
        if long_span and n > 144:
            show = show and int(month[:4]) % math.ceil(n / 144) == 0
        if show:
            label = month[:4] if long_span else month_label(month, short=True)
            x = left + (i + 0.5) * slot
            add(f'<text {_AXIS} x="{x:.1f}" y="{top + ph + 14}" text-anchor="middle">{escape(label)}</text>')
    add(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#9aa3b0"/>')
    mid, xl, xr = top + ph / 2, left - 28, left + pw + 34
    add(f'<text {_AXIS} x="{xl}" y="{mid:.1f}" transform="rotate(-90 {xl} {mid:.1f})" '
        'text-anchor="middle">flags</text>')
    add(f'<text {_AXIS} x="{xr}" y="{mid:.1f}" transform="rotate(90 {xr} {mid:.1f})" '
        'text-anchor="middle">posts</text>')
    desc = escape(_describe(timeline))
    head = (f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="timeline-title timeline-desc">'
            f'<title id="timeline-title">Flagged posts and posts assessed per month</title>'
            f'<desc id="timeline-desc">{desc}</desc>')
    return Markup(head + "".join(parts) + "</svg>")


def coverage_svg(assessed: int, total: int, width: int = 720, height: int = 26) -> Markup:
    """One bar: the share of the person's own posts the models read, and the share they could not."""
    if total <= 0:
        return Markup('<p class="muted">No posts of the person\'s own to assess.</p>')
    read_w = width * assessed / total
    label = escape(f"{assessed} of {total} own posts assessed ({assessed / total:.0%}); "
                   f"{total - assessed} not assessed")
    return Markup(
        f'<svg class="coverage" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        'preserveAspectRatio="none" role="img" '
        f'aria-label="{label}"><title>{label}</title>'
        f'<rect x="0" y="0" width="{read_w:.1f}" height="{height}" fill="#3b7d4f"/>'
        f'<rect x="{read_w:.1f}" y="0" width="{width - read_w:.1f}" height="{height}" '
        f'fill="{NOT_ASSESSED_COLOR}" fill-opacity="0.35"/></svg>')
