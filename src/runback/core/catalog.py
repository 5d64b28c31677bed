"""The exercise catalog and routines as validated models, and the timing every planner shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from runback.core.model import Model
from runback.core.profile import ExerciseContraindication
from runback.core.vocab import Area, PainRegion

__all__ = [
    "MAX_ROUTINE_STEPS",
    "SETUP_S",
    "TRANSITION_S",
    "Catalog",
    "Equipment",
    "Exercise",
    "Position",
    "ResolvedStep",
    "Routine",
    "RoutineStep",
    "Sides",
    "default_setup_s",
]

Position = Literal["standing", "seated", "floor"]
Equipment = Literal["none", "table", "chair", "wall", "mat"]
# none: one hold; both: the same hold on the left then right side;
# alternate: two variants in turn (e.g. arms crossed one way, then the other).
Sides = Literal["none", "both", "alternate"]
Slug = str

# Seconds to get into position at the start of each step, and between sides/reps.
SETUP_S = 5
TRANSITION_S = 5
# Getting a knee onto a table or down to the floor takes longer than stepping into a stretch.
_SETUP_BY_EQUIPMENT: dict[str, int] = {"table": 12, "chair": 8, "wall": 8}
_SETUP_BY_POSITION: dict[str, int] = {"standing": SETUP_S, "seated": 8, "floor": 12}

_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Exercise(Model):
    """One stretch or movement, described in our own words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=_SLUG, max_length=80)
    name: str = Field(min_length=1, max_length=120)
    areas: list[Area] = Field(min_length=1)
    position: Position
    equipment: Equipment = "none"
    kind: Literal["hold", "movement"] = "hold"
    hold_s: int = Field(ge=5, le=600, description="seconds per side (or per rep for movements)")
    reps: int = Field(default=1, ge=1, le=30)
    sides: Sides = "none"
    side_labels: tuple[str, str] = ("left", "right")
    summary: str = Field(min_length=1, max_length=300)
    instructions: list[str] = Field(min_length=1)
    cues: list[str] = Field(default_factory=list)
    cautions: list[str] = Field(default_factory=list)
    # Pain regions where this exercise is better left out until the pain settles.
    avoid_with_pain: list[PainRegion] = Field(default_factory=list)
    # What the user may report in their profile that this exercise may not suit: the planner
    # leaves it out for them, routines and the player flag it (core/profile.py).
    avoid_with: list[ExerciseContraindication] = Field(default_factory=list)
    # Who the exercise comes from, shown with it: "runback" for ours, or e.g. "your physio".
    source: str = Field(default="runback", min_length=1, max_length=200)
    # Seconds to get into position; None derives it from the position and equipment.
    setup_s: int | None = Field(default=None, ge=3, le=120)

    @property
    def ready_s(self) -> int:
        """Return the seconds the get-ready phase gives to move into this exercise."""
        return self.setup_s if self.setup_s is not None else default_setup_s(self)


def default_setup_s(ex: Exercise) -> int:
    """Return the get-ready seconds an exercise needs, from its equipment and position."""
    by_equipment = _SETUP_BY_EQUIPMENT.get(ex.equipment, 0)
    return max(by_equipment, _SETUP_BY_POSITION.get(ex.position, SETUP_S))


class RoutineStep(Model):
    """An exercise in a routine, optionally overriding its hold, reps and sides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: str = Field(pattern=_SLUG)
    hold_s: int | None = Field(default=None, ge=5, le=600)
    reps: int | None = Field(default=None, ge=1, le=30)
    sides: Sides | None = None
    rest_s: int = Field(default=0, ge=0, le=300)
    note: str = ""


MAX_ROUTINE_STEPS = 60


class Routine(Model):
    """A named sequence of steps; custom exercises may be described inline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=_SLUG, max_length=80)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    origin: Literal["builtin", "user", "physio", "plan"] = "user"
    # A long session is a dozen steps; the cap keeps a hostile file from becoming a player
    # page of thousands of timed phases (a 234 KB file once rendered as 98 MB).
    steps: list[RoutineStep] = Field(min_length=1, max_length=MAX_ROUTINE_STEPS)
    exercises: list[Exercise] = Field(default_factory=list, max_length=MAX_ROUTINE_STEPS)

    @model_validator(mode="after")
    def _unique_custom_slugs(self) -> Routine:
        slugs = [e.slug for e in self.exercises]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            raise ValueError(f"exercise slugs defined twice: {', '.join(dupes)}")
        return self


@dataclass(frozen=True)
class ResolvedStep:
    """A routine step with its exercise looked up and every default filled in."""

    exercise: Exercise
    hold_s: int
    reps: int
    sides: Sides
    rest_s: int
    note: str = ""
    setup_s: int = SETUP_S

    @property
    def holds(self) -> int:
        """Return how many timed holds this step has (reps x sides)."""
        return self.reps * (1 if self.sides == "none" else 2)

    def duration_s(self) -> int:
        """Return the step's full time: setup, holds, transitions between them, rest."""
        return (
            self.setup_s + self.holds * self.hold_s + (self.holds - 1) * TRANSITION_S + self.rest_s
        )

    def hold_total_s(self) -> int:
        """Return the time spent holding (no setup, transitions or rest)."""
        return self.holds * self.hold_s


class Catalog:
    """Exercises and routines by slug; user routines may bring their own exercises."""

    def __init__(self, exercises: list[Exercise], routines: list[Routine]) -> None:
        self.exercises: dict[str, Exercise] = {e.slug: e for e in exercises}
        self.routines: dict[str, Routine] = {r.slug: r for r in routines}

    def exercise(self, slug: str, routine: Routine | None = None) -> Exercise:
        """Return an exercise, preferring one defined inside the routine."""
        if routine is not None:
            for ex in routine.exercises:
                if ex.slug == slug:
                    return ex
        try:
            return self.exercises[slug]
        except KeyError:
            raise KeyError(f"unknown exercise {slug!r}") from None

    def missing_exercises(self, routine: Routine) -> list[str]:
        """Return step exercise slugs that neither the catalog nor the routine defines."""
        own = {e.slug for e in routine.exercises}
        return [s.exercise for s in routine.steps if s.exercise not in own | set(self.exercises)]

    def resolve(self, routine: Routine, *, extra_ready_s: int = 0) -> list[ResolvedStep]:
        """Return the routine's steps with exercises and defaults filled in.

        extra_ready_s lengthens every get-ready (a user's setting).
        """
        out = []
        for step in routine.steps:
            ex = self.exercise(step.exercise, routine)
            out.append(
                ResolvedStep(
                    exercise=ex,
                    hold_s=step.hold_s if step.hold_s is not None else ex.hold_s,
                    reps=step.reps if step.reps is not None else ex.reps,
                    sides=step.sides if step.sides is not None else ex.sides,
                    rest_s=step.rest_s,
                    note=step.note,
                    setup_s=ex.ready_s + max(0, extra_ready_s),
                )
            )
        return out

    def duration_s(self, routine: Routine) -> int:
        """Return the routine's full guided time in seconds."""
        return sum(s.duration_s() for s in self.resolve(routine))
