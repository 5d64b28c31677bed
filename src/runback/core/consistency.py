"""Consistency numbers: weekly adherence, back-up work before runs, pain against work and distance.

Every event lands on the local calendar day of the zone it was recorded in (as core/streaks.py
does), so DST days of 23 or 25 hours are still one day and a session done in New York stays on
its New York day after the user flies home. Weeks start on Monday, in local calendar days.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from runback.core.timezones import local_date
from runback.core.triage import PainPoint

__all__ = [
    "DEFAULT_TARGET",
    "Adherence",
    "BeforeRun",
    "HeatDay",
    "Heatmap",
    "PainComparison",
    "PainGroup",
    "PainPoint",
    "RunPoint",
    "SessionPoint",
    "WeekAdherence",
    "WeekLoad",
    "before_run",
    "heat_level",
    "heatmap",
    "pain_after_runs",
    "week_start",
    "weekly_adherence",
    "weekly_load",
]

DEFAULT_TARGET = 6  # days of back-up work per week
# Minutes of back-up work at which a heatmap cell reaches shade 1, 2, 3 and 4.
HEAT_STEPS = (0.0, 5.0, 10.0, 20.0)


@dataclass(frozen=True)
class SessionPoint:
    """A session that counts as back-up work: when it ran, where, and for how long."""

    started_at: datetime
    ended_at: datetime
    zone: str
    minutes: float


@dataclass(frozen=True)
class RunPoint:
    """A run: when it started, where, and how far."""

    id: int
    start_at: datetime
    zone: str
    distance_m: float


class _Model(BaseModel):
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
    share: float | None


class PainGroup(_Model):
    """Post-run pain on a group of run days (the worst pain linked to that day's runs)."""

    run_days: int
    days_with_pain_logged: int
    mean_pain: float | None
    max_pain: int | None


class PainComparison(_Model):
    """Post-run pain on run days with back-up work before the run, and without."""

    with_backup: PainGroup
    without_backup: PainGroup


class WeekLoad(_Model):
    """Running distance and mean logged pain in one Monday-start week."""

    week_start: date
    runs: int
    km: float
    pain_entries: int
    mean_pain: float | None


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
    return sum(1 for step in HEAT_STEPS if minutes > step)


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
    rows: list[WeekAdherence] = []
    for back in range(weeks - 1, -1, -1):
        start = this_week - timedelta(weeks=back)
        so_far = min(7, (today - start).days + 1)
        done = sum(1 for d in practice_days if start <= d < start + timedelta(days=so_far))
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


def _first_runs(runs: Iterable[RunPoint], first: date, last: date) -> dict[date, RunPoint]:
    """Return the earliest run of each local run day in [first, last]."""
    out: dict[date, RunPoint] = {}
    for run in runs:
        day = local_date(run.start_at, run.zone)
        if first <= day <= last and (day not in out or run.start_at < out[day].start_at):
            out[day] = run
    return out


def _prepared(sessions: Iterable[SessionPoint], first_runs: dict[date, RunPoint]) -> set[date]:
    """Return run days with a session that ended, that same day, before the first run started."""
    days: set[date] = set()
    for s in sessions:
        day = local_date(s.started_at, s.zone)
        run = first_runs.get(day)
        if run is not None and s.ended_at <= run.start_at:
            days.add(day)
    return days


def before_run(
    sessions: Iterable[SessionPoint], runs: Iterable[RunPoint], first: date, last: date
) -> BeforeRun:
    """Return the share of run days in [first, last] with back-up work done before the run."""
    first_runs = _first_runs(runs, first, last)
    prepared = _prepared(sessions, first_runs)
    n = len(first_runs)
    return BeforeRun(
        run_days=n, prepared_days=len(prepared), share=len(prepared) / n if n else None
    )


def _group(days: Collection[date], worst: dict[date, int]) -> PainGroup:
    values = [worst[d] for d in days if d in worst]
    return PainGroup(
        run_days=len(days),
        days_with_pain_logged=len(values),
        mean_pain=sum(values) / len(values) if values else None,
        max_pain=max(values) if values else None,
    )


def pain_after_runs(
    sessions: Iterable[SessionPoint],
    runs: Sequence[RunPoint],
    pains: Iterable[PainPoint],
    first: date,
    last: date,
) -> PainComparison:
    """Compare pain linked to runs on days with and without back-up work before the run."""
    first_runs = _first_runs(runs, first, last)
    prepared = _prepared(sessions, first_runs)
    run_day = {r.id: local_date(r.start_at, r.zone) for r in runs}
    worst: dict[date, int] = {}
    for p in pains:
        day = run_day.get(p.run_id) if p.run_id is not None else None
        if day is not None and day in first_runs:
            worst[day] = max(worst.get(day, 0), p.intensity)
    return PainComparison(
        with_backup=_group(prepared, worst),
        without_backup=_group(first_runs.keys() - prepared, worst),
    )


def weekly_load(
    runs: Iterable[RunPoint], pains: Iterable[PainPoint], today: date, weeks: int = 12
) -> list[WeekLoad]:
    """Return km run and mean logged pain for each of the last `weeks` weeks, oldest first."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    km: dict[date, float] = dict.fromkeys(starts, 0.0)
    count: dict[date, int] = dict.fromkeys(starts, 0)
    pain: dict[date, list[int]] = {s: [] for s in starts}
    for run in runs:
        day = local_date(run.start_at, run.zone)
        wk = week_start(day)
        if wk in km and day <= today:
            km[wk] += run.distance_m / 1000
            count[wk] += 1
    for p in pains:
        day = local_date(p.at, p.zone)
        wk = week_start(day)
        if wk in pain and day <= today:
            pain[wk].append(p.intensity)
    return [
        WeekLoad(
            week_start=s,
            runs=count[s],
            km=round(km[s], 3),
            pain_entries=len(pain[s]),
            mean_pain=sum(pain[s]) / len(pain[s]) if pain[s] else None,
        )
        for s in starts
    ]


def heatmap(
    sessions: Iterable[SessionPoint],
    runs: Iterable[RunPoint],
    pains: Iterable[PainPoint],
    today: date,
) -> Heatmap:
    """Return one cell per local day from the Monday a year back through today."""
    first = week_start(today - timedelta(days=364))
    n = (today - first).days + 1
    minutes = [0.0] * n
    ran = [False] * n
    worst: list[int | None] = [None] * n

    def index(at: datetime, zone: str) -> int | None:
        i = (local_date(at, zone) - first).days
        return i if 0 <= i < n else None

    for s in sessions:
        i = index(s.started_at, s.zone)
        if i is not None:
            minutes[i] += s.minutes
    for r in runs:
        i = index(r.start_at, r.zone)
        if i is not None:
            ran[i] = True
    for p in pains:
        i = index(p.at, p.zone)
        if i is not None:
            prev = worst[i]
            worst[i] = p.intensity if prev is None else max(prev, p.intensity)
    days = [
        HeatDay(
            day=first + timedelta(days=i),
            minutes=round(minutes[i], 2),
            level=heat_level(minutes[i]),
            run=ran[i],
            max_pain=worst[i],
        )
        for i in range(n)
    ]
    return Heatmap(first=first, last=today, days=days)
