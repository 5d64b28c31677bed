"""Check-ins: ask about the back before and after runs (core/checkins.py says when), and store
the answers as pain entries marked with their kind, so patterns can keep to the unbiased ones.

The questions are the pain log's: 0 to 10 now, and the red-flag questions of core/triage.py
(or "nothing changed since last time"); the answer goes through services/pain.log_pain, so the
advice and open concerns (services/concerns.py) follow exactly as for any pain entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import Field
from sqlalchemy import select

from runback.core.checkins import (
    AFTER_RUN_CLOSES,
    CHECKIN_KINDS,
    CheckInKind,
    RunSpan,
    Window,
    windows_for_day,
)
from runback.core.model import Model
from runback.core.timezones import local_date
from runback.core.vocab import PAIN_KIND_LABELS
from runback.errors import ValidationError
from runback.services.pain import PainLogged, log_pain
from runback.services.store import Store
from runback.storage.models import PainEntryRow, RunRow

__all__ = [
    "QUESTIONS",
    "CheckIn",
    "RunSpan",
    "answer_checkin",
    "checkin_windows",
    "due_checkins",
]

QUESTIONS: dict[str, str] = {
    "pre-run": "Before your run: how is your back right now, from 0 to 10? Any warning signs?",
    "after-run": "After your run: how is your back now, from 0 to 10? A 0 counts too.",
}


class CheckIn(Model):
    """A check-in asked for now: what, until when, and about which run."""

    kind: CheckInKind
    label: str = Field(description='"pre-run check-in" or "after-run check-in"')
    question: str
    opens_at: datetime
    closes_at: datetime
    run_at: datetime = Field(description="the planned run time, or the imported run's start")
    run_id: int | None = Field(default=None, description="the imported run it follows")


def _to_checkin(w: Window) -> CheckIn:
    return CheckIn(
        kind=w.kind,
        label=PAIN_KIND_LABELS[w.kind],
        question=QUESTIONS[w.kind],
        opens_at=w.opens_at,
        closes_at=w.closes_at,
        run_at=w.run_at,
        run_id=w.run_id,
    )


def _runs(store: Store, user_id: int, since: datetime, until: datetime) -> list[RunSpan]:
    with store.factory() as session:
        rows = session.execute(
            select(RunRow.id, RunRow.started_at, RunRow.elapsed_s).where(
                RunRow.user_id == user_id,
                RunRow.is_run,
                RunRow.started_at >= since,
                RunRow.started_at < until,
            )
        ).all()
    return [
        RunSpan(r.id, r.started_at, r.started_at + timedelta(seconds=r.elapsed_s)) for r in rows
    ]


def _answered(store: Store, user_id: int, since: datetime) -> list[tuple[str, datetime]]:
    with store.factory() as session:
        rows = session.execute(
            select(PainEntryRow.kind, PainEntryRow.at).where(
                PainEntryRow.user_id == user_id,
                PainEntryRow.at >= since,
                PainEntryRow.kind.in_(CHECKIN_KINDS),
            )
        ).all()
    return [(r.kind, r.at) for r in rows]


def _is_answered(w: Window, answers: list[tuple[str, datetime]]) -> bool:
    # Answered once the run it is about began (pre-run: since the day began).
    since = w.opens_at if w.kind == "pre-run" else w.run_at
    return any(kind == w.kind and since <= at < w.closes_at for kind, at in answers)


def checkin_windows(
    store: Store,
    *,
    user_id: int,
    since: datetime,
    until: datetime,
    runs: list[RunSpan] | None = None,
) -> list[CheckIn]:
    """Return the check-ins whose window overlaps [since, until), answered or not, by opening.

    `runs`: the runs started from a day before `since` to `until`, when the caller has them.
    """
    from runback.services.breaks import get_prefs

    zone = store.user_zone(user_id=user_id)
    prefs = get_prefs(store, user_id=user_id)
    first = local_date(since - AFTER_RUN_CLOSES, zone)
    last = local_date(until, zone)
    if runs is None:
        runs = _runs(store, user_id, since - AFTER_RUN_CLOSES - timedelta(days=2), until)
    found: list[Window] = []
    day = first
    while day <= last:
        found += windows_for_day(day, zone, {str(k): v for k, v in prefs.run_days.items()}, runs)
        day += timedelta(days=1)
    return [_to_checkin(w) for w in found if w.closes_at > since and w.opens_at < until]


def due_checkins(
    store: Store,
    *,
    user_id: int,
    at: datetime | None = None,
    runs: list[RunSpan] | None = None,
) -> list[CheckIn]:
    """Return the check-ins asked for now and not yet answered (pre-run first).

    `runs`: the runs of the last 24 hours and today, when the caller has read them already.
    """
    from runback.services.concerns import blocking_concern

    now = at or store.clock.now()
    windows = checkin_windows(
        store, user_id=user_id, since=now, until=now + timedelta(seconds=1), runs=runs
    )
    answers = _answered(store, user_id, now - timedelta(days=2))
    due = [
        c
        for c in windows
        if c.opens_at <= now < c.closes_at
        and not _is_answered(Window(c.kind, c.opens_at, c.closes_at, c.run_at, c.run_id), answers)
    ]
    # Care first: while a warning sign waits for a professional, no run is suggested.
    pre_run = any(c.kind == "pre-run" for c in due)
    if pre_run and blocking_concern(store, user_id=user_id) is not None:
        due = [c for c in due if c.kind != "pre-run"]
    return due


def answer_checkin(
    store: Store,
    *,
    user_id: int,
    kind: str,
    intensity: int,
    region: str = "lower-back",
    red_flags: Iterable[str] = (),
    same_as_last: bool = False,
    stops_activities: bool = False,
    notes: str = "",
) -> PainLogged:
    """Store a check-in's answer as a pain entry of that kind (after-run: linked to its run)."""
    if kind not in CHECKIN_KINDS:
        raise ValidationError("check-in", [f"kind: {kind!r}; use pre-run or after-run"])
    run_id: int | None = None
    if kind == "after-run":
        # The run the check-in asks about; else the latest run of the last 24 h, as pain does.
        due = [c for c in due_checkins(store, user_id=user_id) if c.kind == "after-run"]
        run_id = due[0].run_id if due else None
    return log_pain(
        store,
        user_id=user_id,
        region=region,
        intensity=intensity,
        run_id=run_id,
        link_run=kind == "after-run",  # a pre-run check-in is about no earlier run
        red_flags=red_flags,
        same_as_last=same_as_last,
        stops_activities=stops_activities,
        notes=notes,
        kind=kind,
    )
