"""The guided-session state machine: phases, deadlines and cues, driven by an injected Clock.

A routine's resolved steps expand into a flat list of timed phases (core/phases.py). It keeps one
deadline on the monotonic clock; each phase ends at the previous deadline plus its duration
(never "now" plus duration), so late ticks do not make a long routine drift. Pausing shifts the
deadline by the pause length. The engine never sleeps: players ask `seconds_until_next_event()`
and wait that long (or for a key), then call `tick()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from runback.core.clock import Clock
from runback.core.phases import Event, Phase, held_s, planned_hold_s, whole_seconds

__all__ = ["COUNTDOWN_FROM", "Engine", "EngineState"]

EngineState = Literal["ready", "running", "paused", "finished", "quit"]

# Beeps on the last seconds of each hold, so eyes can stay closed.
COUNTDOWN_FROM = 3
# Pressing "back" this soon into a step goes to the previous step instead of restarting it.
_BACK_GRACE_S = 2.0


@dataclass
class _Status:
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


class Engine:
    """Run phases against a clock: start, tick, pause, resume, skip, back, quit."""

    def __init__(self, phases: list[Phase], clock: Clock) -> None:
        if not phases:
            raise ValueError("a session needs at least one phase")
        self.phases = phases
        self.clock = clock
        self.state: EngineState = "ready"
        self.index = 0
        self._deadline = 0.0
        self._paused_at = 0.0
        self._started_at = 0.0
        self._paused_total = 0.0
        self._ended_at: float | None = None
        # What was left of the phase at a quit (remaining_s reads 0 once the session is over).
        self._left_at_quit = 0.0
        self._beeped: set[int] = set()
        self._status = _Status()
        self._step_count = phases[-1].step_index + 1
        self.total_s = float(sum(p.duration_s for p in phases))
        # Planned seconds before each phase, for progress.
        self._offsets: list[float] = []
        acc = 0.0
        for p in phases:
            self._offsets.append(acc)
            acc += p.duration_s

    # ---- queries -----------------------------------------------------------------------

    @property
    def phase(self) -> Phase | None:
        """Return the current phase, or None once the session is over."""
        return self.phases[self.index] if self.state in ("ready", "running", "paused") else None

    @property
    def next_phase(self) -> Phase | None:
        """Return the phase after the current one, if any."""
        if self.phase is None or self.index + 1 >= len(self.phases):
            return None
        return self.phases[self.index + 1]

    def next_step_phase(self) -> Phase | None:
        """Return the first phase of the next step (what comes up after this exercise)."""
        if self.phase is None:
            return None
        for p in self.phases[self.index + 1 :]:
            if p.step_index != self.phase.step_index:
                return p
        return None

    def _ref_now(self) -> float:
        return self._paused_at if self.state == "paused" else self.clock.monotonic()

    @property
    def remaining_s(self) -> float:
        """Return the seconds left in the current phase (0 when over)."""
        if self.state == "ready":
            return float(self.phases[0].duration_s)
        if self.phase is None:
            return 0.0
        return max(0.0, self._deadline - self._ref_now())

    @property
    def progress(self) -> float:
        """Return how far through the planned session we are, 0..1."""
        if self.state == "finished":
            return 1.0
        if self.state == "quit" or self.phase is None:
            return min(1.0, self._offsets[self.index] / self.total_s) if self.total_s else 1.0
        done = self._offsets[self.index] + self.phase.duration_s - self.remaining_s
        return min(1.0, max(0.0, done / self.total_s)) if self.total_s else 1.0

    @property
    def steps_total(self) -> int:
        """Return how many steps the session has."""
        return self._step_count

    @property
    def done_steps(self) -> list[int]:
        """Return indices of steps held to the end."""
        return list(self._status.done)

    @property
    def skipped_steps(self) -> list[int]:
        """Return indices of steps skipped."""
        return list(self._status.skipped)

    def _slugs(self, indices: list[int]) -> list[str]:
        first = {p.step_index: p.exercise.slug for p in reversed(self.phases)}
        return [first[i] for i in indices]

    @property
    def steps_done(self) -> list[str]:
        """Return exercise slugs of the steps held to the end, in order."""
        return self._slugs(self._status.done)

    @property
    def steps_skipped(self) -> list[str]:
        """Return exercise slugs of the steps skipped, in order."""
        return self._slugs(self._status.skipped)

    @property
    def active_s(self) -> float:
        """Return clock seconds spent running (pauses excluded)."""
        if self.state == "ready":
            return 0.0
        end = self._ended_at if self._ended_at is not None else self._ref_now()
        return max(0.0, end - self._started_at - self._paused_total)

    @property
    def planned_s(self) -> float:
        """Return the seconds of holding the session plans."""
        return planned_hold_s(self.phases)

    @property
    def done_s(self) -> float:
        """Return the hold seconds counted down so far (skipped steps count nothing)."""
        remaining = self._left_at_quit if self.state == "quit" else self.remaining_s
        return held_s(self.phases, self._status.done, self._status.skipped, self.index, remaining)

    @property
    def all_steps_done(self) -> bool:
        """Return True when every step was held to the end (none skipped)."""
        return len(set(self._status.done)) == self._step_count

    @property
    def over(self) -> bool:
        """Return True once the session finished or was quit."""
        return self.state in ("finished", "quit")

    @property
    def completed(self) -> bool:
        """Return True when the player ran to the end (skips too: see all_steps_done)."""
        return self.state == "finished"

    def snapshot(self) -> dict[str, Any]:
        """Return where the player is, as JSON-ready state for resuming after a reload."""
        return {
            "phase_index": self.index,
            "remaining_s": round(self.remaining_s, 3),
            "paused": self.state == "paused",
            "done_steps": self.done_steps,
            "skipped_steps": self.skipped_steps,
        }

    def seconds_until_next_event(self) -> float | None:
        """Return clock seconds until the display or a cue changes; None while waiting for keys."""
        if self.state != "running":
            return None
        remaining = self._deadline - self.clock.monotonic()
        if remaining <= 0:
            return 0.0
        # The shown countdown changes (and beeps fire) when `remaining` crosses a whole second.
        below = max(0, whole_seconds(remaining) - 1)
        return max(0.0, remaining - below)

    # ---- commands ----------------------------------------------------------------------

    def start(self) -> list[Event]:
        """Start the first phase now."""
        if self.state != "ready":
            raise RuntimeError("the session has already started")
        now = self.clock.monotonic()
        self._started_at = now
        self.state = "running"
        return self._enter(0, now)

    def restore(self, state: dict[str, Any]) -> list[Event]:
        """Start from a snapshot() taken earlier (a reloaded web page)."""
        if self.state != "ready":
            raise RuntimeError("the session has already started")
        index = int(state.get("phase_index", 0))
        if not 0 <= index < len(self.phases):
            raise ValueError(f"phase_index {index} is outside 0..{len(self.phases) - 1}")
        self._status = _Status(
            [int(i) for i in state.get("done_steps", [])],
            [int(i) for i in state.get("skipped_steps", [])],
        )
        now = self.clock.monotonic()
        self._started_at = now
        self.state = "running"
        events = self._enter(index, now)
        remaining = float(state.get("remaining_s", self.phases[index].duration_s))
        self._deadline = now + min(max(0.0, remaining), self.phases[index].duration_s)
        if state.get("paused"):
            self.pause()
        return events

    def tick(self) -> list[Event]:
        """Advance to now: end phases whose deadline passed, emit countdown beeps."""
        if self.state != "running":
            return []
        now = self.clock.monotonic()
        events: list[Event] = []
        while self.state == "running" and now >= self._deadline:
            events += self._end_phase()
            if self.state == "running":
                events += self._enter(self.index + 1, self._deadline)
        if self.state == "running":
            events += self._countdown(self._deadline - now)
        return events

    def pause(self) -> None:
        """Freeze the countdown."""
        if self.state == "running":
            self._paused_at = self.clock.monotonic()
            self.state = "paused"

    def resume(self) -> None:
        """Continue; the deadline moves by however long the pause lasted."""
        if self.state == "paused":
            paused_for = self.clock.monotonic() - self._paused_at
            self._deadline += paused_for
            self._paused_total += paused_for
            self.state = "running"

    def toggle_pause(self) -> None:
        """Pause when running, resume when paused."""
        if self.state == "paused":
            self.resume()
        else:
            self.pause()

    def skip(self) -> list[Event]:
        """Mark the current step skipped (unless already done) and go to the next step."""
        phase = self.phase
        if phase is None or self.state == "ready":
            return []
        step = phase.step_index
        events: list[Event] = []
        if step not in self._status.done and step not in self._status.skipped:
            self._status.skipped.append(step)
            events.append(Event("step_skipped", self.index, phase.exercise.slug))
        target = self._first_phase_of(step + 1)
        if target is None:
            return events + self._finish()
        return events + self._jump(target)

    def back(self) -> list[Event]:
        """Restart the current step, or go to the previous one when just started."""
        phase = self.phase
        if phase is None or self.state == "ready":
            return []
        step = phase.step_index
        first = self._first_phase_of(step)
        assert first is not None
        into_step = self._offsets[self.index] - self._offsets[first]
        into_step += phase.duration_s - self.remaining_s
        if into_step < _BACK_GRACE_S and step > 0:
            step -= 1
            first = self._first_phase_of(step)
            assert first is not None
        # The step is redone, so forget how it went last time.
        self._forget(step)
        return self._jump(first)

    def quit(self) -> None:
        """Stop early; the session stays incomplete."""
        if self.state == "ready":
            self._started_at = self.clock.monotonic()
        if not self.over:
            self._left_at_quit = self.remaining_s
            self._ended_at = self._ref_now()
            self.state = "quit"

    # ---- internals ---------------------------------------------------------------------

    def _first_phase_of(self, step: int) -> int | None:
        for i, p in enumerate(self.phases):
            if p.step_index == step:
                return i
        return None

    def _forget(self, step: int) -> None:
        for lst in (self._status.done, self._status.skipped):
            if step in lst:
                lst.remove(step)

    def _jump(self, index: int) -> list[Event]:
        # While paused, the new phase starts at the pause instant: it counts down on resume.
        return self._enter(index, self._ref_now())

    def _enter(self, index: int, start: float) -> list[Event]:
        self.index = index
        phase = self.phases[index]
        self._deadline = start + phase.duration_s
        self._beeped = set()
        events = [Event("phase", index, phase.text)]
        if phase.kind in ("setup", "transition", "rest"):
            events.append(Event("cue", index, phase.text))
        return events

    def _end_phase(self) -> list[Event]:
        phase = self.phases[self.index]
        events: list[Event] = []
        step = phase.step_index
        if phase.last_hold and step not in self._status.done:
            if step in self._status.skipped:
                self._status.skipped.remove(step)
            self._status.done.append(step)
            events.append(Event("step_done", self.index, phase.exercise.slug))
        if self.index + 1 >= len(self.phases):
            events += self._finish(at=self._deadline)
        return events

    def _finish(self, at: float | None = None) -> list[Event]:
        # While paused, _ref_now() is when the pause began, so the pause is not active time.
        self._ended_at = at if at is not None else self._ref_now()
        self.state = "finished"
        return [Event("finished", self.index, "session complete")]

    def _countdown(self, remaining: float) -> list[Event]:
        phase = self.phases[self.index]
        if phase.kind != "hold" or phase.duration_s <= COUNTDOWN_FROM:
            return []
        count = whole_seconds(remaining)
        if count > COUNTDOWN_FROM or count <= 0 or count in self._beeped:
            return []
        # Late ticks may cross several marks at once: beep once, for the latest.
        self._beeped.update(range(count, COUNTDOWN_FROM + 1))
        return [Event("countdown", self.index, str(count), count)]
