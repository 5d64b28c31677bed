"""Movement-break schedule: when the next break and the pre-run reminder are due (pure, no I/O).

Rules, in the user's zone:
- Breaks fall on a grid inside the active hours of each weekday: every `interval` after the
  last restart of the sitting clock, strictly before the window's end. The window start is
  the first restart (so Mon 09:00 gives breaks at 09:30, 10:00, ...).
- Only movement restarts the clock: a taken break at its `at`, and (adaptive mode) a natural
  break, i.e. time away from the keyboard, at its `at` (when the user came back). A skipped or
  missed break does not: the next one stays on the grid, so no answer drifts the day.
- Grid points while the user is away (a natural break's row spans `due_at`, when the input
  stopped, to `at`) or inside a quiet period (`paused_since`..`paused_until`) are not due.
- A snooze puts the break `snooze` later; at most `max_snoozes` in a row. Grid points passing
  during a snooze chain are not due: the chain is still that break.
- Run days: a "back-up work before your run" reminder `prerun_lead` before each usual run.
- Busy times (the user's calendars, `BusyBlock.blocks`): a grid point inside a busy time
  moves to just before it (one break length before its start) when at least `MIN_SIT` of
  sitting has passed since the last restart and the break before is `MIN_GAP` away, else to
  its end; in focus mode (`prefs.focus`) it is always held to the end. The grid goes on from
  the moved break. A busy time longer than the interval is followed by a break at its end
  with a longer walk and an upper-back stretch (`LONG_SIT_STRETCH`). A moved break is still
  one break: the counts below are unchanged by moving.

`due_times` replays one local day's log through these rules; the tally of a day the reminder
ran for (taken + skipped + missed) equals its `due_count`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from runback.core.busy import BusyBlock, merged
from runback.core.model import Model
from runback.core.timezones import to_zone
from runback.core.vocab import WEEKDAYS, Outcome, Weekday

__all__ = [
    "LONG_SIT_STRETCH",
    "MIN_GAP",
    "MIN_SIT",
    "WEEKDAYS",
    "ActiveWindow",
    "BreakEvent",
    "PlannedBreak",
    "ReminderPrefs",
    "Schedule",
    "Weekday",
]

# A break moved before a busy time needs this much sitting since the last restart (sooner
# is no break worth having); closer than MIN_GAP to the break before, it goes after instead.
MIN_SIT = timedelta(minutes=10)
MIN_GAP = timedelta(minutes=10)
# After sitting longer than the interval: the catalog's seated upper-back stretch.
LONG_SIT_STRETCH = "seated-upper-back-stretch"


class ActiveWindow(Model):
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


class ReminderPrefs(Model):
    """Movement-break and pre-run reminder preferences (users.prefs["reminders"])."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    interval_min: int = Field(default=30, ge=5, le=240, description="minutes between breaks")
    # Diaz et al. 2023: five minutes of light walking every 30 minutes of sitting.
    break_min: int = Field(default=5, ge=1, le=30, description="length of a break")
    snooze_min: int = Field(default=5, ge=1, le=60)
    max_snoozes: int = Field(default=2, ge=0, le=5, description="snoozes allowed in a row")
    idle_threshold_min: float = Field(
        # Stretchly's and Safe Eyes' natural-break threshold: shorter idles are reading.
        default=5,
        ge=0.5,
        le=120,
        description="idle this long counts as away from the keyboard",
    )
    mode: Literal["adaptive", "fixed"] = "adaptive"
    active_hours: dict[Weekday, ActiveWindow] = Field(default_factory=_workweek)
    run_days: dict[Weekday, time] = Field(
        default_factory=dict, description="usual run start per weekday, e.g. tue: 18:30"
    )
    prerun_lead_min: int = Field(default=60, ge=0, le=24 * 60)
    focus: bool = Field(
        default=False, description="hold a break until a meeting ends, never move it before"
    )
    strict: bool = Field(
        default=False, description="no snooze; a skip asks why; a 1-minute break when busy"
    )
    # Quiet period ("pause 1h", "until tomorrow"): aware UTC instants, or None. The start is
    # kept after the pause ends so the breaks it held back are never counted as due.
    paused_since: datetime | None = None
    paused_until: datetime | None = None

    @field_validator("paused_since", "paused_until")
    @classmethod
    def _aware(cls, v: datetime | None, info: ValidationInfo) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError(
                f"{info.field_name} needs a time zone (an ISO time ending in Z or +hh:mm)"
            )
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


@dataclass(frozen=True)
class PlannedBreak:
    """One break of a day's plan, and why it is not on the plain grid (a busy time)."""

    at: datetime
    reason: str | None = None  # "after your 10:00–11:30 meeting", in the user's local time
    long_sit: bool = False  # after a busy time longer than the interval: walk longer, stretch


@dataclass(frozen=True)
class _Day:
    """One local day replayed: every break time, the unanswered ones, the chain if any."""

    planned: list[datetime]  # fell due so far, then the rest of the grid
    open: list[datetime]  # fell due and not answered
    upcoming: datetime | None  # the next grid point after the log
    chain: BreakEvent | None  # the last snooze, when the snooze chain is still running


class Schedule:
    """Due times computed from preferences and the break history."""

    def __init__(self, prefs: ReminderPrefs, zone: str, busy: Iterable[BusyBlock] = ()) -> None:
        self.prefs = prefs
        # Only what blocks, overlapping and touching times joined: one meeting to plan around.
        self.busy = merged(busy)
        self._moved: dict[datetime, PlannedBreak] = {}
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

    def busy_at(self, at: datetime) -> BusyBlock | None:
        """Return the (joined) busy time `at` lies in, or None."""
        for b in self.busy:
            if b.start <= at < b.end:
                return b
            if b.start > at:
                break
        return None

    def _span(self, b: BusyBlock) -> str:
        return f"{b.start.astimezone(self.tz):%H:%M}–{b.end.astimezone(self.tz):%H:%M}"

    def _placed(self, raw: datetime, restart: datetime, prev: datetime) -> datetime:
        """Move a grid point out of a busy time (before it or to its end; see the docstring)."""
        b = self.busy_at(raw)
        if b is None:
            return raw
        early = b.start - self.break_len
        if (
            not self.prefs.focus
            and early - restart >= MIN_SIT
            and early - prev >= MIN_GAP
            and self.busy_at(early) is None
        ):
            self._moved[early] = PlannedBreak(
                early, f"moved before your {b.start.astimezone(self.tz):%H:%M} meeting"
            )
            return early
        self._moved[b.end] = PlannedBreak(
            b.end, f"after your {self._span(b)} meeting", long_sit=b.length > self.interval
        )
        return b.end

    def planned_break(self, at: datetime) -> PlannedBreak:
        """Return a planned break time with why it moved (call after planning its day)."""
        return self._moved.get(at, PlannedBreak(at))

    def planned_break_on(
        self, day: date, history: Iterable[BreakEvent], at: datetime
    ) -> PlannedBreak:
        """Return the break of a local day's plan at `at`, with why it moved."""
        return next((b for b in self.plan(day, history) if b.at == at), PlannedBreak(at))

    def plan(self, day: date, history: Iterable[BreakEvent] = ()) -> list[PlannedBreak]:
        """Return a local day's breaks (as `due_times`), each with why it moved, if it did."""
        return [self.planned_break(t) for t in self.due_times(day, history)]

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

    def can_snooze(self, history: Iterable[BreakEvent], now: datetime | None = None) -> bool:
        """Return True while another snooze is allowed (and, given `now`, fits in the day)."""
        if now is not None and not self.is_active(now + self.snooze):
            return False
        if now is not None and self.busy_at(now + self.snooze) is not None:
            return False  # it would fall due in a meeting
        return self.snoozes_in_a_row(history) < self.prefs.max_snoozes

    # -- due times -----------------------------------------------------------------------
    def paused(self, at: datetime) -> bool:
        """Return True when `at` lies in the quiet period (since unknown: all before its end)."""
        since, until = self.prefs.paused_since, self.prefs.paused_until
        if until is None or at >= until:
            return False
        return since is None or since >= until or at >= since

    def _replay(self, day: date, history: Iterable[BreakEvent], now: datetime | None) -> _Day:
        """Replay one local day's log on its grid (see the module docstring for the rules)."""
        w = self.window(day)
        if w is None or not self.prefs.enabled:
            return _Day([], [], None, None)  # reminders off: nothing is due
        w0, w1 = w
        self._moved = {}  # why each break of this day moved, filled as the grid is placed
        day_start = datetime.combine(day, time(0), tzinfo=self.tz).astimezone(UTC)
        day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz).astimezone(UTC)
        events = [e for e in self._relevant(history) if day_start <= e.at < day_end]
        due: list[datetime] = []
        open_: list[datetime] = []  # fell due, not answered yet
        restart = w0  # the sitting clock's last restart
        nxt = self._placed(w0 + self.interval, restart, restart)
        snoozes = 0
        chain: BreakEvent | None = None  # the last snooze of an honoured chain

        def advance(to: datetime, count: bool) -> None:
            nonlocal nxt
            while nxt <= to and nxt < w1:
                if count and not self.paused(nxt):
                    due.append(nxt)
                    open_.append(nxt)
                nxt = self._placed(nxt + self.interval, restart, nxt)

        for e in events:
            if e.outcome == "natural":
                # Grid points up to the moment the input stopped were due; none while away.
                advance(min(e.due_at, e.at), chain is None)
                # Movement: a break nobody answered before going away is not asked for again.
                chain, snoozes, open_ = None, 0, []
                restart = max(w0, e.at)
                nxt = self._placed(restart + self.interval, restart, restart)
                continue
            advance(e.at, chain is None)
            if e.outcome == "snoozed":
                snoozes += 1
                if chain is None and not open_ and e.due_at >= nxt and nxt < w1:
                    advance(nxt, True)  # snoozed before it fell due: it is due all the same
                chain = e if snoozes <= self.prefs.max_snoozes else None
                if chain is not None and not self.is_active(e.at + self.snooze):
                    # Snoozed past the end of the day: nothing more today.
                    chain, open_, nxt = None, [], w1
                continue
            if chain is None and not open_ and e.due_at >= nxt and nxt < w1 and e.due_at != e.at:
                advance(nxt, True)  # answered before it fell due: it is due all the same
            # An answer settles its break and any older one nobody answered.
            open_ = [t for t in open_ if t > e.due_at]
            chain, snoozes = None, 0
            if e.outcome == "taken":
                open_ = []
                restart = max(w0, e.at)
                nxt = self._placed(restart + self.interval, restart, restart)
        if now is not None:
            advance(now, chain is None)
        planned = [*due]
        probe = nxt
        while probe < w1:
            if not self.paused(probe):
                planned.append(probe)
            probe = self._placed(probe + self.interval, restart, probe)
        upcoming = nxt if nxt < w1 else None
        return _Day(planned, open_, upcoming, chain)

    def due_times(self, day: date, history: Iterable[BreakEvent]) -> list[datetime]:
        """Return a local day's break times: those already due and the rest still planned."""
        return self._replay(day, history, None).planned

    def due_count(self, day: date, now: datetime, history: Iterable[BreakEvent]) -> int:
        """Return how many of a local day's breaks have fallen due by `now`."""
        return sum(1 for t in self._replay(day, history, now).planned if t <= now)

    def planned_count(self, day: date, history: Iterable[BreakEvent] = ()) -> int:
        """Return how many breaks a local day has in all (due so far plus still planned)."""
        return len(self._replay(day, history, None).planned)

    def next_due(
        self, now: datetime, history: Sequence[BreakEvent], since: datetime | None = None
    ) -> datetime | None:
        """Return when the next break is due (possibly already past: it is overdue).

        Breaks that fell due before `since` (default `now`: when the reminder started) and
        were never answered are left behind, except the latest of them: the current one.
        """
        if not self.prefs.active_hours:
            return None
        since = now if since is None else since
        today = now.astimezone(self.tz).date()
        for offset in range(15):
            day = today + timedelta(days=offset)
            w = self.window(day)
            if w is None or w[1] <= now:
                continue
            found = self._replay(day, history, now)
            if found.chain is not None:
                snoozed = found.chain.at + self.snooze
                if not self.paused(snoozed):
                    return snoozed
            # In a quiet period nothing is due before it ends, however old.
            unanswered = [] if self.paused(now) else found.open
            current = [t for t in unanswered if t <= since][-1:]
            pending = [*current, *(t for t in unanswered if t > since)]
            if pending:
                return pending[0]
            if found.upcoming is not None:
                # The rest of the plan leaves out the paused grid points (and moved busy ones).
                probe = next((t for t in found.planned if t >= found.upcoming), None)
                if probe is not None:
                    return probe
        return None

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
        """Return the longest stretch in [start, end) with no taken break."""
        marks = [start]
        for e in history:
            # Away from the keyboard is not movement (a meeting, a phone call): only taken.
            if e.outcome == "taken" and start <= e.at < end:
                marks.append(e.at)
        marks.append(end)
        return max((b - a for a, b in itertools.pairwise(marks)), default=timedelta(0))
