"""The first-day profile: sitting, back-pain history, risk context and contraindications (pure).

Run days and the usual run time are not here: they are the reminder settings' `run_days`
(core/schedule.py), one name for one thing; the profile service reads and writes both.

Contraindications are what the user tells runback about themselves; exercises name the ones
they may not suit in the catalog's `avoid_with`. Recent surgery is different: it applies to
every exercise, so it flags them all ("check with your surgeon or physio first") and is never
listed in `avoid_with`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from runback.core.model import Model

__all__ = [
    "CONTRAINDICATIONS",
    "CONTRAINDICATION_LABELS",
    "EXERCISE_CONTRAINDICATIONS",
    "EXERCISE_DISCLAIMER",
    "MIN_BIRTH_YEAR",
    "PHYSIO_ADVICE",
    "Contraindication",
    "ExerciseContraindication",
    "Profile",
    "age_in",
    "exercise_flag",
    "left_out_by",
]

Contraindication = Literal["recent-surgery", "hip-replacement", "pregnancy", "osteoporosis"]
CONTRAINDICATIONS: tuple[str, ...] = Contraindication.__args__  # type: ignore[attr-defined]
# What an exercise may name in `avoid_with`: every contraindication but recent surgery.
ExerciseContraindication = Literal["hip-replacement", "pregnancy", "osteoporosis"]
EXERCISE_CONTRAINDICATIONS: tuple[str, ...] = ExerciseContraindication.__args__  # type: ignore[attr-defined]
CONTRAINDICATION_LABELS: dict[str, str] = {
    "recent-surgery": "recent surgery",
    "hip-replacement": "a hip replacement",
    "pregnancy": "pregnancy",
    "osteoporosis": "osteoporosis",
}
MIN_BIRTH_YEAR = 1900

# The exercise counterpart of core/triage.NOT_A_DIAGNOSIS, shown on routine and player pages.
EXERCISE_DISCLAIMER = (
    "These stretches are general guidance, not treatment. Move gently and within comfort: stop "
    "if anything hurts more than a mild, steady stretch, or if you feel numbness, tingling, "
    "dizziness or chest pain, and ask a doctor or physiotherapist before carrying on."
)
# The seed's advice, in our words, for anyone with a history of back pain.
PHYSIO_ADVICE = (
    "With a history of back pain, it is worth seeing a good physiotherapist or osteopath: they "
    "can put together a daily programme for you, and runback can then guide you through it."
)


class Profile(Model):
    """What the user told runback on the first day (every answer optional but the booleans)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sitting_hours: float | None = Field(default=None, ge=0, le=24, description="per day")
    back_pain_history: bool = False
    birth_year: int | None = Field(default=None, ge=MIN_BIRTH_YEAR, le=2100)
    cancer_history: bool = False
    steroids_or_immunosuppression: bool = False
    contraindications: frozenset[Contraindication] = frozenset()

    @field_validator("contraindications", mode="before")
    @classmethod
    def _known(cls, value: object) -> object:
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        if isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
            items = [str(v).strip().lower().replace("_", "-").replace(" ", "-") for v in value]
            unknown = [v for v in items if v not in CONTRAINDICATIONS]
            if unknown:
                raise ValueError(
                    f"unknown {', '.join(unknown)}; use any of: {', '.join(CONTRAINDICATIONS)}"
                )
            return frozenset(items)
        return value

    @property
    def osteoporosis(self) -> bool:
        """Tell whether the user reported osteoporosis (a risk and a contraindication)."""
        return "osteoporosis" in self.contraindications


def age_in(birth_year: int | None, today: date | datetime) -> int | None:
    """Return the age reached in `today`'s year (the upper bound: errs towards caution)."""
    if birth_year is None:
        return None
    return max(0, today.year - birth_year)


def exercise_flag(avoid_with: Iterable[str], contraindications: Iterable[str]) -> str | None:
    """Return the "check first" line for an exercise given the user's answers, or None."""
    mine = set(contraindications)
    if "recent-surgery" in mine:
        return "Check with your surgeon or physio first: your profile mentions recent surgery."
    matched = [c for c in CONTRAINDICATIONS if c in mine and c in set(avoid_with)]
    if not matched:
        return None
    named = " and ".join(CONTRAINDICATION_LABELS[c] for c in matched)
    return f"Check with your physio first: your profile mentions {named}."


def left_out_by(avoid_with: Iterable[str], contraindications: Iterable[str]) -> list[str]:
    """Return the user's contraindications that keep an exercise out of a plan."""
    mine = set(contraindications)
    return [c for c in EXERCISE_CONTRAINDICATIONS if c in mine and c in set(avoid_with)]
