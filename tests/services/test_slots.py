"""services/slots.py: every slot check in one place, one slot changed at a time."""

from __future__ import annotations

from datetime import time

import pytest

from runback.core.slots import PlanSpec, Slot
from runback.errors import ValidationError
from runback.services.slots import change_slot, check_slots, get_slots, save_slots
from runback.services.store import LOCAL_USER_ID, Store


def test_change_slot_switches_between_routine_and_plan(store: Store) -> None:
    slot = change_slot(
        store, "morning", plan={"minutes": 4, "areas": ["hips"]}, user_id=LOCAL_USER_ID
    )
    assert slot.routine is None and slot.plan == PlanSpec(minutes=4, areas=["hips"])
    slot = change_slot(store, "morning", routine="desk-break", user_id=LOCAL_USER_ID)
    assert slot.plan is None and slot.routine == "desk-break"
    assert get_slots(store, user_id=LOCAL_USER_ID)[0] == slot
    assert change_slot(store, "after-run", enabled=False, user_id=LOCAL_USER_ID).enabled is False


def test_check_slots_lists_every_problem(store: Store) -> None:
    slots = [
        Slot(name="morning", routine="nope"),
        Slot(name="morning", routine="desk-break", start=time(6), end=time(7)),
        Slot(name="desk-break", routine="desk-break", start=time(12), end=time(9)),
        Slot(name="after-run", routine="desk-break", start=time(6), end=time(7)),
        Slot(name="before-run", plan=PlanSpec(minutes=5, areas=["elbows"])),
    ]
    with pytest.raises(ValidationError) as err:
        check_slots(store, slots, user_id=LOCAL_USER_ID)
    problems = err.value.problems
    assert problems == [
        "slots.morning.routine: no routine 'nope'; (runback routine list)",
        "slots.morning: needs a time window; give start and end, e.g. 06:00",
        "slots.morning: given twice; give each slot once",
        "slots.desk-break: start 12:00 is not before end 09:00",
        "slots.after-run: follows your run, so it takes no start or end time",
        "slots.before-run.plan.areas: unknown area(s) elbows; use: "
        + err.value.problems[-1].split("use: ")[1],
    ]
    # Nothing was stored by a failed save.
    with pytest.raises(ValidationError):
        save_slots(store, slots, user_id=LOCAL_USER_ID)
    assert get_slots(store, user_id=LOCAL_USER_ID)[0].routine == "back-up-basics"
