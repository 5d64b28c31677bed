"""The Desk break's dose: its walk scaled to the break length, and what to do in one line.

Diaz et al. 2023: five minutes of light walking every 30 minutes of sitting. The built-in
Desk break walks for the break length less one minute, then ends with shoulder circles and
a standing back stretch (about a minute with their setups).
"""

from __future__ import annotations

from runback.core.catalog import ResolvedStep, Routine

__all__ = ["DESK_BREAK", "MAX_HOLD_S", "WALK", "brief", "dose"]

DESK_BREAK = "desk-break"
WALK = "walk-around"
# A routine step holds at most this long (RoutineStep.hold_s): a longer walk is repeated.
MAX_HOLD_S = 600


def dose(routine: Routine, break_min: int) -> Routine:
    """Return the routine with its walk lasting the break length less one minute."""
    walk_s = max(1, break_min - 1) * 60
    reps = -(-walk_s // MAX_HOLD_S)
    update = {"hold_s": walk_s // reps} | ({"reps": reps} if reps > 1 else {})
    steps = [s.model_copy(update=update) if s.exercise == WALK else s for s in routine.steps]
    return routine.model_copy(update={"steps": steps})


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds} s"


def brief(routine: Routine, steps: list[ResolvedStep]) -> str:
    """Return what the break asks for, e.g. "Walk for 4 min, 10 shoulder circles each way"."""
    parts = []
    for step, resolved in zip(routine.steps, steps, strict=True):
        if step.exercise == WALK:
            parts.append(f"walk for {_minutes(resolved.hold_total_s())}")
        elif step.note:
            parts.append(step.note.rstrip("."))
        else:
            parts.append(f"{resolved.exercise.name.lower()} ({_minutes(resolved.hold_total_s())})")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:] + "." if text else ""
