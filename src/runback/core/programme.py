"""A physio's programme: what to do, how often, until when; as a model, a routine and TOML.

The file format is documented in docs/programme-format.md. Parsing with line-numbered errors
lives in services/programmes.py (it needs the catalog and the TOML locator); this module is pure.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from runback.core import toml_write
from runback.core.catalog import Catalog, Exercise, Routine, RoutineStep, Sides
from runback.core.model import Model

__all__ = [
    "FORMAT_VERSION",
    "DayCount",
    "Prescribed",
    "Programme",
    "WeekAdherence",
    "programme_routine_slug",
    "to_routine",
    "to_toml",
    "week_adherence",
]

FORMAT_VERSION = 1
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Prescribed(Model):
    """One prescribed exercise: a catalog slug or one of the file's own exercises."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: str = Field(pattern=_SLUG, max_length=80)
    hold_s: int | None = Field(default=None, ge=5, le=600)
    reps: int | None = Field(default=None, ge=1, le=30)
    sets: int = Field(default=1, ge=1, le=10)
    sides: Sides | None = None
    rest_s: int = Field(default=30, ge=0, le=300, description="rest between sets")
    notes: str = Field(default="", max_length=500)


class Programme(Model):
    """A prescribed programme: exercises, dose, frequency, dates and the clinician's notes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    name: str = Field(min_length=1, max_length=200)
    clinician: str = Field(default="", max_length=200)
    start: date
    review: date | None = None
    times_per_day: int = Field(default=1, ge=1, le=6)
    days_per_week: int = Field(default=7, ge=1, le=7)
    notes: str = Field(default="", max_length=5000)
    prescription: list[Prescribed] = Field(min_length=1)
    exercises: list[Exercise] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates_and_slugs(self) -> Programme:
        if self.review is not None and self.review < self.start:
            raise ValueError(
                f"review date {self.review} is before the start date {self.start}; check both dates"
            )
        slugs = [e.slug for e in self.exercises]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            raise ValueError(f"exercise slugs defined twice: {', '.join(dupes)}")
        return self

    def frequency(self) -> str:
        """Return the dose in words, e.g. "2×/day, 7 days a week"."""
        days = "every day" if self.days_per_week == 7 else f"{self.days_per_week} days a week"
        return f"{self.times_per_day}×/day, {days}"


def programme_routine_slug(programme: Programme) -> str:
    """Return the slug under which the programme is stored and played as a routine."""
    base = re.sub(r"[^a-z0-9]+", "-", programme.name.lower()).strip("-") or "programme"
    return f"physio-{base}"[:80].rstrip("-")


def to_routine(programme: Programme, catalog: Catalog) -> Routine:
    """Return the programme as a playable routine: one step per set, rest between sets."""
    own = {e.slug: e for e in programme.exercises}
    steps: list[RoutineStep] = []
    for item in programme.prescription:
        ex = own.get(item.exercise) or catalog.exercise(item.exercise)
        for n in range(item.sets):
            last = n == item.sets - 1
            note = item.notes
            if item.sets > 1:
                note = f"set {n + 1} of {item.sets}" + (f" — {note}" if note else "")
            steps.append(
                RoutineStep(
                    exercise=ex.slug,
                    hold_s=item.hold_s,
                    reps=item.reps,
                    sides=item.sides,
                    rest_s=0 if last else item.rest_s,
                    note=note,
                )
            )
    by = f" by {programme.clinician}" if programme.clinician else ""
    return Routine(
        slug=programme_routine_slug(programme),
        name=programme.name,
        description=f"Physio programme{by}, {programme.frequency()}.",
        origin="physio",
        steps=steps,
        exercises=list(programme.exercises),
    )


class DayCount(Model):
    """Sessions done on one local day of a programme week."""

    day: date
    done: int
    prescribed: int


class WeekAdherence(Model):
    """A programme week: sessions done against sessions prescribed."""

    week_start: date
    done: int
    prescribed: int
    days: list[DayCount]

    def summary(self, programme: Programme) -> str:
        """Return e.g. "prescribed 2×/day, done 11 of 14 this week"."""
        return f"prescribed {programme.frequency()}, done {self.done} of {self.prescribed}"


def week_adherence(
    programme: Programme, week_start: date, done_per_day: dict[date, int]
) -> WeekAdherence:
    """Return adherence for the Monday-based week starting week_start.

    Each day counts at most times_per_day sessions; the week counts at most days_per_week days'
    worth, so doing more on one day never hides a missed one. Days before the programme starts
    or after it ended (review date) prescribe nothing.
    """
    days: list[DayCount] = []
    active_days = 0
    for i in range(7):
        day = week_start + timedelta(days=i)
        active = day >= programme.start and (programme.review is None or day <= programme.review)
        active_days += active
        days.append(
            DayCount(
                day=day,
                done=done_per_day.get(day, 0),
                prescribed=programme.times_per_day if active else 0,
            )
        )
    prescribed = programme.times_per_day * min(programme.days_per_week, active_days)
    done = min(prescribed, sum(min(d.done, d.prescribed) for d in days))
    return WeekAdherence(week_start=week_start, done=done, prescribed=prescribed, days=days)


def to_toml(programme: Programme) -> str:
    """Return the programme as a programme file that imports back to an equal programme."""
    data: dict[str, Any] = programme.model_dump(
        mode="json", exclude_none=True, exclude={"prescription", "exercises"}
    )
    # Dates stay TOML dates, not strings.
    data["start"] = programme.start
    if programme.review is not None:
        data["review"] = programme.review
    data["prescription"] = [
        item.model_dump(mode="json", exclude_defaults=True) for item in programme.prescription
    ]
    if programme.exercises:
        data["exercises"] = [
            ex.model_dump(mode="json", exclude_defaults=True) for ex in programme.exercises
        ]
    return toml_write.dumps(data, ["runback physio programme (see docs/programme-format.md)"])
