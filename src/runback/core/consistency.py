"""Consistency numbers: weekly adherence, back-up work before runs, distance and pain per week.

Every event lands on the user's local day (core.timezones.event_day, as core/streaks.py and
Today do), so DST days of 23 or 25 hours are still one day. A day's pain is its worst entry
(core.pain). Weeks start on Monday, in local calendar days. Numbers are rounded where the models
are built (pain to one decimal, shares to 0.01), so no screen or JSON shows float noise.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, ConfigDict

from runback.core.model import Model
from runback.core.pain import PainPoint, mean_worst, worst_by_day
from runback.core.timezones import event_day

__all__ = [
    "DEFAULT_TARGET",
    "Adherence",
    "BeforeRun",
    "HeatDay",
    "Heatmap",
    "PainPoint",
    "RunPoint",
    "SessionPoint",
    "WeekAdherence",
    "WeekLoad",
    "before_run",
    "heat_level",
    "heatmap",
    "week_start",
    "weekly_adherence",
    "weekly_load",
]

DEFAULT_TARGET = 6  # days of back-up work per week
# Minutes of back-up work at which a heatmap cell reaches shade 1, 2, 3 and 4.
HEAT_STEPS = (0.0, 5.0, 10.0, 20.0)
# Pain with and without a habit is compared in one place only: core/patterns.py.


def _pain_1dp(value: float) -> float:
    return round(value, 1)


def _share_2dp(value: float) -> float:
    return round(value, 2)


Pain = Annotated[float, AfterValidator(_pain_1dp)]  # 0-10, one decimal
Share = Annotated[float, AfterValidator(_share_2dp)]  # 0-1, to 0.01


@dataclass(frozen=True)
class SessionPoint:
    """A session that counts as back-up work: when it ran and for how long."""

    started_at: datetime
    ended_at: datetime
    minutes: float


@dataclass(frozen=True)
class RunPoint:
    """A run: when it started and how far."""

    id: int
    started_at: datetime
    distance_m: float


class _Model(Model):
    model_config = ConfigDict(frozen=True)


class WeekAdherence(_Model):
    """Days of back-up work in one Monday-start week against the target."""

    week_start: date
    days_done: int
    days_so_far: int  # 7, or fewer for the current week
    target: int
    met: bool
    still_possible: bool  # the target can still be met this week


class Adherence(_Model):
    """Weekly adherence, oldest week first, and how many finished weeks met the target."""

    target: int
    weeks: list[WeekAdherence]
    weeks_met: int
    weeks_finished: int


class BeforeRun(_Model):
    """On run days, how often back-up work was finished before the day's first run."""

    run_days: int
    prepared_days: int
    share: Share | None


class WeekLoad(_Model):
    """Running distance and the mean of each day's worst pain in one Monday-start week."""

    week_start: date
    runs: int
    km: float
    pain_entries: int
    pain_days: int  # days with pain logged; the mean is over their worst pain
    mean_pain: Pain | None


class HeatDay(_Model):
    """One calendar cell: back-up minutes (shade 0-4), whether you ran, the worst pain."""

    day: date
    minutes: float
    level: int
    run: bool
    max_pain: int | None


class Heatmap(_Model):
    """Calendar cells from a Monday about a year back up to today."""

    first: date
    last: date
    days: list[HeatDay]


def week_start(day: date) -> date:
    """Return the Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def heat_level(minutes: float) -> int:
    """Return the heatmap shade 0-4 for minutes of back-up work."""
    # The steps are sorted: the count of steps below `minutes` is where it would go among them.
    return bisect_left(HEAT_STEPS, minutes)


def weekly_adherence(
    practice_days: Collection[date],
    today: date,
    weeks: int = 12,
    target: int = DEFAULT_TARGET,
) -> Adherence:
    """Return the last `weeks` Monday-start weeks (this one included) against the target."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    if not 1 <= target <= 7:
        raise ValueError("the weekly target must be 1 to 7 days")
    this_week = week_start(today)
    done_days = set(practice_days)
    rows: list[WeekAdherence] = []
    for back in range(weeks - 1, -1, -1):
        start = this_week - timedelta(weeks=back)
        so_far = min(7, (today - start).days + 1)
        # The week's days looked up, not every practice day scanned for each week.
        done = sum(1 for k in range(so_far) if start + timedelta(days=k) in done_days)
        rows.append(
            WeekAdherence(
                week_start=start,
                days_done=done,
                days_so_far=so_far,
                target=target,
                met=done >= target,
                still_possible=done + (7 - so_far) >= target,
            )
        )
    finished = [w for w in rows if w.days_so_far == 7]
    return Adherence(
        target=target,
        weeks=rows,
        weeks_met=sum(1 for w in finished if w.met),
        weeks_finished=len(finished),
    )


def _first_runs(
    runs: Iterable[RunPoint], zone: str, first: date, last: date
) -> dict[date, RunPoint]:
    """Return the earliest run of each local run day in [first, last]."""
    out: dict[date, RunPoint] = {}
    for run in runs:
        day = event_day(run.started_at, zone)
        if first <= day <= last and (day not in out or run.started_at < out[day].started_at):
            out[day] = run
    return out


def _prepared(
    sessions: Iterable[SessionPoint], zone: str, first_runs: dict[date, RunPoint]
) -> set[date]:
    """Return run days with a session that ended, that same day, before the first run started."""
    days: set[date] = set()
    for s in sessions:
        day = event_day(s.started_at, zone)
        run = first_runs.get(day)
        if run is not None and s.ended_at <= run.started_at:
            days.add(day)
    return days


def before_run(
    sessions: Iterable[SessionPoint],
    runs: Iterable[RunPoint],
    zone: str,
    first: date,
    last: date,
) -> BeforeRun:
    """Return the share of run days in [first, last] with back-up work done before the run."""
    first_runs = _first_runs(runs, zone, first, last)
    prepared = _prepared(sessions, zone, first_runs)
    n = len(first_runs)
    return BeforeRun(
        run_days=n, prepared_days=len(prepared), share=len(prepared) / n if n else None
    )


def weekly_load(
    runs: Iterable[RunPoint],
    pains: Iterable[PainPoint],
    zone: str,
    today: date,
    weeks: int = 12,
) -> list[WeekLoad]:
    """Return km run and the mean daily worst pain for each of the last `weeks` weeks."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    km: dict[date, float] = dict.fromkeys(starts, 0.0)
    count: dict[date, int] = dict.fromkeys(starts, 0)
    entries: dict[date, int] = dict.fromkeys(starts, 0)
    for run in runs:
        day = event_day(run.started_at, zone)
        wk = week_start(day)
        if wk in km and day <= today:
            km[wk] += run.distance_m / 1000
            count[wk] += 1
    pains = list(pains)
    for p in pains:
        day = event_day(p.at, zone)
        if week_start(day) in entries and day <= today:
            entries[week_start(day)] += 1
    worst: dict[date, list[int]] = {s: [] for s in starts}
    for day, value in worst_by_day(pains, zone).items():
        if week_start(day) in worst and day <= today:
            worst[week_start(day)].append(value)
    return [
        WeekLoad(
            week_start=s,
            runs=count[s],
            km=round(km[s], 2),
            pain_entries=entries[s],
            pain_days=len(worst[s]),
            mean_pain=mean_worst(worst[s]),
        )
        for s in starts
    ]


def heatmap(
    sessions: Iterable[SessionPoint],
    runs: Iterable[RunPoint],
    pains: Iterable[PainPoint],
    zone: str,
    today: date,
) -> Heatmap:
    """Return one cell per local day from the Monday a year back through today."""
    first = week_start(today - timedelta(days=364))
    n = (today - first).days + 1
    minutes = [0.0] * n
    ran = [False] * n

    def index(at: datetime) -> int | None:
        i = (event_day(at, zone) - first).days
        return i if 0 <= i < n else None

    for s in sessions:
        i = index(s.started_at)
        if i is not None:
            minutes[i] += s.minutes
    for r in runs:
        i = index(r.started_at)
        if i is not None:
            ran[i] = True
    worst = worst_by_day(pains, zone)
    days = [
        HeatDay(
            day=first + timedelta(days=i),
            minutes=round(minutes[i], 2),
            level=heat_level(minutes[i]),
            run=ran[i],
            max_pain=worst.get(first + timedelta(days=i)),
        )
        for i in range(n)
    ]
    return Heatmap(first=first, last=today, days=days)
