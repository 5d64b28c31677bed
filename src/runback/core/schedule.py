"""Movement-break schedule: when the next break and the pre-run reminder are due (pure, no I/O).

Rules, in the user's zone:
- Breaks fall inside the active hours of each weekday, `interval` after the last reset of the
  sitting clock, and strictly before the window's end. With no reset yet that day, the window
  start is the reset (so Mon 09:00 gives a first break at 09:30).
- Resets: a break taken, skipped or missed restarts the clock at its `at`; a natural break
  (the user idle at least the threshold) restarts it at its `at` (when the user came back) —
  except in fixed mode, which ignores idle entirely.
- A snooze puts the break `snooze` later; at most `max_snoozes` in a row.
- A quiet period (`paused_until`) holds every reminder back until it ends.
- Run days: a "back-up work before your run" reminder `prerun_lead` before each usual run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from runback.core.timezones import to_zone

__all__ = [
    "OUTCOMES",
    "WEEKDAYS",
    "ActiveWindow",
    "BreakEvent",
    "Outcome",
    "ReminderPrefs",
    "Schedule",
    "Weekday",
]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Outcome = Literal["taken", "snoozed", "skipped", "natural", "missed"]
OUTCOMES: tuple[str, ...] = Outcome.__args__  # type: ignore[attr-defined]


class ActiveWindow(BaseModel):
    """Working hours on one weekday, local wall time; start before end (no overnight)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> ActiveWindow:
        if self.start >= self.end:
            raise ValueError(
                f"start {self.start:%H:%M} must be before end {self.end:%H:%M} "
                "(windows past midnight are not supported)"
            )
        return self


def _workweek() -> dict[Weekday, ActiveWindow]:
    return {d: ActiveWindow(start=time(9, 0), end=time(17, 30)) for d in WEEKDAYS[:5]}


class ReminderPrefs(BaseModel):
    """Movement-break and pre-run reminder preferences (users.prefs["reminders"])."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    interval_min: int = Field(default=30, ge=5, le=240, description="minutes between breaks")
    break_min: int = Field(default=3, ge=1, le=30, description="length of a break")
    snooze_min: int = Field(default=5, ge=1, le=60)
    max_snoozes: int = Field(default=2, ge=0, le=5, description="snoozes allowed in a row")
    idle_threshold_min: float = Field(
        default=3, ge=0.5, le=120, description="idle this long counts as a natural break"
    )
    mode: Literal["adaptive", "fixed"] = "adaptive"
    active_hours: dict[Weekday, ActiveWindow] = Field(default_factory=_workweek)
    run_days: dict[Weekday, time] = Field(
        default_factory=dict, description="usual run start per weekday, e.g. tue: 18:30"
    )
    prerun_lead_min: int = Field(default=60, ge=0, le=24 * 60)
    # Quiet period ("pause 1h", "until tomorrow"); an aware UTC instant, or None.
    paused_until: datetime | None = None

    @field_validator("paused_until")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("paused_until needs a time zone (an ISO time ending in Z or +hh:mm)")
        return v.astimezone(UTC) if v is not None else None

    @model_validator(mode="after")
    def _snooze_fits(self) -> ReminderPrefs:
        if self.snooze_min >= self.interval_min:
            raise ValueError(
                f"snooze_min ({self.snooze_min}) must be shorter than interval_min "
                f"({self.interval_min})"
            )
        return self


@dataclass(frozen=True)
class BreakEvent:
    """One logged break outcome: the break that was due, when it happened, and how."""

    due_at: datetime
    at: datetime
    outcome: Outcome


class Schedule:
    """Due times computed from preferences and the break history."""

    def __init__(self, prefs: ReminderPrefs, zone: str) -> None:
        self.prefs = prefs
        self.zone = zone
        self.tz = to_zone(zone)
        self.interval = timedelta(minutes=prefs.interval_min)
        self.break_len = timedelta(minutes=prefs.break_min)
        self.snooze = timedelta(minutes=prefs.snooze_min)
        self.idle_threshold = timedelta(minutes=prefs.idle_threshold_min)
        self.prerun_lead = timedelta(minutes=prefs.prerun_lead_min)

    # -- windows -------------------------------------------------------------------------
    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """Return a local day's active hours as UTC instants, or None on a day off."""
        w = self.prefs.active_hours.get(WEEKDAYS[day.weekday()])
        if w is None:
            return None
        start = datetime.combine(day, w.start, tzinfo=self.tz).astimezone(UTC)
        end = datetime.combine(day, w.end, tzinfo=self.tz).astimezone(UTC)
        return start, end

    def is_active(self, at: datetime) -> bool:
        """Return True when `at` lies inside that day's active hours."""
        w = self.window(at.astimezone(self.tz).date())
        return w is not None and w[0] <= at < w[1]

    def day_slots(self, day: date) -> list[datetime]:
        """Return the break times of a day when each break is taken on time (the fixed grid)."""
        w = self.window(day)
        if w is None:
            return []
        slots, due = [], w[0] + self.interval
        while due < w[1]:
            slots.append(due)
            due += self.interval
        return slots

    # -- history -------------------------------------------------------------------------
    def _relevant(self, history: Iterable[BreakEvent]) -> list[BreakEvent]:
        events = sorted(history, key=lambda e: e.at)
        if self.prefs.mode == "fixed":
            events = [e for e in events if e.outcome != "natural"]
        return events

    def snoozes_in_a_row(self, history: Iterable[BreakEvent]) -> int:
        """Return how many snoozes end the history."""
        count = 0
        for event in reversed(self._relevant(history)):
            if event.outcome != "snoozed":
                break
            count += 1
        return count

    def can_snooze(self, history: Iterable[BreakEvent]) -> bool:
        """Return True while another snooze is allowed."""
        return self.snoozes_in_a_row(history) < self.prefs.max_snoozes

    # -- due times -----------------------------------------------------------------------
    def _due_from(
        self, anchor: datetime | None, day0: date, now: datetime | None = None
    ) -> datetime | None:
        for offset in range(15):
            w = self.window(day0 + timedelta(days=offset))
            # A window that is already over by `now` has nothing left to remind about.
            if w is None or (now is not None and w[1] <= now):
                continue
            start = max(w[0], anchor) if anchor is not None else w[0]
            due = start + self.interval
            if due < w[1]:
                return due
        return None

    def _after_pause(self, due: datetime) -> datetime | None:
        until = self.prefs.paused_until
        if until is None or due >= until:
            return due
        if self.is_active(until):
            return until
        return self._due_from(None, until.astimezone(self.tz).date(), until)

    def next_due(self, now: datetime, history: Sequence[BreakEvent]) -> datetime | None:
        """Return when the next break is due (possibly already past: it is overdue)."""
        if not self.prefs.active_hours:
            return None
        events = self._relevant(history)
        last = events[-1] if events else None
        today = max(now, last.at if last else now).astimezone(self.tz).date()
        due: datetime | None = None
        if last is not None and last.outcome == "snoozed":
            in_a_row = self.snoozes_in_a_row(events)
            snoozed = last.at + self.snooze
            if in_a_row <= self.prefs.max_snoozes and self.is_active(snoozed):
                due = snoozed
        if due is None:
            due = self._due_from(last.at if last else None, today, now)
        return self._after_pause(due) if due is not None else None

    def next_prerun(self, after: datetime) -> datetime | None:
        """Return the first pre-run reminder strictly after `after`, outside any pause."""
        if not self.prefs.run_days:
            return None
        day0 = after.astimezone(self.tz).date()
        for offset in range(15):
            day = day0 + timedelta(days=offset)
            run_at = self.prefs.run_days.get(WEEKDAYS[day.weekday()])
            if run_at is None:
                continue
            at = datetime.combine(day, run_at, tzinfo=self.tz).astimezone(UTC) - self.prerun_lead
            paused = self.prefs.paused_until is not None and at < self.prefs.paused_until
            if at > after and not paused:
                return at
        return None

    def pause_until(self, now: datetime, how: Literal["1h", "tomorrow"] | timedelta) -> datetime:
        """Return the end of a quiet period: an hour (or any span) from now, or next local day."""
        if isinstance(how, timedelta):
            return now + how
        if how == "1h":
            return now + timedelta(hours=1)
        tomorrow = now.astimezone(self.tz).date() + timedelta(days=1)
        return datetime.combine(tomorrow, time(0), tzinfo=self.tz).astimezone(UTC)

    def longest_sit(
        self, history: Sequence[BreakEvent], start: datetime, end: datetime
    ) -> timedelta:
        """Return the longest stretch in [start, end) with no taken or natural break."""
        marks = [start]
        for e in self._relevant(history):
            if e.outcome in ("taken", "natural") and start <= e.at < end:
                marks.append(e.at)
        marks.append(end)
        return max((b - a for a, b in itertools.pairwise(marks)), default=timedelta(0))
