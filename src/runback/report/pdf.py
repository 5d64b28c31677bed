"""Render ReportData as printable A4 pages with reportlab's own charts (no matplotlib)."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runback.core.patterns import Patterns
    from runback.services.report import ReportData

__all__ = ["CHART_BOXES", "HANDOUT_PAGE", "PAGE_SIZE", "render"]

HANDOUT_PAGE = 4  # the handout starts after the summary, pain and activity pages

PAGE_SIZE = (595.2756, 841.8898)  # A4 in points
_W, _H = PAGE_SIZE
_M = 50.0  # margin
_MAX_PATTERNS = 4
# Where each chart is drawn: name -> (page, x, y, width, height) in points from the bottom left.
# Tests read these to look for ink in the rendered pages.
CHART_BOXES: dict[str, tuple[int, float, float, float, float]] = {
    "pain": (2, _M, 440.0, _W - 2 * _M, 300.0),
    "distance": (3, _M, 560.0, _W - 2 * _M, 190.0),
    "backup": (3, _M, 315.0, _W - 2 * _M, 190.0),
    "programme": (3, _M, 70.0, _W - 2 * _M, 190.0),
}
_REGION_COLOURS = {
    "lower-back": "#c0392b",
    "mid-back": "#d68910",
    "upper-back": "#1f618d",
    "neck-shoulders": "#7d3c98",
    "hips": "#117a65",
}
_CARE = (
    "A red flag means: seek medical care. The emergency ones (numbness around the saddle area, "
    "bladder or bowel changes, weakness in both legs, chest pain, a serious fall) need care now."
)
_DISCLAIMER = (
    "runback records what its user logs and does; it does not diagnose. This report is for "
    "discussion with a clinician."
)


def _d(day: date) -> str:
    return f"{day:%d %b %Y}"


def _short(day: date) -> str:
    return f"{day:%d %b}"


class _Pages:
    """A canvas with a text cursor, page numbers and simple wrapped text."""

    def __init__(self, data: ReportData) -> None:
        from reportlab.pdfgen import canvas

        self.buf = io.BytesIO()
        # invariant: no timestamps or random ids, so the same data gives the same bytes.
        self.c = canvas.Canvas(self.buf, pagesize=PAGE_SIZE, invariant=1)
        self.c.setTitle("runback report for the physio")
        self.c.setAuthor("runback")
        self.data = data
        self.page = 1
        self.y = _H - _M

    def header(self, title: str) -> None:
        c = self.c
        c.setFont("Helvetica", 8)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        period = f"{_d(self.data.first)} to {_d(self.data.last)} ({self.data.zone})"
        c.drawString(_M, _H - 30, f"runback report for the physio, {period}")
        c.drawRightString(_W - _M, 30, f"page {self.page}")
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 16)
        c.drawString(_M, _H - _M - 12, title)
        self.y = _H - _M - 36

    def text(self, line: str, size: float = 10, bold: bool = False, gap: float = 4) -> None:
        from reportlab.lib.utils import simpleSplit

        font = "Helvetica-Bold" if bold else "Helvetica"
        for part in simpleSplit(line, font, size, _W - 2 * _M) or [""]:
            self.c.setFont(font, size)
            self.c.drawString(_M, self.y, part)
            self.y -= size + gap / 2
        self.y -= gap / 2

    def next_page(self) -> None:
        self.c.showPage()
        self.page += 1

    def finish(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def render(data: ReportData) -> bytes:
    """Return the report as PDF bytes: summary, pain over time, runs and adherence."""
    p = _Pages(data)
    _summary_page(p)
    p.next_page()
    _pain_page(p)
    p.next_page()
    _activity_page(p)
    if data.handout:
        from runback.report.handout import draw_handout

        p.next_page()
        draw_handout(p, data.handout_title, data.handout)
    return p.finish()


def _summary_page(p: _Pages) -> None:
    d = p.data
    p.header("Back pain, running and back-up work")
    p.text(f"Period: {_d(d.first)} to {_d(d.last)}, {len(d.weeks)} weeks.")
    p.text(f"Generated: {d.generated_at:%Y-%m-%d %H:%M} UTC.")
    p.y -= 6
    p.text("Summary", 12, bold=True)
    p.text(f"Pain entries: {len(d.pain)} (a day counts as its worst entry)")
    for r in d.regions:
        p.text(
            f"- {r.region}: {r.entries} entries on {r.days} days, mean {r.mean:.1f}/10, "
            f"worst {r.worst}/10, last day {r.last}/10"
        )
    p.text(f"Red flags reported: {len(d.red_flags)}")
    p.text(f"Runs: {d.total_runs}, total distance {d.total_km:.1f} km")
    days = sum(w.practice_days for w in d.weeks)
    p.text(
        f"Back-up work: {days} of {d.target_days * len(d.weeks)} target days "
        f"({d.target_days} days a week), {sum(w.sessions for w in d.weeks)} sessions"
    )
    if d.programme is not None:
        pr = d.programme
        p.text(f"Programme adherence: {sum(pr.done)} of {sum(pr.prescribed)} prescribed sessions")
    if d.patterns is not None:
        _patterns(p, d.patterns)
    p.y -= 6
    p.text("Red flags", 12, bold=True)
    if d.open_concern is not None:
        day, labels = d.open_concern
        p.text(f"Still open (not yet checked), reported {_d(day)}: {'; '.join(labels)}", bold=True)
    if not d.red_flags:
        p.text("None reported in this period.")
    for flag in d.red_flags:
        p.text(
            f"{_d(flag.day)}, {flag.region} {flag.intensity}/10: {'; '.join(flag.labels)}",
            bold=True,
        )
    if d.red_flags:
        p.text(_CARE, 9)
    p.y -= 6
    p.text("Programme", 12, bold=True)
    if d.programme is None:
        p.text("No programme imported.")
    else:
        pr = d.programme
        by = f" by {pr.clinician}" if pr.clinician else ""
        review = f", review {_d(pr.review)}" if pr.review else ""
        p.text(f"{pr.name}{by}: {pr.frequency}, from {_d(pr.start)}{review}.")
        for line in pr.notes.splitlines()[:12]:
            p.text(line, 9, gap=2)
    p.y -= 6
    p.text(_DISCLAIMER, 8)


def _patterns(p: _Pages, patterns: Patterns) -> None:
    p.y -= 6
    p.text("Patterns in your own log", 12, bold=True)
    shown = patterns.shown
    # A few lines at most (the page also holds the red flags and the programme): those whose
    # interval leaves out 0 first, the clearest differences in the log.
    clear = sorted(shown, key=lambda q: not (q.clearly_lower or (q.comparison.low or 0) > 0))
    for pattern in clear[:_MAX_PATTERNS]:
        p.text(f"- {pattern.text}", 9)
    if not shown and patterns.patterns:
        p.text(patterns.patterns[0].text, 9)
    p.text(
        f"From {_d(patterns.first)}; each comparison needs at least {patterns.min_days} days "
        "with pain logged on both sides.",
        8,
    )


def _box(name: str) -> tuple[float, float, float, float]:
    _, x, y, w, h = CHART_BOXES[name]
    return x, y, w, h


def _pain_page(p: _Pages) -> None:
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    d = p.data
    p.header("Pain over time, by region (0-10)")
    x, y, w, h = _box("pain")
    regions = sorted({m.region for m in d.pain})
    if not regions:
        p.c.setFont("Helvetica", 11)
        p.c.drawString(x, y + h / 2, "No pain logged in this period.")
    else:
        drawing = Drawing(w, h)
        chart = LinePlot()
        chart.x, chart.y, chart.width, chart.height = 30, 40, w - 40, h - 60
        # One point a day, its worst entry: the same rule as every other pain number.
        chart.data = [[((day - d.first).days, v) for day, v in d.daily_worst(r)] for r in regions]
        span = (d.last - d.first).days
        chart.xValueAxis.valueMin, chart.xValueAxis.valueMax = 0, span
        chart.xValueAxis.valueSteps = list(range(0, span + 1, 7))
        chart.xValueAxis.labelTextFormat = lambda v: _short(d.first + _days(v))
        chart.yValueAxis.valueMin, chart.yValueAxis.valueMax = 0, 10
        chart.yValueAxis.valueSteps = [0, 2, 4, 6, 8, 10]
        for i, region in enumerate(regions):
            colour = colors.HexColor(_REGION_COLOURS.get(region, "#444444"))
            chart.lines[i].strokeColor = colour
            chart.lines[i].strokeWidth = 2
            chart.lines[i].symbol = makeMarker("FilledCircle", size=5, fillColor=colour)
            drawing.add(Rect(30 + i * 110, 6, 9, 9, fillColor=colour, strokeColor=None))
            drawing.add(String(43 + i * 110, 7, region, fontName="Helvetica", fontSize=9))
        drawing.add(chart)
        _draw(p, drawing, x, y)
    p.y = y - 20
    p.text("Per week", 12, bold=True)
    for week in d.weeks:
        worst = "-" if week.pain_max is None else f"{week.pain_max}/10"
        p.text(
            f"{_short(week.start)} to {_short(week.end)}: {week.pain_entries} entries, "
            f"worst {worst}",
            9,
            gap=2,
        )


def _days(v: Any) -> Any:
    from datetime import timedelta

    return timedelta(days=int(v))


def _bars(
    p: _Pages,
    name: str,
    title: str,
    series: list[list[float]],
    labels: list[str],
    colours: list[str],
    legend: list[str],
) -> None:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    x, y, w, h = _box(name)
    p.c.setFont("Helvetica-Bold", 12)
    p.c.drawString(x, y + h + 8, title)
    drawing = Drawing(w, h)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 35, 35, w - 45, h - 50
    chart.data = series
    chart.categoryAxis.categoryNames = labels
    chart.valueAxis.valueMin = 0
    top = max([v for s in series for v in s] + [1])
    chart.valueAxis.valueMax = top * 1.15
    chart.barLabelFormat = "%.1f" if name == "distance" else "%d"
    chart.barLabels.nudge = 7
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = 8
    for i, colour in enumerate(colours):
        chart.bars[i].fillColor = colors.HexColor(colour)
        chart.bars[i].strokeColor = None
        drawing.add(
            Rect(35 + i * 150, 4, 9, 9, fillColor=colors.HexColor(colour), strokeColor=None)
        )
        drawing.add(String(48 + i * 150, 5, legend[i], fontName="Helvetica", fontSize=9))
    drawing.add(chart)
    _draw(p, drawing, x, y)


def _activity_page(p: _Pages) -> None:
    d = p.data
    p.header("Runs and back-up work, per week")
    labels = [f"from {_short(w.start)}" for w in d.weeks]
    _bars(
        p,
        "distance",
        f"Weekly distance: {d.total_km:.1f} km in {d.total_runs} runs",
        [[w.distance_km for w in d.weeks]],
        labels,
        ["#1f618d"],
        ["km"],
    )
    _bars(
        p,
        "backup",
        f"Back-up work: days with a session (target {d.target_days} a week)",
        [[float(w.practice_days) for w in d.weeks], [float(d.target_days)] * len(d.weeks)],
        labels,
        ["#117a65", "#c8d6cf"],
        ["days done", "target"],
    )
    if d.programme is None:
        x, y, _w, h = _box("programme")
        p.c.setFont("Helvetica", 11)
        p.c.drawString(x, y + h / 2, "Programme adherence: no programme imported.")
        return
    pr = d.programme
    _bars(
        p,
        "programme",
        f"Programme adherence ({pr.frequency}): {sum(pr.done)} of {sum(pr.prescribed)}",
        [[float(v) for v in pr.done], [float(v) for v in pr.prescribed]],
        labels,
        ["#7d3c98", "#ddd0e3"],
        ["sessions done", "prescribed"],
    )


def _draw(p: _Pages, drawing: Any, x: float, y: float) -> None:
    from reportlab.graphics import renderPDF

    renderPDF.draw(drawing, p.c, x, y)
