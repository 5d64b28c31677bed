"""A 12-week simulated runner: runs, back-up work, breaks and daily pain check-ins (seeded).

Ten steady weeks of four 6 km runs, then a last week of near-daily 8 km runs (the ramp spike)
while the daily back pain drifts up from about 2 to about 4 (the pain rise). Pain is logged
every evening (a check-in, 0 included) and two hours after each run. Built into the numbers:

- a run day with "Pre-run mobility" before the run has after-run pain about 1.5 lower;
- a weekday with at least 6 of 8 movement breaks taken has next-day pain about 1.5 lower;
- an evening with "Evening unwind" has next-day pain about 1.5 lower.

So the load nudge shows, and so do these patterns (with their intervals below zero).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow

__all__ = ["PRE_RUN", "UNWIND", "Simulated", "simulate_runner"]

PRE_RUN = ("pre-run-mobility", "Pre-run mobility", ["hip-circles", "leg-swings"])
UNWIND = ("evening-unwind", "Evening unwind", ["cat-cow", "childs-pose", "supine-twist"])
_EFFECT = 1.5
_RUN_WEEKDAYS = (1, 3, 5, 6)  # Tue, Thu, Sat, Sun


@dataclass(frozen=True)
class Simulated:
    """What was written: counts, for the test to check against."""

    first: date
    last: date
    runs: int
    pain_entries: int
    sessions: int
    breaks: int


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _clamp(x: float) -> int:
    return max(0, min(10, round(x)))


def _session(slug: str, name: str, steps: list[str], start: datetime, zone: str) -> SessionRow:
    return SessionRow(
        user_id=LOCAL_USER_ID,
        routine_slug=slug,
        routine_name=name,
        started_at=start,
        ended_at=start + timedelta(minutes=10),
        zone=zone,
        steps_total=len(steps),
        steps_done=list(steps),
        completed=True,
        context="before-run" if slug == PRE_RUN[0] else "other",
        active_s=600.0,
    )


def simulate_runner(
    store: Store, today: date, *, zone: str, seed: int = 19, days: int = 84
) -> Simulated:
    """Write `days` local days up to yesterday (12 weeks unless told) for the local user."""
    rng = random.Random(seed)
    first = today - timedelta(days=days)
    runs = pains = sessions = breaks = 0
    helped_next: dict[date, float] = {}
    with store.tx() as s:
        for i in range(days):
            day = first + timedelta(days=i)
            back = (today - day).days  # 1 .. days
            spike = back <= 7
            base = 4.0 if spike else 2.0
            relief = helped_next.get(day, 0.0)
            if rng.random() < 0.5:  # the evening routine, on about half the days
                s.add(_session(*UNWIND, _at(day, 19, 0, zone), zone))
                sessions += 1
                helped_next[day + timedelta(days=1)] = (
                    helped_next.get(day + timedelta(days=1), 0.0) + _EFFECT
                )
            if day.weekday() < 5:
                taken = rng.randint(2, 8)
                for k in range(8):
                    due = _at(day, 9 + k, 0, zone)
                    outcome = "taken" if k < taken else rng.choice(["skipped", "missed"])
                    s.add(
                        BreakRow(
                            user_id=LOCAL_USER_ID, due_at=due, at=due, zone=zone, outcome=outcome
                        )
                    )
                    breaks += 1
                if taken >= 6:
                    helped_next[day + timedelta(days=1)] = (
                        helped_next.get(day + timedelta(days=1), 0.0) + _EFFECT
                    )
            ran = (day.weekday() in _RUN_WEEKDAYS) or (spike and day.weekday() != 0)
            worst_today = base + 0.5 - relief
            if ran:
                km = 8.0 if spike else 6.0
                start = _at(day, 7, 0, zone)
                prepared = rng.random() < 0.5
                if prepared:
                    s.add(_session(*PRE_RUN, start - timedelta(minutes=20), zone))
                    sessions += 1
                row = RunRow(
                    user_id=LOCAL_USER_ID,
                    started_at=start,
                    zone=zone,
                    elapsed_s=km * 360,
                    moving_s=km * 360,
                    distance_m=km * 1000,
                    ascent_m=None,
                    sport="running",
                    name=None,
                    source_format="gpx",
                    source_file=f"sim-{day.isoformat()}.gpx",
                    device=None,
                    content_hash=f"sim-{day.isoformat()}",
                    imported_at=start,
                )
                s.add(row)
                s.flush()
                runs += 1
                after = base + 1.0 - relief - (_EFFECT if prepared else 0.0) + rng.gauss(0, 0.7)
                s.add(_pain(_at(day, 9, 0, zone), zone, _clamp(after), row.id))
                pains += 1
            # The evening check-in: asked every day, so a 0 is logged too.
            s.add(_pain(_at(day, 21, 0, zone), zone, _clamp(worst_today + rng.gauss(0, 0.7)), None))
            pains += 1
    return Simulated(first, today - timedelta(days=1), runs, pains, sessions, breaks)


def _pain(at: datetime, zone: str, intensity: int, run_id: int | None) -> PainEntryRow:
    return PainEntryRow(
        user_id=LOCAL_USER_ID,
        at=at,
        zone=zone,
        region="lower-back",
        intensity=intensity,
        run_id=run_id,
    )
