"""Personal patterns: pain on days with and without a habit, honestly compared (pure).

For each habit (back-up work before the run, at least N movement breaks, each routine done
often) and each outcome (the worst pain after the run that day, the worst pain the next day),
the days with the habit are compared with the days without. A pattern is shown only when both
groups have MIN_DAYS days with the outcome logged; it gives the difference of the means and a
bootstrap 95 % interval (seeded, so the same log always gives the same numbers). The words are
those of an association in the user's own log, never of cause and effect. Method and worked
example: docs/training-load.md ("Personal patterns").
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import random
import statistics
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple

from pydantic import ConfigDict

from runback.core.model import Model
from runback.core.pain import PainPoint, worst_by
from runback.core.runs import plausible_start
from runback.core.timezones import event_day

__all__ = [
    "CAVEAT",
    "DEFAULT_MIN_BREAKS",
    "MIN_DAYS",
    "RESAMPLES",
    "BreakPoint",
    "Comparison",
    "DayRecord",
    "Outcome",
    "Pattern",
    "PatternDay",
    "PatternPain",
    "PatternRun",
    "PatternSession",
    "Patterns",
    "bootstrap_interval",
    "compare",
    "day_records",
    "find_patterns",
    "pattern_text",
    "records_from_days",
]

MIN_DAYS = 8  # days with the outcome logged, in each group
DEFAULT_MIN_BREAKS = 6
RESAMPLES = 1000
# The fast bootstrap draws sums of up to _BLOCK values at once, for whole-number values spanning
# at most _MAX_SPAN (pain spans 10); see _resampled_sums.
_BLOCK = 8
_MAX_SPAN = 20
CAVEAT = "This is not proof: these days may differ in other ways too."
Outcome = Literal["after-run", "next-day"]
_OUTCOME_WORDS: dict[str, str] = {"after-run": "pain after the run", "next-day": "next-day pain"}


@dataclass(frozen=True)
class PatternSession:
    """A session that counts as back-up work: its routine and when it ran."""

    started_at: datetime
    ended_at: datetime
    routine_slug: str


@dataclass(frozen=True)
class PatternRun:
    """A run: its id (pain entries may link to it) and start."""

    id: int
    started_at: datetime


@dataclass(frozen=True)
class BreakPoint:
    """A movement break that was due, and whether it was taken."""

    at: datetime
    taken: bool


class PatternDay(NamedTuple):
    """The part of a day rollup the patterns read (a day something happened)."""

    day: date
    breaks_due: int  # answered taken, away from the desk, skipped or missed
    breaks_taken: int  # taken or away from the desk
    worst_pain: int | None  # the day's worst entry
    first_run_at: datetime | None  # None: no run that day
    prepared: bool  # back-up work ended before the day's first run


class PatternPain(NamedTuple):
    """A pain entry, with the start of the run it is linked to when that run is in the window."""

    at: datetime
    intensity: int
    run_started_at: datetime | None


class DayRecord(NamedTuple):
    """One local day: what was done, and the pain outcomes (None when no pain was logged)."""

    # A named tuple, not a frozen dataclass: ~120 are made per comparison, three times cheaper.

    day: date
    ran: bool
    backup_before_run: bool
    breaks_due: int
    breaks_taken: int
    routines: frozenset[str]
    after_run_pain: int | None
    next_day_pain: int | None


class _Model(Model):
    model_config = ConfigDict(frozen=True)


class Comparison(_Model):
    """Pain with vs without a habit: sizes always, numbers only when both groups are big enough."""

    with_n: int
    without_n: int
    min_n: int
    shown: bool
    with_mean: float | None
    without_mean: float | None
    difference: float | None  # with minus without; below 0: lower pain with the habit
    low: float | None  # bootstrap 95 % interval of the difference
    high: float | None


class Pattern(_Model):
    """One habit and one outcome, compared, in words."""

    key: str
    habit: str  # e.g. "back-up work before the run"
    outcome: Outcome
    routine_slug: str | None
    comparison: Comparison
    clearly_lower: bool  # shown and the whole interval is below 0
    text: str


class Patterns(_Model):
    """Every comparison that could be made from the log, shown or still waiting for days."""

    first: date
    last: date
    min_days: int
    min_breaks: int
    patterns: list[Pattern]

    @property
    def shown(self) -> list[Pattern]:
        """Return the patterns with enough days in both groups."""
        return [p for p in self.patterns if p.comparison.shown]


_Z975 = 1.959964


def _t975(df: int) -> float:
    """Return Student's t 97.5 % quantile (Cornish-Fisher; within 0.01 of the table from df 7)."""
    z = _Z975
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _convolve(p: Sequence[float], q: Sequence[float]) -> list[float]:
    """Return the distribution of the sum of two independent draws (offsets 0, 1, 2 ...)."""
    lp, lq = len(p), len(q)
    qr = list(reversed(q))
    out = []
    for k in range(lp + lq - 1):
        lo, hi = max(0, k - lq + 1), min(k, lp - 1) + 1
        start = lq - 1 - k + lo
        out.append(sum(map(operator.mul, p[lo:hi], qr[start : start + hi - lo])))
    return out


def _draw_sums(pmf: Sequence[float], rng: random.Random, k: int) -> list[int]:
    """Return k draws of the offsets of `pmf` (a list of probabilities)."""
    cum = list(itertools.accumulate(pmf))
    top = cum[-1]
    cum = [c / top for c in cum]
    cum[-1] = 1.0  # random() < 1.0: every draw lands on an offset, whatever the float sums
    # The draws and their lookups in C (starmap calls random() k times, in order): the same
    # numbers as a loop calling find(cum, random()), in about half the time.
    draws = itertools.starmap(rng.random, itertools.repeat((), k))
    return list(map(bisect.bisect, itertools.repeat(cum, k), draws))


def _resampled_sums(values: Sequence[float], rng: random.Random, resamples: int) -> list[float]:
    """Return the sums of `resamples` resamples (with replacement) of `values`, each of its size.

    Pain is a whole number 0-10, so the sum of a block of 2^j draws has a small exact
    distribution (the empirical one convolved with itself j times): one draw from it stands for
    the 2^j draws, and a resample of n values takes about n / BLOCK draws instead of n.
    """
    n = len(values)
    ints = [int(v) for v in values]
    lo, hi = min(ints), max(ints)
    if any(i != v for i, v in zip(ints, values, strict=True)) or hi - lo > _MAX_SPAN:
        # Not small whole numbers: resample the values one by one.
        return [sum(rng.choices(values, k=n)) for _ in range(resamples)]
    pmf = [0.0] * (hi - lo + 1)
    for i in ints:
        pmf[i - lo] += 1 / n
    powers = [pmf]  # powers[j]: the sum of 2^j draws, less 2^j x lo
    while 2 ** len(powers) <= min(n, _BLOCK):
        powers.append(_convolve(powers[-1], powers[-1]))
    block = 2 ** (len(powers) - 1)
    q, r = divmod(n, block)
    # The last block also holds the r values left over: its sum is drawn from one distribution.
    last = powers[-1]
    for j, power in enumerate(powers):
        if r >> j & 1:
            last = _convolve(last, power)
    tails = _draw_sums(last, rng, resamples)
    if q == 1:
        return [float(t + lo * n) for t in tails]
    blocks = iter(_draw_sums(powers[-1], rng, (q - 1) * resamples))
    # Consecutive runs of q - 1 draws (their count is a multiple of q - 1).
    per_resample = map(sum, zip(*[blocks] * (q - 1), strict=False))
    return [float(b + t + lo * n) for b, t in zip(per_resample, tails, strict=True)]


def bootstrap_interval(
    with_values: Sequence[float],
    without_values: Sequence[float],
    rng: random.Random,
    resamples: int = RESAMPLES,
) -> tuple[float, float]:
    """Return a 95 % percentile bootstrap interval of mean(with) - mean(without), widened.

    Each group is resampled with replacement on its own. A plain percentile interval is too
    narrow for groups of 8 to 15 days, so it is widened about the observed difference by
    sqrt(n / (n - 1)) x t(0.975, n - 1) / 1.96, n the smaller group (Student-like width).
    """
    a, b = list(with_values), list(without_values)
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        raise ValueError("each group needs at least 2 values")
    sums_a = _resampled_sums(a, rng, resamples)
    sums_b = _resampled_sums(b, rng, resamples)
    # The same floats as sa / na - sb / nb pair by pair, computed by map in C.
    means_a = map(operator.truediv, sums_a, itertools.repeat(na))
    means_b = map(operator.truediv, sums_b, itertools.repeat(nb))
    diffs = sorted(map(operator.sub, means_a, means_b))
    q_low = diffs[math.floor(0.025 * (resamples - 1))]
    q_high = diffs[math.ceil(0.975 * (resamples - 1))]
    observed = statistics.fmean(a) - statistics.fmean(b)
    n = min(na, nb)
    widen = math.sqrt(n / (n - 1)) * _t975(n - 1) / _Z975
    return observed - (observed - q_low) * widen, observed + (q_high - observed) * widen


def compare(
    with_values: Sequence[float],
    without_values: Sequence[float],
    *,
    min_n: int = MIN_DAYS,
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> Comparison:
    """Return the comparison; its numbers are None unless both groups have min_n values."""
    na, nb = len(with_values), len(without_values)
    if na < min_n or nb < min_n or min(na, nb) < 2:
        return Comparison(
            with_n=na,
            without_n=nb,
            min_n=min_n,
            shown=False,
            with_mean=None,
            without_mean=None,
            difference=None,
            low=None,
            high=None,
        )
    low, high = bootstrap_interval(with_values, without_values, random.Random(seed), resamples)
    wm, wom = statistics.fmean(with_values), statistics.fmean(without_values)
    return Comparison(
        with_n=na,
        without_n=nb,
        min_n=min_n,
        shown=True,
        with_mean=round(wm, 2),
        without_mean=round(wom, 2),
        difference=round(wm - wom, 2),
        low=round(low, 2),
        high=round(high, 2),
    )


def _needs(c: Comparison) -> str:
    more = []
    if c.with_n < c.min_n:
        more.append(f"{c.min_n - c.with_n} more with")
    if c.without_n < c.min_n:
        more.append(f"{c.min_n - c.without_n} more without")
    return " and ".join(more)


def pattern_text(habit: str, outcome: Outcome, c: Comparison) -> str:
    """Return the pattern in plain words: an association in the user's own log, never a cause."""
    what = _OUTCOME_WORDS[outcome]
    if not c.shown or c.difference is None or c.low is None or c.high is None:
        return (
            f"Not enough days yet to compare {what} with and without {habit}: log pain on "
            f"{_needs(c)} (at least {c.min_n} days in each group)."
        )
    d = c.difference
    if abs(d) < 0.05:
        d, size, than = 0.0, "about the same", "as"
    else:
        size, than = f"{abs(d):.1f} points {'lower' if d < 0 else 'higher'} on average", "than"
    return (
        f"In your own log, {what} was {size} on days with {habit} {than} on days without "
        f"(n = {c.with_n} and {c.without_n} days; difference {d:+.1f}, 95 % interval "
        f"{c.low:+.1f} to {c.high:+.1f}). {CAVEAT}"
    )


def day_records(
    sessions: Iterable[PatternSession],
    runs: Iterable[PatternRun],
    pains: Iterable[PainPoint],
    breaks: Iterable[BreakPoint],
    zone: str,
    first: date,
    last: date,
) -> list[DayRecord]:
    """Return one record per local day in [first, last] (pain of `last + 1` counts as next-day)."""
    runs = list(runs)
    pains = list(pains)
    first_run: dict[date, datetime] = {}
    run_day: dict[int, date] = {}
    for r in runs:
        d = event_day(r.started_at, zone)
        run_day[r.id] = d
        if d not in first_run or r.started_at < first_run[d]:
            first_run[d] = r.started_at

    def after_run_day(p: PainPoint) -> date | None:
        # A pain entry linked to a run counts on that run's day (even logged after midnight);
        # any other entry counts when logged on a run day at or after the day's first run.
        if p.run_id is not None and p.run_id in run_day:
            return run_day[p.run_id]
        d = event_day(p.at, zone)
        start = first_run.get(d)
        return d if start is not None and p.at >= start else None

    after = worst_by(pains, after_run_day)
    daily = worst_by(pains, lambda p: event_day(p.at, zone))
    before: set[date] = set()
    routines: dict[date, set[str]] = {}
    for s in sessions:
        d = event_day(s.started_at, zone)
        routines.setdefault(d, set()).add(s.routine_slug)
        start = first_run.get(d)
        if start is not None and s.ended_at <= start:
            before.add(d)
    due: dict[date, int] = {}
    taken: dict[date, int] = {}
    for b in breaks:
        d = event_day(b.at, zone)
        due[d] = due.get(d, 0) + 1
        taken[d] = taken.get(d, 0) + (1 if b.taken else 0)
    out = []
    for i in range((last - first).days + 1):
        d = first + timedelta(days=i)
        ran = d in first_run
        out.append(
            DayRecord(
                day=d,
                ran=ran,
                backup_before_run=d in before,
                breaks_due=due.get(d, 0),
                breaks_taken=taken.get(d, 0),
                routines=frozenset(routines.get(d, set())),
                after_run_pain=after.get(d) if ran else None,
                next_day_pain=daily.get(d + timedelta(days=1)),
            )
        )
    return out


def records_from_days(
    days: Iterable[PatternDay],
    practice: Iterable[tuple[datetime, str]],
    pains: Iterable[PatternPain],
    zone: str,
    first: date,
    last: date,
) -> list[DayRecord]:
    """Return day_records' records from day rollups, practice sessions and pain entries.

    `practice` is (start, routine) of the sessions that count as back-up work. Runs, breaks,
    the day's worst pain and back-up work before the run come from the rollups, whose rules
    are day_records' own (tests/services/test_patterns_oracle.py compares the two).
    """
    by_day = {d.day: d for d in days}
    first_run = {d.day: at for d in by_day.values() if (at := d.first_run_at) is not None}

    def after_run_day(p: PatternPain) -> date | None:
        # As in day_records: a linked run's day, else a run day at or after its first run.
        start = p.run_started_at
        if start is not None and plausible_start(start):
            return event_day(start, zone)
        d = event_day(p.at, zone)
        start = first_run.get(d)
        return d if start is not None and p.at >= start else None

    after = worst_by(pains, after_run_day)
    routines: dict[date, set[str]] = {}
    for started_at, slug in practice:
        routines.setdefault(event_day(started_at, zone), set()).add(slug)
    out = []
    none = PatternDay(first, 0, 0, None, None, False)
    one = timedelta(days=1)
    d = first
    while d <= last:
        r = by_day.get(d, none)
        ran = r.first_run_at is not None
        following = by_day.get(d + one)
        out.append(
            DayRecord(
                day=d,
                ran=ran,
                backup_before_run=ran and r.prepared,
                breaks_due=r.breaks_due,
                breaks_taken=r.breaks_taken,
                routines=frozenset(routines.get(d, ())),
                after_run_pain=after.get(d) if ran else None,
                next_day_pain=following.worst_pain if following is not None else None,
            )
        )
        d += one
    return out


def _values(days: Iterable[DayRecord], outcome: Outcome) -> list[float]:
    key = "after_run_pain" if outcome == "after-run" else "next_day_pain"
    return [float(v) for d in days if (v := getattr(d, key)) is not None]


def _pattern(
    key: str,
    habit: str,
    outcome: Outcome,
    yes: list[DayRecord],
    no: list[DayRecord],
    min_days: int,
    seed: int,
    routine_slug: str | None = None,
) -> Pattern:
    # One stream per pattern, fixed by its name: the same log always gives the same interval.
    c = compare(
        _values(yes, outcome),
        _values(no, outcome),
        min_n=min_days,
        seed=seed ^ zlib.crc32(f"{key}/{outcome}".encode()),
    )
    return Pattern(
        key=key,
        habit=habit,
        outcome=outcome,
        routine_slug=routine_slug,
        comparison=c,
        clearly_lower=c.shown and c.high is not None and c.high < 0,
        text=pattern_text(habit, outcome, c),
    )


def find_patterns(
    days: Sequence[DayRecord],
    *,
    routine_names: Mapping[str, str],
    min_breaks: int = DEFAULT_MIN_BREAKS,
    min_days: int = MIN_DAYS,
    seed: int = 0,
) -> Patterns:
    """Return every habit/outcome comparison the days allow, shown only when big enough."""
    if min_breaks < 1:
        raise ValueError("min_breaks must be at least 1")
    first = days[0].day if days else date.min
    last = days[-1].day if days else date.min
    out: list[Pattern] = []
    outcomes: tuple[Outcome, ...] = ("after-run", "next-day")
    run_days = [d for d in days if d.ran]
    for outcome in outcomes:
        out.append(
            _pattern(
                "backup-before-run",
                "back-up work before the run",
                outcome,
                [d for d in run_days if d.backup_before_run],
                [d for d in run_days if not d.backup_before_run],
                min_days,
                seed,
            )
        )
    # Only days when breaks were due: a weekend without reminders is not a day "without".
    break_days = [d for d in days if d.breaks_due > 0]
    pool = {"after-run": [d for d in break_days if d.ran], "next-day": break_days}
    for outcome in outcomes:
        out.append(
            _pattern(
                "breaks",
                f"at least {min_breaks} movement breaks taken",
                outcome,
                [d for d in pool[outcome] if d.breaks_taken >= min_breaks],
                [d for d in pool[outcome] if d.breaks_taken < min_breaks],
                min_days,
                seed,
            )
        )
    # A routine done on fewer days than a group needs could never be shown: left out.
    counts: dict[str, int] = {}
    for d in days:
        for slug in d.routines:
            counts[slug] = counts.get(slug, 0) + 1
    for slug in sorted(s for s, n in counts.items() if n >= min_days):
        name = routine_names.get(slug, slug.replace("-", " "))
        for outcome in outcomes:
            base = run_days if outcome == "after-run" else list(days)
            out.append(
                _pattern(
                    f"routine:{slug}",
                    f"the routine “{name}”",
                    outcome,
                    [d for d in base if slug in d.routines],
                    [d for d in base if slug not in d.routines],
                    min_days,
                    seed,
                    routine_slug=slug,
                )
            )
    return Patterns(first=first, last=last, min_days=min_days, min_breaks=min_breaks, patterns=out)
