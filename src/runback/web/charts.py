"""Charts drawn on the server as inline SVG, so the progress page reads without JavaScript.

Each function returns one self-contained ``<svg>`` string (already escaped) with a ``<title>``
and ``<desc>`` for screen readers and a ``<title>`` on every mark for hover tooltips. Colours
come from CSS classes (``app.css``) with inline fallbacks so a saved SVG still looks right.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import NamedTuple

__all__ = [
    "Bar",
    "HeatCell",
    "bar_chart",
    "calendar_heatmap",
    "combo_chart",
    "load_chart",
    "nice_max",
    "placeholder",
]

_LEVEL_FILLS = ("#e8ecef", "#b7e1c1", "#74c58a", "#3a9d5a", "#1e6b38")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


@dataclass(frozen=True)
class Bar:
    """One labelled value of a bar chart; ``note`` is extra tooltip text."""

    label: str
    value: float
    note: str = ""


def _fmt(x: float) -> str:
    """Format a coordinate compactly (SVG needs no more than one decimal here)."""
    # One decimal: only a trailing ".0" can go (what stripping zeros, then the point, leaves).
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _num(x: float) -> str:
    """Format a value for a label: integers plainly, others to one decimal."""
    return str(round(x)) if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def _open(width: int, height: int, title: str, desc: str, css: str) -> list[str]:
    ident = "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]


def nice_max(value: float) -> float:
    """Return a round axis maximum at or above ``value`` (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        top = step * 10.0**exp
        if top >= value - 1e-9:
            return top
    return float(10.0 ** (exp + 1))  # pragma: no cover - the loop always returns


class HeatCell(NamedTuple):
    """One day of the calendar: its shade 0–4, tooltip, and an optional dot (a run)."""

    # A named tuple, not a frozen dataclass: the calendar makes 371 on every view.

    day: date
    level: int
    tip: str
    dot: bool = False


def calendar_heatmap(
    cells: Sequence[HeatCell],
    *,
    title: str = "Back-up work, last 12 months",
    summary: str = "",
) -> str:
    """Draw a week-column calendar (Monday on top) of consecutive days, months labelled."""
    # 12 px labels at full size: the calendar scrolls sideways on a phone rather than shrink.
    cell, gap, left, top_pad = 14, 2, 34, 18
    if cells:
        first = cells[0].day - timedelta(days=cells[0].day.weekday())
        weeks = (cells[-1].day - first).days // 7 + 1
    else:
        first, weeks = date.today(), 1
    width = left + weeks * (cell + gap) + 4
    height = top_pad + 7 * (cell + gap) + 4
    active = sum(1 for c in cells if c.level > 0)
    span = f" between {cells[0].day.isoformat()} and {cells[-1].day.isoformat()}" if cells else ""
    desc = summary or f"{active} active days{span}."
    out = _open(width, height, title, desc, "chart-heatmap")
    for row, name in enumerate(_WEEKDAYS):
        if name:
            y = top_pad + row * (cell + gap) + cell - 2
            out.append(f'<text class="axis" x="0" y="{y}" font-size="12">{name}</text>')
    last_month = -1
    for col in range(weeks):
        monday = first + timedelta(weeks=col)
        # Label a month above the first column whose Monday falls in it.
        if monday.month != last_month and col < weeks - 2:
            x = left + col * (cell + gap)
            label = _MONTHS[monday.month - 1]
            out.append(f'<text class="axis" x="{x}" y="12" font-size="12">{label}</text>')
            last_month = monday.month
    # Day numbers from the first Monday give the column and the row (its weekday) at once.
    step, start = cell + gap, first.toordinal()
    size = f'width="{cell}" height="{cell}" rx="2" fill="'
    for c in cells:
        col, row = divmod(c.day.toordinal() - start, 7)
        x = left + col * step
        y = top_pad + row * step
        level = max(0, min(4, c.level))
        out.append(
            f'<rect class="cell l{level}" x="{x}" y="{y}" {size}{_LEVEL_FILLS[level]}" '
            f'data-date="{c.day.isoformat()}"><title>{escape(c.tip)}</title></rect>'
        )
        if c.dot:
            out.append(
                f'<circle class="mark" cx="{x + cell / 2}" cy="{y + cell / 2}" r="1.8" '
                'fill="#1d3557" pointer-events="none"/>'
            )
    out.append("</svg>")
    return "".join(out)


def placeholder(title: str, text: str, *, width: int = 260, height: int = 60) -> str:
    """Draw a chart-sized box that says why there is no chart (`text` also in its desc)."""
    out = _open(width, height, title, text, "chart-placeholder")
    short = text.split(":", 1)[0]
    out.append(
        f'<text class="axis" x="{width // 2}" y="{height // 2 + 4}" font-size="12" '
        f'text-anchor="middle">{escape(short)}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def _y_axis(out: list[str], x0: int, y0: int, h: int, top: float, unit: str, right: int) -> None:
    """Draw horizontal grid lines with labels at 0, ½ and the top."""
    for frac in (0.0, 0.5, 1.0):
        y = y0 + h - frac * h
        out.append(
            f'<line class="grid" x1="{x0}" x2="{right}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
            'stroke="#d0d7de" stroke-width="0.5"/>'
        )
        label = f"{_num(top * frac)}{unit}"
        out.append(
            f'<text class="axis" x="{x0 - 4}" y="{_fmt(y + 3)}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )


def _x_labels(out: list[str], labels: Sequence[str], x0: int, slot: float, y: int) -> None:
    """Label every n-th slot so labels never overlap."""
    every = max(1, math.ceil(len(labels) / 5))
    for i, label in enumerate(labels):
        if i % every == 0:
            x = x0 + (i + 0.5) * slot
            out.append(
                f'<text class="axis" x="{_fmt(x)}" y="{y}" font-size="12" '
                f'text-anchor="middle">{escape(label)}</text>'
            )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str = "",
    top: float | None = None,
    target: float | None = None,
    width: int = 260,
    height: int = 160,
) -> str:
    """Draw vertical bars with a y axis, and a dashed target line when given."""
    x0, y0, pad_b = 46, 8, 18
    h = height - y0 - pad_b
    highest = max([b.value for b in bars] + [target or 0.0, 0.0])
    scale = top if top is not None else nice_max(highest)
    total = sum(b.value for b in bars)
    desc = f"{len(bars)} bars, total {_num(total)}{unit}." if bars else "No data yet."
    out = _open(width, height, title, desc, "chart-bars")
    _y_axis(out, x0, y0, h, scale, unit, width - 4)
    slot = (width - 4 - x0) / max(1, len(bars))
    for i, bar in enumerate(bars):
        bh = max(0.0, min(1.0, bar.value / scale)) * h
        x = x0 + i * slot + slot * 0.15
        tip = f"{bar.label}: {_num(bar.value)}{unit}" + (f" ({bar.note})" if bar.note else "")
        out.append(
            f'<rect class="bar" x="{_fmt(x)}" y="{_fmt(y0 + h - bh)}" width="{_fmt(slot * 0.7)}" '
            f'height="{_fmt(bh)}" fill="#3a9d5a"><title>{escape(tip)}</title></rect>'
        )
    if target is not None and scale > 0:
        ty = y0 + h - min(1.0, target / scale) * h
        out.append(
            f'<line class="target" x1="{x0}" x2="{width - 4}" y1="{_fmt(ty)}" y2="{_fmt(ty)}" '
            'stroke="#b35900" stroke-dasharray="4 3"><title>'
            f"target {escape(_num(target))}{escape(unit)}</title></line>"
        )
    _x_labels(out, [b.label for b in bars], x0, slot, height - 4)
    out.append("</svg>")
    return "".join(out)


def combo_chart(
    labels: Sequence[str],
    bars: Sequence[float],
    line: Sequence[float | None],
    *,
    title: str,
    bar_name: str,
    line_name: str,
    bar_unit: str = "",
    line_top: float = 10.0,
    width: int = 260,
    height: int = 200,
) -> str:
    """Draw bars on the left axis and a line (gaps where None) on a 0–``line_top`` right axis."""
    if not (len(labels) == len(bars) == len(line)):
        raise ValueError("labels, bars and line must have the same length")
    x0, y0, pad_b, right_pad = 46, 8, 50, 26
    h = height - y0 - pad_b
    right = width - right_pad
    scale = nice_max(max([*bars, 0.0]))
    shown = [v for v in line if v is not None]
    desc = f"{bar_name} per week as bars; {line_name} as a line" + (
        f", average {_num(sum(shown) / len(shown))}." if shown else ", none logged."
    )
    out = _open(width, height, title, desc, "chart-combo")
    _y_axis(out, x0, y0, h, scale, bar_unit, right)
    for frac in (0.0, 0.5, 1.0):
        y = y0 + h - frac * h
        out.append(
            f'<text class="axis axis-line" x="{right + 4}" y="{_fmt(y + 3)}" '
            f'font-size="12">{_num(line_top * frac)}</text>'
        )
    slot = (right - x0) / max(1, len(labels))
    points: list[list[tuple[float, float, str]]] = [[]]
    for i, (label, b, v) in enumerate(zip(labels, bars, line, strict=True)):
        bh = max(0.0, min(1.0, b / scale)) * h
        x = x0 + i * slot + slot * 0.15
        out.append(
            f'<rect class="bar" x="{_fmt(x)}" y="{_fmt(y0 + h - bh)}" width="{_fmt(slot * 0.7)}" '
            f'height="{_fmt(bh)}" fill="#3a9d5a"><title>'
            f"{escape(f'{label}: {_num(b)}{bar_unit} {bar_name}')}</title></rect>"
        )
        if v is None:
            points.append([])
        else:
            cy = y0 + h - max(0.0, min(1.0, v / line_top)) * h
            points[-1].append((x0 + (i + 0.5) * slot, cy, f"{label}: {line_name} {_num(v)}"))
    for run in points:
        if len(run) > 1:
            path = " ".join(f"{_fmt(px)},{_fmt(py)}" for px, py, _ in run)
            out.append(
                f'<polyline class="line" points="{path}" fill="none" stroke="#c62828" '
                'stroke-width="1.5"/>'
            )
        for px, py, tip in run:
            out.append(
                f'<circle class="dot" cx="{_fmt(px)}" cy="{_fmt(py)}" r="2.5" fill="#c62828">'
                f"<title>{escape(tip)}</title></circle>"
            )
    _x_labels(out, labels, x0, slot, height - pad_b + 12)
    # A legend so the two axes are not confused.
    # Two lines, so each name fits a phone at full size.
    ly = height - 22
    out.append(f'<rect x="4" y="{ly - 8}" width="9" height="9" fill="#3a9d5a"/>')
    out.append(f'<text class="axis" x="18" y="{ly}" font-size="12">{escape(bar_name)}</text>')
    ly2 = height - 5
    out.append(f'<circle cx="8" cy="{ly2 - 4}" r="3.5" fill="#c62828"/>')
    out.append(
        f'<text class="axis" x="18" y="{ly2}" font-size="12">'
        f"{escape(line_name)} (right axis)</text>"
    )
    out.append("</svg>")
    return "".join(out)


def load_chart(
    labels: Sequence[str],
    bars: Sequence[float],
    lines: Sequence[tuple[str, Sequence[float], str]],
    *,
    title: str,
    bar_name: str,
    tick_every: int = 28,
    width: int = 260,
    height: int = 220,
) -> str:
    """Draw daily bars and lines (name, values, colour) on one shared left axis, with a legend.

    Every `tick_every`-th label, counted back from the last, is written under the axis (the
    others only in the tooltips), so labels never overlap at phone width.
    """
    if any(len(values) != len(labels) for _, values, _ in lines) or len(bars) != len(labels):
        raise ValueError("labels, bars and every line must have the same length")
    x0, y0, right = 46, 8, width - 4
    pad_b = 40 + 16 * len(lines)
    h = height - y0 - pad_b
    scale = nice_max(max([*bars, *(v for _, values, _ in lines for v in values), 0.0]))
    desc = f"{bar_name} per day as bars" + "".join(
        f"; {name} as a line, now {_num(values[-1])}" for name, values, _ in lines if values
    )
    out = _open(width, height, title, desc + ".", "chart-load")
    _y_axis(out, x0, y0, h, scale, "", right)
    slot = (right - x0) / max(1, len(labels))
    for i, (label, b) in enumerate(zip(labels, bars, strict=True)):
        bh = max(0.0, min(1.0, b / scale)) * h
        if bh <= 0:
            continue
        out.append(
            f'<rect class="bar bar-light" x="{_fmt(x0 + i * slot + slot * 0.1)}" '
            f'y="{_fmt(y0 + h - bh)}" width="{_fmt(max(0.8, slot * 0.8))}" height="{_fmt(bh)}" '
            f'fill="#b7e1c1"><title>{escape(f"{label}: {_num(b)} {bar_name}")}</title></rect>'
        )
    for name, values, colour in lines:
        pts = " ".join(
            f"{_fmt(x0 + (i + 0.5) * slot)},{_fmt(y0 + h - max(0.0, min(1.0, v / scale)) * h)}"
            for i, v in enumerate(values)
        )
        out.append(
            f'<polyline class="line" points="{pts}" fill="none" stroke="{colour}" '
            f'stroke-width="2"><title>{escape(name)}</title></polyline>'
        )
    for i in range(len(labels) - 1, -1, -tick_every):
        # The last label ends at the right edge, so it is never cut off.
        last = i == len(labels) - 1
        x, anchor = (right, "end") if last else (x0 + (i + 0.5) * slot, "middle")
        out.append(
            f'<text class="axis" x="{_fmt(x)}" y="{height - pad_b + 14}" '
            f'font-size="12" text-anchor="{anchor}">{escape(labels[i])}</text>'
        )
    ly = height - pad_b + 32
    out.append(f'<rect x="4" y="{ly - 8}" width="9" height="9" fill="#b7e1c1"/>')
    out.append(f'<text class="axis" x="18" y="{ly}" font-size="12">{escape(bar_name)}</text>')
    for k, (name, _, colour) in enumerate(lines, start=1):
        y = ly + 16 * k
        out.append(
            f'<line x1="2" x2="14" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text class="axis" x="18" y="{y}" font-size="12">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
