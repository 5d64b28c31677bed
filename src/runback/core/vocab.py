"""The shared words: session contexts, slots, break outcomes, body areas, pain regions, sports.

Each is a `Literal` (for types and pydantic) with its tuple of values (for checks and choices);
every layer imports them from here so a new word is added once.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "AREAS",
    "CONTEXTS",
    "CONTEXT_SLOTS",
    "OUTCOMES",
    "PAIN_KINDS",
    "PAIN_KIND_LABELS",
    "PAIN_REGIONS",
    "PLACES",
    "RUN_SPORTS",
    "SLOT_NAMES",
    "SPORTS",
    "WEEKDAYS",
    "Area",
    "Context",
    "Outcome",
    "PainKind",
    "PainRegion",
    "Place",
    "SlotName",
    "Sport",
    "Weekday",
]

# Where a guided session was done: a slot's context, or "other".
Context = Literal["before-run", "after-run", "desk-break", "other"]
CONTEXTS: tuple[str, ...] = get_args(Context)

SlotName = Literal["morning", "desk-break", "before-run", "after-run"]
SLOT_NAMES: tuple[str, ...] = get_args(SlotName)
# Slots that are also a session's context; every other session's context is "other".
CONTEXT_SLOTS: tuple[str, ...] = tuple(c for c in CONTEXTS if c in SLOT_NAMES)

# What became of a movement break reminder.
Outcome = Literal["taken", "snoozed", "skipped", "natural", "missed"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)

Area = Literal[
    "lower-back",
    "mid-back",
    "upper-back",
    "neck-shoulders",
    "hips",
    "glutes",
    "hamstrings",
    "chest",
    "legs",
    "core",
]
AREAS: tuple[str, ...] = get_args(Area)
# Pain log regions are a subset of the areas, so cautions can be matched against pain.
PainRegion = Literal["lower-back", "mid-back", "upper-back", "neck-shoulders", "hips"]
PAIN_REGIONS: tuple[str, ...] = get_args(PainRegion)

# The days of the week, as the run days and the break days name them.
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)

# Where a planned routine will be done (what the planner may ask for there).
Place = Literal["desk", "home", "anywhere"]
PLACES: tuple[str, ...] = get_args(Place)

# How a pain entry came: logged by choice (biased towards days it hurts), or a check-in runback
# asked for before or after a run, answered even when it did not hurt (a 0 is data).
PainKind = Literal["logged", "pre-run", "after-run"]
PAIN_KINDS: tuple[str, ...] = get_args(PainKind)
PAIN_KIND_LABELS: dict[str, str] = {
    "logged": "logged",
    "pre-run": "pre-run check-in",
    "after-run": "after-run check-in",
}

Sport = Literal[
    "running",
    "trail-running",
    "treadmill",
    "track",
    "cycling",
    "walking",
    "hiking",
    "swimming",
    "other",
]
SPORTS: tuple[Sport, ...] = get_args(Sport)
RUN_SPORTS: frozenset[str] = frozenset({"running", "trail-running", "treadmill", "track"})
