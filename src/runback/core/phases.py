"""A routine's steps as a flat list of timed phases: setup, holds (per side and rep), switches,
rests; and the events a player shows or sounds. Pure data, no clock."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from runback.core.catalog import TRANSITION_S, Exercise, ResolvedStep

__all__ = [
    "CUE_EVERY_S",
    "Event",
    "EventKind",
    "Phase",
    "PhaseKind",
    "current_cue",
    "expand",
    "held_s",
    "planned_hold_s",
    "whole_seconds",
]

PhaseKind = Literal["setup", "hold", "transition", "rest"]
EventKind = Literal["phase", "cue", "countdown", "step_done", "step_skipped", "finished"]

# Float noise on deadlines (sums of clock readings) must not turn 3.0 into "4".
_EPS = 1e-6


@dataclass(frozen=True)
class Phase:
    """One timed stretch of a session: getting ready, a hold, a switch, or a rest."""

    kind: PhaseKind
    step_index: int
    exercise: Exercise
    duration_s: float
    text: str
    side: str | None = None
    rep: int = 1
    reps: int = 1
    # True on the step's last hold: when it ends, the step is done.
    last_hold: bool = False
    # The routine step's note (a physio's prescription, a planner's reason), shown throughout.
    note: str = ""


@dataclass(frozen=True)
class Event:
    """Something the player should show or sound."""

    kind: EventKind
    phase_index: int
    text: str = ""
    count: int = 0


# A hold shows each of the exercise's cues in turn, this many seconds each.
CUE_EVERY_S = 8


def current_cue(phase: Phase, elapsed_s: float) -> str:
    """Return the cue to show elapsed_s into a hold: the exercise's cues in turn, then again."""
    cues = phase.exercise.cues
    if not cues:
        return phase.exercise.summary
    # Each rep starts one cue further on, so a short repeated hold does not repeat one line.
    turn = int(max(0.0, elapsed_s) // CUE_EVERY_S) + (phase.rep - 1)
    return cues[turn % len(cues)]


def whole_seconds(remaining: float) -> int:
    """Return the countdown to show: remaining seconds rounded up, tolerant of float noise."""
    return max(0, math.ceil(remaining - _EPS))


def _side_labels(step: ResolvedStep) -> tuple[str | None, str | None]:
    if step.sides == "none":
        return (None, None)
    return step.exercise.side_labels


def expand(steps: list[ResolvedStep]) -> list[Phase]:
    """Return the timed phases of a routine's steps, matching ResolvedStep.duration_s()."""
    phases: list[Phase] = []
    for index, step in enumerate(steps):
        ex = step.exercise
        note = step.note
        phases.append(
            Phase(
                "setup",
                index,
                ex,
                step.setup_s,
                f"get ready: {ex.name}",
                reps=step.reps,
                note=note,
            )
        )
        labels = _side_labels(step)
        holds: list[tuple[int, str | None]] = []
        for rep in range(1, step.reps + 1):
            if step.sides == "none":
                holds.append((rep, None))
            else:
                holds.extend((rep, label) for label in labels)
        for n, (rep, side) in enumerate(holds):
            if n > 0:
                # A new side within the same rep is a switch; a new rep is "again".
                gap = "switch sides" if side is not None and rep == holds[n - 1][0] else "again"
                phases.append(
                    Phase(
                        "transition", index, ex, TRANSITION_S, gap, side, rep, step.reps, note=note
                    )
                )
            text = ex.name if side is None else f"{ex.name} ({side})"
            phases.append(
                Phase(
                    "hold",
                    index,
                    ex,
                    step.hold_s,
                    text,
                    side,
                    rep,
                    step.reps,
                    last_hold=n == len(holds) - 1,
                    note=note,
                )
            )
        if step.rest_s > 0:
            phases.append(Phase("rest", index, ex, step.rest_s, "rest", reps=step.reps, note=note))
    return phases


def planned_hold_s(phases: Sequence[Phase]) -> float:
    """Return the seconds of holding a session plans (setups, switches and rests left out)."""
    return float(sum(p.duration_s for p in phases if p.kind == "hold"))


def held_s(
    phases: Sequence[Phase],
    done_steps: Collection[int],
    skipped_steps: Collection[int],
    phase_index: int,
    remaining_s: float,
) -> float:
    """Return the hold seconds counted down: steps done, and the step in progress so far.

    A skipped step counts nothing, even the holds it ran before the skip. The arguments are an
    Engine snapshot, so the terminal and the web player (whose snapshot the server checks) agree.
    """
    done, skipped = set(done_steps), set(skipped_steps)
    total = sum(p.duration_s for p in phases if p.kind == "hold" and p.step_index in done)
    if not 0 <= phase_index < len(phases):
        return float(total)
    current = phases[phase_index].step_index
    if current in done or current in skipped:
        return float(total)
    for i, p in enumerate(phases[: phase_index + 1]):
        if p.step_index != current or p.kind != "hold":
            continue
        if i < phase_index:
            total += p.duration_s
        else:
            total += p.duration_s - min(max(0.0, remaining_s), p.duration_s)
    return float(total)
