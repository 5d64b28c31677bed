"""The progress page: a year of back-up work, weekly adherence, pain and distance, as SVG."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from runback.services.progress import Stats, gather_stats
from runback.services.store import Store
from runback.web.api import API
from runback.web.charts import (
    Bar,
    HeatCell,
    bar_chart,
    calendar_heatmap,
    combo_chart,
    load_chart,
    placeholder,
)
from runback.web.deps import StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["Charts", "charts_for", "router"]

router = APIRouter()

WEEKS = 12
PAIN_CHART_WAITING = (
    "Not drawn yet: it shows once your log has enough days for a pattern "
    "(see Patterns in your own log)."
)


class Charts(BaseModel):
    """The progress charts as inline SVG."""

    heatmap: str
    adherence: str
    pain: str
    distance: str
    load: str


# English names, as strftime's %a and %b give them in the C locale the server runs in: a table
# lookup is a tenth of the cost of strftime, which the calendar's tooltips call 371 times.
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: date) -> str:
    return f"{_WEEKDAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def _week(d: date) -> str:
    return f"{d.day} {_MONTH_NAMES[d.month - 1]}"


def _heat_cells(stats: Stats) -> list[HeatCell]:
    cells = []
    for day in stats.heatmap.days:
        minutes, run, pain = day.minutes, day.run, day.max_pain
        tip = f"{round(minutes)} min back-up work" if minutes else "no back-up work"
        if run:
            tip += ", run"
        if pain is not None:
            tip += f", pain {pain}/10"
        cells.append(HeatCell(day.day, day.level, f"{_day(day.day)}: {tip}", dot=run))
    return cells


def _weekly_minutes(stats: Stats) -> dict[date, float]:
    # Day numbers, not date arithmetic: this runs over the year's 371 cells on every view.
    by_monday: dict[int, float] = {}
    for day in stats.heatmap.days:
        monday = day.day.toordinal() - day.day.weekday()
        by_monday[monday] = by_monday.get(monday, 0.0) + day.minutes
    return {date.fromordinal(n): total for n, total in by_monday.items()}


def charts_for(stats: Stats) -> Charts:
    """Draw the progress charts from the stats."""
    active = sum(1 for d in stats.heatmap.days if d.minutes > 0)
    runs = sum(1 for d in stats.heatmap.days if d.run)
    heat = calendar_heatmap(
        _heat_cells(stats),
        title="Back-up work, last 12 months",
        summary=f"{active} days with back-up work and {runs} run days since "
        f"{_day(stats.heatmap.first)}; darker means more minutes, a dot marks a run.",
    )
    target = stats.adherence.target
    adherence = bar_chart(
        [
            Bar(
                _week(w.week_start),
                w.days_done,
                note=f"{w.days_done} of {w.days_so_far} {'day' if w.days_so_far == 1 else 'days'}, "
                f"target {w.target}" + (" – met" if w.met else ""),
            )
            for w in stats.adherence.weeks
        ],
        title="Days of back-up work per week",
        unit=" d",
        top=7,
        target=target,
    )
    per_week = _weekly_minutes(stats)
    loads = stats.weekly_load
    # Pain next to habit reads as cause and effect: drawn only once the log has a pattern to
    # show (the honest comparison, in the patterns card), never on its own.
    if stats.patterns.shown:
        pain = combo_chart(
            [_week(w.week_start) for w in loads],
            [round(per_week.get(w.week_start, 0.0), 1) for w in loads],
            [w.mean_pain for w in loads],
            title="Pain and back-up work per week",
            bar_name="back-up minutes",
            line_name="daily worst pain",
            bar_unit=" min",
        )
    else:
        pain = placeholder("Pain and back-up work per week", PAIN_CHART_WAITING)
    distance = bar_chart(
        [Bar(_week(w.week_start), round(w.km, 1), note=f"{w.runs} runs") for w in loads],
        title="Weekly running distance",
        unit=" km",
    )
    days = stats.load.days
    if any(d.load > 0 for d in days):
        load = load_chart(
            [_week(d.day) for d in days],
            [d.load for d in days],
            [
                ("7-day average (acute)", [d.acute for d in days], "#1e6b38"),
                ("28-day average (chronic)", [d.chronic for d in days], "#1d3557"),
            ],
            title="Training load per day",
            bar_name="minutes run",
        )
    else:
        load = placeholder("Training load per day", "No runs yet: import runs to see your load.")
    return Charts(heatmap=heat, adherence=adherence, pain=pain, distance=distance, load=load)


def _stats(store: Store, weeks: int, user_id: int) -> Stats:
    # One read scope: one connection and one user row for all the reads, instead of a
    # checkout (with its ping, BEGIN and ROLLBACK) for each.
    with store.reading() as scope:
        return gather_stats(scope, weeks=weeks, user_id=user_id)


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    weeks: int = Query(WEEKS, ge=4, le=52),
) -> HTMLResponse:
    """Show streaks, the 12-month calendar, weekly adherence, pain and distance."""
    stats = _stats(store, weeks, user_id)
    return page(
        request,
        "progress.html",
        {"stats": stats, "charts": charts_for(stats), "weeks": weeks},
    )


@router.get(f"{API}/progress")
def api_progress(
    store: StoreDep, user_id: UserDep, weeks: int = Query(WEEKS, ge=1, le=260)
) -> Stats:
    """Return streaks, adherence, weekly load, training load, personal patterns and the heatmap."""
    return _stats(store, weeks, user_id)


@router.get(f"{API}/progress/charts")
def api_charts(store: StoreDep, user_id: UserDep, weeks: int = Query(WEEKS, ge=4, le=52)) -> Charts:
    """Return the progress charts as SVG documents (what the page embeds)."""
    return charts_for(_stats(store, weeks, user_id))
