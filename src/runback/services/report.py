"""The report for the physio: gather pain, red flags, runs and adherence (report/pdf renders it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from runback.core.figure import Figure
from runback.core.patterns import Patterns
from runback.core.runs import plausible, plausible_start
from runback.errors import NotFoundError, ValidationError
from runback.services.store import Store

if TYPE_CHECKING:
    from runback.core.catalog import Exercise, ResolvedStep
from runback.storage.models import PainEntryRow, RunRow, SessionRow

__all__ = [
    "MAX_WEEKS",
    "HandoutItem",
    "PainMark",
    "ProgrammeWeeks",
    "RedFlag",
    "RegionPain",
    "ReportData",
    "WeekRow",
    "gather_report",
    "item_from_step",
]

MAX_WEEKS = 52
_DEFAULT_TARGET_DAYS = 6


@dataclass(frozen=True)
class HandoutItem:
    """One exercise on the handout: what it is, how much, how, and what to watch for."""

    slug: str
    name: str
    dose: str
    instructions: list[str]
    cautions: list[str]
    notes: str = ""
    figure: Figure | None = field(default=None, compare=False)


def _dose(exercise: Exercise, hold_s: int, reps: int, sides: str, sets: int = 1) -> str:
    each = " each side" if sides != "none" else ""
    rep = f" x {reps}" if reps > 1 else ""
    sets_text = f", {sets} sets" if sets > 1 else ""
    return f"{hold_s} s{each}{rep}{sets_text}"


def item_from_step(step: ResolvedStep, note: str = "", sets: int = 1) -> HandoutItem:
    """Return the handout line of a routine or programme step, its figure looked up."""
    from runback.services.figures import figure_for

    ex = step.exercise
    return HandoutItem(
        slug=ex.slug,
        name=ex.name,
        dose=_dose(ex, step.hold_s, step.reps, step.sides, sets),
        instructions=list(ex.instructions),
        cautions=list(ex.cautions),
        notes=note,
        figure=figure_for(ex.slug),
    )


@dataclass(frozen=True)
class PainMark:
    """One pain entry: its local day, region and intensity."""

    day: date
    region: str
    intensity: int


@dataclass(frozen=True)
class RegionPain:
    """One region's pain in the period, each day counted as its worst entry."""

    region: str
    entries: int
    days: int
    mean: float  # of the days' worst, one decimal
    worst: int
    last: int  # the worst of the last day with pain logged


@dataclass(frozen=True)
class RedFlag:
    """A pain entry where red-flag questions were answered yes."""

    day: date
    region: str
    intensity: int
    labels: list[str]


@dataclass(frozen=True)
class WeekRow:
    """One 7-day block of the report period."""

    start: date
    end: date
    runs: int
    distance_km: float
    practice_days: int
    sessions: int
    pain_entries: int
    pain_max: int | None


@dataclass(frozen=True)
class ProgrammeWeeks:
    """The active programme and its adherence per report week."""

    name: str
    clinician: str
    frequency: str
    start: date
    review: date | None
    notes: str
    done: list[int]
    prescribed: list[int]


@dataclass
class ReportData:
    """Everything the report shows, gathered from the database for one user."""

    first: date
    last: date
    zone: str
    generated_at: datetime
    target_days: int
    weeks: list[WeekRow] = field(default_factory=list)
    pain: list[PainMark] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)
    # Warning signs reported and not yet checked by a professional (services.concerns), however
    # old: (the day reported, the signs in plain words).
    open_concern: tuple[date, list[str]] | None = None
    programme: ProgrammeWeeks | None = None
    # Pain with and without a habit, in the user's own log (services/patterns.py).
    patterns: Patterns | None = None
    # The physio handout: the active programme's exercises (or a routine's), with figures.
    handout_title: str = ""
    handout: list[HandoutItem] = field(default_factory=list)

    def daily_worst(self, region: str) -> list[tuple[date, int]]:
        """Return (day, worst intensity) for each day with `region` pain logged, oldest first."""
        from runback.core.pain import worst_by

        return sorted(
            worst_by((m for m in self.pain if m.region == region), lambda m: m.day).items()
        )

    @property
    def regions(self) -> list[RegionPain]:
        """Return each region's pain in the period, a day counting as its worst entry."""
        from runback.core.pain import mean_worst

        out = []
        for region in sorted({m.region for m in self.pain}):
            days = self.daily_worst(region)
            values = [v for _, v in days]
            out.append(
                RegionPain(
                    region=region,
                    entries=sum(1 for m in self.pain if m.region == region),
                    days=len(days),
                    mean=round(mean_worst(values) or 0.0, 1),
                    worst=max(values),
                    last=values[-1],
                )
            )
        return out

    @property
    def total_km(self) -> float:
        """Return the period's total distance in km."""
        return sum(w.distance_km for w in self.weeks)

    @property
    def total_runs(self) -> int:
        """Return the period's number of runs."""
        return sum(w.runs for w in self.weeks)


def _target_days(store: Store, user_id: int) -> int:
    try:
        from runback.services.accounts import get_targets

        return get_targets(store, user_id=user_id).days_per_week
    except (ImportError, ValidationError):
        return _DEFAULT_TARGET_DAYS


def gather_report(
    store: Store, weeks: int = 4, routine: str | None = None, *, user_id: int
) -> ReportData:
    """Return the report's data for the last `weeks` 7-day blocks ending today (local)."""
    from runback.core.streaks import counts_as_practice
    from runback.core.timezones import day_bounds_utc, event_day, local_date
    from runback.services.patterns import gather_patterns

    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError("--weeks", [f"{weeks} is out of range; use 1 to {MAX_WEEKS}"])
    zone = store.user_zone(user_id=user_id)
    now = store.clock.now()
    last = local_date(now, zone)
    first = last - timedelta(days=7 * weeks - 1)
    since, _ = day_bounds_utc(first, zone)
    _, until = day_bounds_utc(last, zone)
    labels = _flag_labels()
    data = ReportData(first, last, zone, now, _target_days(store, user_id))
    from runback.services.concerns import open_concern

    concern = open_concern(store, user_id=user_id)
    if concern is not None:
        data.open_concern = (concern.opened_on, concern.labels)
    run_days: dict[date, list[float]] = {}
    session_days: dict[date, int] = {}
    with store.factory() as s:
        for row in s.scalars(
            select(PainEntryRow)
            .where(PainEntryRow.user_id == user_id)
            .where(PainEntryRow.at >= since, PainEntryRow.at < until)
            .order_by(PainEntryRow.at)
        ):
            day = event_day(row.at, zone)
            data.pain.append(PainMark(day, row.region, row.intensity))
            if row.red_flags:
                flags = [labels.get(f, f) for f in row.red_flags]
                data.red_flags.append(RedFlag(day, row.region, row.intensity, flags))
        for start, dist in s.execute(
            select(RunRow.started_at, RunRow.distance_m).where(
                RunRow.user_id == user_id,
                RunRow.is_run,
                RunRow.started_at >= since,
                RunRow.started_at < until,
            )
        ):
            if plausible_start(start):  # a bad row stored before migration 0005 is left out
                run_days.setdefault(event_day(start, zone), []).append(plausible(dist) or 0.0)
        for done in s.execute(
            select(
                SessionRow.started_at,
                SessionRow.planned_s,
                SessionRow.done_s,
                SessionRow.steps_done,
            ).where(
                SessionRow.user_id == user_id,
                SessionRow.started_at >= since,
                SessionRow.started_at < until,
            )
        ):
            # The same rule as the streaks: half the planned hold time held.
            if not counts_as_practice(
                planned_s=done.planned_s, done_s=done.done_s, steps_done=done.steps_done
            ):
                continue
            day = event_day(done.started_at, zone)
            session_days[day] = session_days.get(day, 0) + 1
    for n in range(weeks):
        ws = first + timedelta(days=7 * n)
        days = [ws + timedelta(days=i) for i in range(7)]
        pains = [p.intensity for p in data.pain if ws <= p.day <= days[-1]]
        data.weeks.append(
            WeekRow(
                start=ws,
                end=days[-1],
                runs=sum(len(run_days.get(d, [])) for d in days),
                distance_km=round(sum(sum(run_days.get(d, [])) for d in days) / 1000, 1),
                practice_days=sum(1 for d in days if session_days.get(d)),
                sessions=sum(session_days.get(d, 0) for d in days),
                pain_entries=len(pains),
                pain_max=max(pains) if pains else None,
            )
        )
    data.programme = _programme_weeks(store, user_id, data, zone)
    data.patterns = gather_patterns(store, user_id=user_id)
    data.handout_title, data.handout = _handout(store, user_id, routine)
    return data


def _handout(store: Store, user_id: int, routine: str | None) -> tuple[str, list[HandoutItem]]:
    """Return the handout's title and items: a routine's steps, else the active programme's."""
    from runback.core.catalog import ResolvedStep
    from runback.services.programmes import active_programme
    from runback.services.routines import user_catalog

    catalog = user_catalog(store, user_id=user_id)
    if routine is not None:
        found = catalog.routines.get(routine)
        if found is None:
            raise NotFoundError(f"routine {routine!r} not found; see: runback routine list")
        steps = catalog.resolve(found)
        notes = [s.note for s in found.steps]
        items = [item_from_step(st, note) for st, note in zip(steps, notes, strict=True)]
        return f"Handout: {found.name}", items
    stored = active_programme(store, user_id=user_id)
    if stored is None:
        return "", []
    p = stored.programme
    own = {e.slug: e for e in p.exercises}
    items = []
    for rx in p.prescription:
        ex = own.get(rx.exercise) or catalog.exercise(rx.exercise)
        step = ResolvedStep(
            exercise=ex,
            hold_s=rx.hold_s or ex.hold_s,
            reps=rx.reps or 1,
            sides=rx.sides or ex.sides,
            rest_s=rx.rest_s,
        )
        items.append(item_from_step(step, rx.notes, rx.sets))
    return f"Handout: {p.name}", items


def _flag_labels() -> dict[str, str]:
    try:
        from runback.core.triage import QUESTIONS
    except ImportError:
        return {}
    return {q.id: q.label for q in QUESTIONS}


def _programme_weeks(
    store: Store, user_id: int, data: ReportData, zone: str
) -> ProgrammeWeeks | None:
    from runback.core.programme import week_adherence
    from runback.services.programmes import active_programme, done_per_day

    stored = active_programme(store, user_id=user_id)
    if stored is None:
        return None
    p = stored.programme
    counts = done_per_day(store, p, data.first, data.last, zone, user_id=user_id)
    weeks = [week_adherence(p, w.start, counts) for w in data.weeks]
    return ProgrammeWeeks(
        name=p.name,
        clinician=p.clinician,
        frequency=p.frequency(),
        start=p.start,
        review=p.review,
        notes=p.notes,
        done=[w.done for w in weeks],
        prescribed=[w.prescribed for w in weeks],
    )
