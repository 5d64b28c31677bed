"""Training load from runs: daily load, acute and chronic load, their ratio, ramp and monotony.

Pure: runs and pain come in as plain points, every event lands on the user's local day
(core.timezones.event_day). The formulas, with worked examples, are in docs/training-load.md:

- daily load: the minutes run that day, or, for a run with an average heart rate, Banister's
  TRIMP (minutes x HRr x 0.64 e^(1.92 HRr), HRr the heart-rate reserve fraction);
- acute load: the mean daily load of the last 7 days; chronic: of the last 28 days (rolling
  averages, today included, days without runs counting as 0);
- acute:chronic ratio (ACWR): acute / chronic;
- ramp: the km of the last 7 days against the 7 before, in per cent;
- monotony: mean / standard deviation of the last 7 daily loads; strain: 7-day total x monotony.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import ConfigDict

from runback.core.model import Model
from runback.core.pain import PainPoint, worst_by_day
from runback.core.timezones import event_day

__all__ = [
    "ACUTE_DAYS",
    "CHRONIC_DAYS",
    "DEFAULT_MAX_HR",
    "DEFAULT_REST_HR",
    "NUDGE",
    "PAIN_BEFORE_DAYS",
    "PAIN_RECENT_DAYS",
    "RAMP_HIGH_PERCENT",
    "RATIO_HIGH",
    "DayLoad",
    "HeartRates",
    "LoadPoint",
    "LoadSummary",
    "daily_loads",
    "estimated_heart_rates",
    "load_summary",
    "monotony",
    "pain_trend",
    "ramp_percent",
    "rolling_mean",
    "run_load",
    "trimp_factor",
    "weekly_totals",
]

ACUTE_DAYS = 7
CHRONIC_DAYS = 28
# The nudge needs both: distance up by more than this week on week, and acute above chronic
# by more than this ratio (the usual "sweet spot" ends near 1.3).
RAMP_HIGH_PERCENT = 30.0
RATIO_HIGH = 1.3
# Back pain is "rising" when the mean daily worst pain of the last 7 days is above that of the
# 14 days before, each window with at least this many days logged.
PAIN_RECENT_DAYS = 7
PAIN_BEFORE_DAYS = 14
MIN_PAIN_DAYS = 2
NUDGE = (
    "Your running went up quickly this week and your back pain has been rising: hold the "
    "volume this week, keep the back-up work, and consider seeing a physio if it continues."
)
# Without a measured resting and maximum heart rate: 60 at rest, and Tanaka's 208 - 0.7 x age
# (or 190 when the age is unknown) at the top.
DEFAULT_REST_HR = 60.0
DEFAULT_MAX_HR = 190.0


@dataclass(frozen=True)
class HeartRates:
    """The resting and maximum heart rate a run's intensity is measured against."""

    rest: float
    max: float


@dataclass(frozen=True)
class LoadPoint:
    """A run for load: its start, duration, distance and average heart rate (None: unknown)."""

    started_at: datetime
    duration_s: float
    distance_m: float
    avg_hr: float | None = None


class _Model(Model):
    model_config = ConfigDict(frozen=True)


class DayLoad(_Model):
    """One local day: its load and km, and the rolling loads and ratio ending that day."""

    day: date
    load: float
    km: float
    acute: float
    chronic: float
    ratio: float | None


class LoadSummary(_Model):
    """The load numbers of the last days up to today, and the nudge when it applies."""

    today: date
    days: list[DayLoad]  # oldest first, ending today
    acute: float
    chronic: float
    ratio: float | None  # None while the chronic load is 0
    km_last_7: float
    km_prev_7: float
    ramp_percent: float | None  # None when the 7 days before had no km
    monotony: float | None  # None when every one of the 7 loads is the same
    strain: float | None
    heart_rate_runs: int  # runs in the period whose load came from heart rate
    pain_recent: float | None  # mean daily worst pain, last 7 days
    pain_before: float | None  # the 14 days before
    pain_rising: bool
    ramp_high: bool
    nudge: str | None


def estimated_heart_rates(age: int | None) -> HeartRates:
    """Return a resting and maximum heart rate estimated from the age (Tanaka), or defaults."""
    top = DEFAULT_MAX_HR if age is None else 208.0 - 0.7 * age
    return HeartRates(rest=DEFAULT_REST_HR, max=top)


def trimp_factor(avg_hr: float, hr: HeartRates) -> float:
    """Return Banister's TRIMP weight per minute, HRr x 0.64 e^(1.92 HRr), HRr clamped 0-1."""
    span = hr.max - hr.rest
    if span <= 0:
        raise ValueError("the maximum heart rate must be above the resting one")
    reserve = min(1.0, max(0.0, (avg_hr - hr.rest) / span))
    return reserve * 0.64 * math.exp(1.92 * reserve)


def run_load(run: LoadPoint, hr: HeartRates) -> float:
    """Return one run's load: its minutes, times the TRIMP weight when heart rate is known."""
    minutes = max(0.0, run.duration_s) / 60
    if run.avg_hr is None:
        return minutes
    return minutes * trimp_factor(run.avg_hr, hr)


def daily_loads(
    runs: Iterable[LoadPoint], zone: str, first: date, last: date, hr: HeartRates
) -> list[tuple[date, float, float]]:
    """Return (day, load, km) for every local day in [first, last], 0 on days without runs."""
    n = (last - first).days + 1
    load = [0.0] * max(0, n)
    km = [0.0] * max(0, n)
    for run in runs:
        i = (event_day(run.started_at, zone) - first).days
        if 0 <= i < n:
            load[i] += run_load(run, hr)
            km[i] += run.distance_m / 1000
    return [(first + timedelta(days=i), load[i], km[i]) for i in range(n)]


def rolling_mean(values: Sequence[float], end: int, days: int) -> float:
    """Return the mean of the `days` values ending at index `end` (missing ones count as 0)."""
    window = values[max(0, end - days + 1) : end + 1]
    return sum(window) / days


def ramp_percent(km_last: float, km_prev: float) -> float | None:
    """Return the change from km_prev to km_last in per cent, None when km_prev is 0."""
    if km_prev <= 0:
        return None
    return (km_last - km_prev) / km_prev * 100


def monotony(loads: Sequence[float]) -> float | None:
    """Return mean / population standard deviation of the loads, None when they never vary."""
    if len(loads) < 2:
        return None
    sd = statistics.pstdev(loads)
    if sd == 0:
        return None
    return statistics.fmean(loads) / sd


def pain_trend(
    pains: Iterable[PainPoint], zone: str, today: date
) -> tuple[float | None, float | None, bool]:
    """Return the mean daily worst pain of the last 7 days, of the 14 before, and if it rose."""
    worst = worst_by_day(pains, zone)
    recent_from = today - timedelta(days=PAIN_RECENT_DAYS - 1)
    before_from = recent_from - timedelta(days=PAIN_BEFORE_DAYS)
    recent = [v for d, v in worst.items() if recent_from <= d <= today]
    before = [v for d, v in worst.items() if before_from <= d < recent_from]
    r = statistics.fmean(recent) if recent else None
    b = statistics.fmean(before) if before else None
    rising = (
        r is not None
        and b is not None
        and len(recent) >= MIN_PAIN_DAYS
        and len(before) >= MIN_PAIN_DAYS
        and r > b
    )
    return r, b, rising


def _round(x: float | None, places: int = 2) -> float | None:
    return None if x is None else round(x, places)


def load_summary(
    runs: Iterable[LoadPoint],
    pains: Iterable[PainPoint],
    zone: str,
    today: date,
    hr: HeartRates,
    days: int = 84,
) -> LoadSummary:
    """Return the daily loads of the last `days` days and today's acute, chronic, ramp and nudge."""
    if days < 1:
        raise ValueError("days must be at least 1")
    runs = list(runs)
    # 28 extra days so the first day shown already has a full chronic window.
    first = today - timedelta(days=days - 1 + CHRONIC_DAYS)
    series = daily_loads(runs, zone, first, today, hr)
    loads = [load for _, load, _ in series]
    # Plain dicts, validated with the summary in one call: a third of building each DayLoad.
    rows: list[dict[str, object]] = []
    for i, (day, load, km) in enumerate(series):
        if i < CHRONIC_DAYS:
            continue
        acute = rolling_mean(loads, i, ACUTE_DAYS)
        chronic = rolling_mean(loads, i, CHRONIC_DAYS)
        rows.append(
            {
                "day": day,
                "load": round(load, 1),
                "km": round(km, 2),
                "acute": round(acute, 1),
                "chronic": round(chronic, 1),
                "ratio": _round(acute / chronic) if chronic > 0 else None,
            }
        )
    end = len(series) - 1
    acute = rolling_mean(loads, end, ACUTE_DAYS)
    chronic = rolling_mean(loads, end, CHRONIC_DAYS)
    ratio = acute / chronic if chronic > 0 else None
    km_last = sum(km for _, _, km in series[-7:])
    km_prev = sum(km for _, _, km in series[-14:-7])
    ramp = ramp_percent(km_last, km_prev)
    last_week = loads[-7:]
    mono = monotony(last_week)
    strain = sum(last_week) * mono if mono is not None else None
    recent, before, rising = pain_trend(pains, zone, today)
    high = (
        ramp is not None and ramp > RAMP_HIGH_PERCENT and ratio is not None and ratio > RATIO_HIGH
    )
    counted_from = series[CHRONIC_DAYS][0] if rows else today
    hr_runs = sum(
        1
        for r in runs
        if r.avg_hr is not None and counted_from <= event_day(r.started_at, zone) <= today
    )
    return LoadSummary.model_validate(
        {
            "today": today,
            "days": rows,
            "acute": round(acute, 1),
            "chronic": round(chronic, 1),
            "ratio": _round(ratio),
            "km_last_7": round(km_last, 2),
            "km_prev_7": round(km_prev, 2),
            "ramp_percent": _round(ramp, 1),
            "monotony": _round(mono),
            "strain": _round(strain, 1),
            "heart_rate_runs": hr_runs,
            "pain_recent": _round(recent, 1),
            "pain_before": _round(before, 1),
            "pain_rising": rising,
            "ramp_high": high,
            "nudge": NUDGE if high and rising else None,
        }
    )


def weekly_totals(days: Sequence[DayLoad]) -> list[tuple[date, float, float, float | None]]:
    """Return (Monday, total load, km, ratio on the week's last day) per week of the days."""
    out: dict[date, list[float]] = {}
    last_ratio: dict[date, float | None] = {}
    for d in days:
        monday = d.day - timedelta(days=d.day.weekday())
        acc = out.setdefault(monday, [0.0, 0.0])
        acc[0] += d.load
        acc[1] += d.km
        last_ratio[monday] = d.ratio
    return [(m, round(v[0], 1), round(v[1], 2), last_ratio[m]) for m, v in out.items()]
