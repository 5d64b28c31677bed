"""Day rollups: one user's totals for one local day, and the consistency numbers made from them.

A day rollup holds what Today, streaks, habit strength and progress need from a day's raw rows
(sessions, breaks, pain entries, runs), computed by the same rules the raw-row code uses
(core.streaks, core.consistency, core.pain): so reading a few hundred rollups answers what
reading every row of ten years did. The day is the user's local day in their current zone
(core.timezones.event_day); a zone change recomputes them all.

Breaks due are what the reminders recorded, not the schedule: a day's due breaks are the ones
answered taken, skipped or missed (as the break summary counts them), so a change of the break
interval later never rewrites a past day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sized
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from runback.core.consistency import (
    Adherence,
    BeforeRun,
    Heatmap,
    WeekLoad,
    heat_level,
    week_start,
    weekly_adherence,
)
from runback.core.pain import mean_worst
from runback.core.runs import plausible, plausible_start
from runback.core.streaks import counts_as_practice
from runback.core.timezones import event_day
from runback.core.vocab import RUN_SPORTS

__all__ = [
    "BreakFacts",
    "DayRollup",
    "DayTotals",
    "PainFacts",
    "RunFacts",
    "SessionFacts",
    "adherence_from",
    "before_run_from",
    "day_rollups",
    "heatmap_from",
    "session_minutes",
    "weekly_load_from",
    "with_streaks",
]


@dataclass(frozen=True)
class SessionFacts:
    """The columns of a stored session a day rollup reads."""

    started_at: datetime
    ended_at: datetime | None
    active_s: float | None
    planned_s: float | None
    done_s: float | None
    steps_done: Sized | None


@dataclass(frozen=True)
class BreakFacts:
    """When a break was answered, and how (taken, skipped, missed, snoozed, natural)."""

    at: datetime
    outcome: str


@dataclass(frozen=True)
class PainFacts:
    """A pain entry's instant and intensity."""

    at: datetime
    intensity: int


@dataclass(frozen=True)
class RunFacts:
    """The columns of a stored activity a day rollup reads."""

    started_at: datetime
    sport: str
    distance_m: float | None
    moving_s: float | None
    elapsed_s: float | None


@dataclass(frozen=True)
class DayRollup:
    """One user's totals for one local day (a row of the day_rollups table)."""

    day: date
    sessions: int = 0  # every session started that day
    practice: int = 0  # those that count as back-up work (core.streaks)
    minutes: float = 0.0  # minutes of the practice sessions (the heatmap's)
    done_s: float = 0.0  # seconds held over every session of the day
    first_practice_end: datetime | None = None  # the earliest end of a practice session
    streak: int = 0  # consecutive practice days ending this day (0: not a practice day)
    breaks_taken: int = 0
    breaks_skipped: int = 0
    breaks_missed: int = 0
    breaks_snoozed: int = 0
    breaks_away: int = 0  # natural breaks: away from the keyboard anyway
    pain_entries: int = 0
    worst_pain: int | None = None  # the day's worst entry (core.pain)
    runs: int = 0  # runs (not other sports) with a plausible start
    run_m: float = 0.0  # their plausible distance
    run_s: float = 0.0  # their moving time (elapsed when moving is unknown): the day's load
    first_run_at: datetime | None = None
    worst_run_pain: int | None = None  # worst pain linked to this day's runs, logged any day

    @property
    def breaks_due(self) -> int:
        """Return the breaks that fell due: answered taken, skipped or missed."""
        return self.breaks_taken + self.breaks_skipped + self.breaks_missed

    @property
    def empty(self) -> bool:
        """Tell whether nothing happened this day (no row is kept for it)."""
        return (
            self.sessions == 0
            and self.breaks_taken + self.breaks_skipped + self.breaks_missed == 0
            and self.breaks_snoozed + self.breaks_away == 0
            and self.pain_entries == 0
            and self.runs == 0
            and self.worst_run_pain is None
        )


class DayTotals(NamedTuple):
    """The part of a day rollup the progress numbers read (a lean row: read hundreds at once)."""

    day: date
    practice: int
    minutes: float
    breaks_taken: int
    breaks_due: int  # taken + skipped + missed (DayRollup.breaks_due)
    pain_entries: int
    worst_pain: int | None
    runs: int
    run_m: float
    run_day: bool  # a first run is known (DayRollup.first_run_at is set)
    prepared: bool  # back-up work ended before the day's first run (both known)

    @classmethod
    def of(cls, r: DayRollup) -> DayTotals:
        """Return the totals of a whole day rollup."""
        return cls(
            r.day,
            r.practice,
            r.minutes,
            r.breaks_taken,
            r.breaks_due,
            r.pain_entries,
            r.worst_pain,
            r.runs,
            r.run_m,
            r.first_run_at is not None,
            r.first_practice_end is not None
            and r.first_run_at is not None
            and r.first_practice_end <= r.first_run_at,
        )


def session_minutes(
    started_at: datetime, ended_at: datetime | None, active_s: float | None
) -> float:
    """Return a session's minutes: its active time, else its length, else none."""
    if active_s and active_s > 0:
        return float(active_s) / 60
    if ended_at is not None:
        return max(0.0, float((ended_at - started_at).total_seconds()) / 60)
    return 0.0


def _min(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b < a else a


def _max(a: int | None, b: int) -> int:
    return b if a is None or b > a else a


def day_rollups(
    zone: str,
    *,
    sessions: Iterable[SessionFacts] = (),
    breaks: Iterable[BreakFacts] = (),
    pains: Iterable[PainFacts] = (),
    runs: Iterable[RunFacts] = (),
    run_pains: Iterable[tuple[datetime, int]] = (),
) -> dict[date, DayRollup]:
    """Return the rollup of every day these rows fall on (streaks not set: see with_streaks).

    `run_pains` are (start of the linked run, intensity) of pain entries linked to a run: they
    count on the run's day, as the pain-after-runs comparison counts them. Rows are summed in
    the order given, the order the raw-row code reads them in.
    """
    out: dict[date, DayRollup] = {}

    def get(at: datetime) -> DayRollup:
        day = event_day(at, zone)
        found = out.get(day)
        if found is None:
            found = out[day] = DayRollup(day)
        return found

    for s in sessions:
        r = get(s.started_at)
        r = replace(r, sessions=r.sessions + 1, done_s=r.done_s + float(s.done_s or 0.0))
        if counts_as_practice(planned_s=s.planned_s, done_s=s.done_s, steps_done=s.steps_done):
            minutes = session_minutes(s.started_at, s.ended_at, s.active_s)
            # An interrupted session has no end; its active time is the best guess of the end.
            ended = s.ended_at or s.started_at + timedelta(minutes=minutes)
            r = replace(
                r,
                practice=r.practice + 1,
                minutes=r.minutes + minutes,
                first_practice_end=_min(r.first_practice_end, ended),
            )
        out[r.day] = r
    for b in breaks:
        r = get(b.at)
        name = {
            "taken": "breaks_taken",
            "skipped": "breaks_skipped",
            "missed": "breaks_missed",
            "snoozed": "breaks_snoozed",
            "natural": "breaks_away",
        }.get(b.outcome)
        if name is not None:
            out[r.day] = replace(r, **{name: getattr(r, name) + 1})
    for p in pains:
        r = get(p.at)
        out[r.day] = replace(
            r, pain_entries=r.pain_entries + 1, worst_pain=_max(r.worst_pain, p.intensity)
        )
    for run in runs:
        if run.sport not in RUN_SPORTS or not plausible_start(run.started_at):
            continue  # other sports and implausible starts are read as missing
        r = get(run.started_at)
        seconds = plausible(run.moving_s) or plausible(run.elapsed_s) or 0.0
        out[r.day] = replace(
            r,
            runs=r.runs + 1,
            run_m=r.run_m + (plausible(run.distance_m) or 0.0),
            run_s=r.run_s + seconds,
            first_run_at=_min(r.first_run_at, run.started_at),
        )
    for start, intensity in run_pains:
        if not plausible_start(start):
            continue
        r = get(start)
        out[r.day] = replace(r, worst_run_pain=_max(r.worst_run_pain, intensity))
    return out


def with_streaks(days: Iterable[DayRollup], before: DayRollup | None = None) -> list[DayRollup]:
    """Return the rollups oldest first with `streak` set, continuing from the day `before`."""
    out: list[DayRollup] = []
    last = before
    for r in sorted(days, key=lambda r: r.day):
        if r.practice > 0:
            run = last is not None and last.practice > 0 and last.day == r.day - timedelta(days=1)
            streak = last.streak + 1 if run and last is not None else 1
        else:
            streak = 0
        r = replace(r, streak=streak)
        out.append(r)
        last = r
    return out


def adherence_from(
    days: Mapping[date, DayTotals], today: date, weeks: int, target: int
) -> Adherence:
    """Return weekly adherence from day rollups (core.consistency.weekly_adherence)."""
    return weekly_adherence([d for d, r in days.items() if r.practice > 0], today, weeks, target)


def before_run_from(days: Mapping[date, DayTotals], first: date, last: date) -> BeforeRun:
    """Return the share of run days with back-up work done before the day's first run."""
    run_days = [r for d, r in days.items() if first <= d <= last and r.run_day]
    n = len(run_days)
    prepared = sum(1 for r in run_days if r.prepared)
    return BeforeRun(run_days=n, prepared_days=prepared, share=prepared / n if n else None)


def weekly_load_from(days: Mapping[date, DayTotals], today: date, weeks: int) -> list[WeekLoad]:
    """Return km run and the mean daily worst pain for each of the last `weeks` weeks."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    out = []
    for s in starts:
        # The week's days looked up, oldest first (the rollups read cover far more weeks).
        week = (s + timedelta(days=k) for k in range(7))
        rs = [r for d in week if d <= today and (r := days.get(d)) is not None]
        worst = [r.worst_pain for r in rs if r.worst_pain is not None]
        out.append(
            WeekLoad(
                week_start=s,
                runs=sum(r.runs for r in rs),
                km=round(sum(r.run_m for r in rs) / 1000, 2),
                pain_entries=sum(r.pain_entries for r in rs),
                pain_days=len(worst),
                mean_pain=mean_worst(worst),
            )
        )
    return out


def heatmap_from(days: Mapping[date, DayTotals], today: date) -> Heatmap:
    """Return one cell per local day from the Monday a year back through today."""
    first = week_start(today - timedelta(days=364))
    cells = []
    day, one, get = first, timedelta(days=1), days.get
    while day <= today:
        r = get(day)
        if r is None:
            cells.append({"day": day, "minutes": 0.0, "level": 0, "run": False, "max_pain": None})
        else:
            minutes = r.minutes
            cells.append(
                {
                    "day": day,
                    "minutes": round(minutes, 2),
                    "level": heat_level(minutes),
                    "run": r.runs > 0,
                    "max_pain": r.worst_pain,
                }
            )
        day += one
    # Validated in one call (the cells as plain dicts): a third of building 371 models one by one.
    return Heatmap.model_validate({"first": first, "last": today, "days": cells})
