"""Check-ins: when runback asks about the back before and after a run, whether it hurts or not.

A pain log people fill in when it hurts says little about what helps (the good days are
missing). Check-ins ask at fixed moments instead, so a 0 is recorded too:

- pre-run: on a run day (the reminder settings' run days), from the start of the local day
  until `PRE_RUN_GRACE` after the planned run time;
- after-run: from `AFTER_RUN_OPENS` to `AFTER_RUN_CLOSES` after an imported run ended, or after
  a planned run's time when no run was imported near it.

Pure: the windows come from the planned run times, the runs and the zone; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from runback.core.timezones import day_bounds_utc, to_zone

__all__ = [
    "AFTER_RUN_CLOSES",
    "AFTER_RUN_OPENS",
    "CHECKIN_KINDS",
    "PRE_RUN_GRACE",
    "CheckInKind",
    "RunSpan",
    "Window",
    "windows_for_day",
]

CheckInKind = Literal["pre-run", "after-run"]
CHECKIN_KINDS: tuple[CheckInKind, ...] = ("pre-run", "after-run")

PRE_RUN_GRACE = timedelta(minutes=30)  # a run starts a little late: still ask before it
AFTER_RUN_OPENS = timedelta(hours=1)  # the back has settled, the shower is done
AFTER_RUN_CLOSES = timedelta(hours=3)  # later, the answer is about the evening, not the run
# A run imported this close to a planned time is that planned run (one after-run check-in).
SAME_RUN = timedelta(hours=3)

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class RunSpan:
    """An imported run: its id, start and end (UTC)."""

    id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Window:
    """When a check-in is asked for: its kind, opening and closing instants, and the run."""

    kind: CheckInKind
    opens_at: datetime
    closes_at: datetime
    run_at: datetime  # the run it is about: the planned time, or the imported run's start
    run_id: int | None = None  # the imported run, when there is one

    def open_at(self, at: datetime) -> bool:
        """Tell whether the check-in is asked for at `at`."""
        return self.opens_at <= at < self.closes_at


def windows_for_day(
    day: date, zone: str, run_days: Mapping[str, time], runs: Iterable[RunSpan]
) -> list[Window]:
    """Return the day's check-in windows: pre-run (run days), after each run or planned run."""
    tz = to_zone(zone)
    start, end = day_bounds_utc(day, zone)
    planned_local = run_days.get(_WEEKDAYS[day.weekday()])
    planned = (
        datetime.combine(day, planned_local, tzinfo=tz).astimezone(UTC)
        if planned_local is not None
        else None
    )
    found: list[Window] = []
    if planned is not None:
        found.append(Window("pre-run", start, planned + PRE_RUN_GRACE, planned))
    day_runs = sorted((r for r in runs if start <= r.start < end), key=lambda r: r.start)
    for r in day_runs:
        found.append(
            Window("after-run", r.end + AFTER_RUN_OPENS, r.end + AFTER_RUN_CLOSES, r.start, r.id)
        )
    if planned is not None and not any(abs(r.start - planned) <= SAME_RUN for r in day_runs):
        found.append(
            Window("after-run", planned + AFTER_RUN_OPENS, planned + AFTER_RUN_CLOSES, planned)
        )
    return sorted(found, key=lambda w: (w.opens_at, w.kind))
