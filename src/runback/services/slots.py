"""Change the user's daily slots, with every check in one place (the web editor and the CLI).

Reading and storing slots is services/plans.py (get_slots, set_slots); this module checks a
whole set before it is stored, so nothing half-valid is ever saved, and changes one slot.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import pydantic

from runback.core.slots import Slot
from runback.core.vocab import AREAS, SLOT_NAMES
from runback.errors import PlanError, ValidationError, from_pydantic
from runback.services.plans import get_slots, make_plan, set_slots
from runback.services.store import Store

__all__ = [
    "RUN_SLOTS",
    "WINDOW_SLOTS",
    "change_slot",
    "check_slots",
    "save_slots",
]

# These follow the clock and need a window; the run slots follow the run and have none.
WINDOW_SLOTS = ("morning", "desk-break")
RUN_SLOTS = ("before-run", "after-run")
_SOURCE = "slots"


def _routine_problem(slug: str, known: list[str]) -> str:
    close = difflib.get_close_matches(slug, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"no routine {slug!r}; {hint}(runback routine list)"


def check_slots(store: Store, slots: Sequence[Slot], *, user_id: int) -> None:
    """Raise ValidationError listing every problem with these slots (routines, plans, windows)."""
    from runback.services.routines import list_routines

    known = [r.slug for r in list_routines(store, user_id=user_id)]
    problems: list[str] = []
    seen: set[str] = set()
    for slot in slots:
        where = f"slots.{slot.name}"
        if slot.name in seen:
            problems.append(f"{where}: given twice; give each slot once")
        seen.add(slot.name)
        if slot.routine is not None and slot.routine not in known:
            problems.append(f"{where}.routine: {_routine_problem(slot.routine, known)}")
        if slot.plan is not None:
            unknown = [a for a in slot.plan.areas if a not in AREAS]
            if unknown:
                problems.append(
                    f"{where}.plan.areas: unknown area(s) {', '.join(unknown)}; "
                    f"use: {', '.join(AREAS)}"
                )
            else:
                try:
                    # Plan once now so a slot never asks for what the planner cannot make.
                    make_plan(
                        store, slot.plan.minutes, slot.plan.areas, slot.plan.where, user_id=user_id
                    )
                except (PlanError, ValidationError) as exc:
                    problems.append(f"{where}.plan: {exc}")
        if slot.name in WINDOW_SLOTS:
            if slot.start is None or slot.end is None:
                problems.append(f"{where}: needs a time window; give start and end, e.g. 06:00")
            elif slot.start >= slot.end:
                problems.append(
                    f"{where}: start {slot.start:%H:%M} is not before end {slot.end:%H:%M}"
                )
        elif slot.start is not None:
            problems.append(f"{where}: follows your run, so it takes no start or end time")
    if problems:
        raise ValidationError(_SOURCE, problems)


def save_slots(store: Store, slots: Sequence[Slot], *, user_id: int) -> list[Slot]:
    """Check and store the user's slots (missing ones keep the defaults); return them all."""
    check_slots(store, slots, user_id=user_id)
    set_slots(store, slots, user_id=user_id)
    return get_slots(store, user_id=user_id)


def change_slot(store: Store, name: str = "", *, user_id: int, **changes: Any) -> Slot:
    """Change one slot's fields (routine= clears its plan, plan= its routine); return it."""
    if name not in SLOT_NAMES:
        close = difflib.get_close_matches(name, SLOT_NAMES, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValidationError(_SOURCE, [f"no slot {name!r}; {hint}use: {', '.join(SLOT_NAMES)}"])
    current = get_slots(store, user_id=user_id)
    old = next(s for s in current if s.name == name)
    data = old.model_dump()
    if changes.get("routine") is not None:
        data["plan"] = None
    if changes.get("plan") is not None:
        data["routine"] = None
    data.update(changes)
    try:
        new = Slot.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc, _SOURCE, f"slots.{name}", empty="slot") from None
    save_slots(store, [new if s.name == name else s for s in current], user_id=user_id)
    return new
