"""Movement-break use cases: reminder preferences, the break log, pauses and the summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select

from runback.core.schedule import BreakEvent, Outcome, ReminderPrefs, Schedule
from runback.core.timezones import day_bounds_utc, local_date
from runback.errors import NotFoundError, ValidationError
from runback.services.store import LOCAL_USER_ID, Store, get_user
from runback.storage.models import BreakRow

__all__ = [
    "PREFS_KEY",
    "BreakOverview",
    "BreakSummary",
    "BreaksDue",
    "PeriodSummary",
    "breaks_due",
    "breaks_today",
    "get_prefs",
    "history",
    "log_break",
    "log_break_session",
    "next_break",
    "pause",
    "resume",
    "schedule_for",
    "set_prefs",
    "summary",
    "update_break",
]

PREFS_KEY = "reminders"


def _validate(raw: Mapping[str, Any], source: str) -> ReminderPrefs:
    import pydantic

    try:
        return ReminderPrefs.model_validate(dict(raw))
    except pydantic.ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or 'reminders'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ValidationError(source, problems) from None


def get_prefs(store: Store, user_id: int = LOCAL_USER_ID) -> ReminderPrefs:
    """Return the user's reminder preferences (defaults for anything not set)."""
    with store.factory() as session:
        user = get_user(session, user_id)
        raw = (user.prefs or {}).get(PREFS_KEY) or {}
    return _validate(raw, f"users.prefs[{PREFS_KEY!r}]")


def set_prefs(
    store: Store,
    prefs: ReminderPrefs | Mapping[str, Any],
    user_id: int = LOCAL_USER_ID,
    *,
    merge: bool = False,
) -> ReminderPrefs:
    """Validate and store reminder preferences; with merge, change only the given fields."""
    with store.tx() as session:
        user = get_user(session, user_id)
        current = dict((user.prefs or {}).get(PREFS_KEY) or {})
        if isinstance(prefs, ReminderPrefs):
            valid = prefs
        else:
            valid = _validate({**current, **prefs} if merge else prefs, "reminder settings")
        # Reassign the whole dict so SQLAlchemy sees the JSON change; keep other keys intact.
        user.prefs = {**(user.prefs or {}), PREFS_KEY: valid.model_dump(mode="json")}
    return valid


def schedule_for(store: Store, user_id: int = LOCAL_USER_ID) -> Schedule:
    """Return the user's schedule in their zone."""
    return Schedule(get_prefs(store, user_id), store.user_zone(user_id))


def history(
    store: Store, since: datetime, until: datetime | None = None, user_id: int = LOCAL_USER_ID
) -> list[BreakEvent]:
    """Return logged breaks with `at` in [since, until), oldest first."""
    # Three columns on the (user_id, at) index: no ORM objects for a read-only list.
    query = select(BreakRow.due_at, BreakRow.at, BreakRow.outcome).where(
        BreakRow.user_id == user_id, BreakRow.at >= since
    )
    if until is not None:
        query = query.where(BreakRow.at < until)
    with store.factory() as session:
        rows = session.execute(query.order_by(BreakRow.at, BreakRow.id)).all()
    return [BreakEvent(r.due_at, r.at, r.outcome) for r in rows]


def log_break(
    store: Store,
    due_at: datetime,
    outcome: Outcome,
    at: datetime | None = None,
    *,
    session_id: int | None = None,
    user_id: int = LOCAL_USER_ID,
) -> int:
    """Record one break outcome and return its id."""
    zone = store.user_zone(user_id)
    with store.tx() as session:
        row = BreakRow(
            user_id=user_id,
            due_at=due_at,
            at=at or store.clock.now(),
            zone=zone,
            outcome=outcome,
            session_id=session_id,
        )
        session.add(row)
        session.flush()
        return row.id


def log_break_session(session: Any, user_id: int, session_id: int, at: datetime, zone: str) -> None:
    """Count a finished Desk break session as a taken break, inside the caller's transaction.

    A break the reminder logged as taken in the last few minutes gets the session linked;
    otherwise (the user started the Desk break on their own) a taken break is logged, so the
    sitting clock restarts either way.
    """
    recent = session.scalars(
        select(BreakRow)
        .where(
            BreakRow.user_id == user_id,
            BreakRow.outcome == "taken",
            BreakRow.session_id.is_(None),
            BreakRow.at >= at - timedelta(minutes=15),
        )
        .order_by(BreakRow.at.desc())
    ).first()
    if recent is not None:
        recent.session_id = session_id
        return
    session.add(
        BreakRow(
            user_id=user_id, due_at=at, at=at, zone=zone, outcome="taken", session_id=session_id
        )
    )


def update_break(store: Store, break_id: int, at: datetime, user_id: int = LOCAL_USER_ID) -> None:
    """Move a logged break's time (a natural break ends when the user comes back)."""
    with store.tx() as session:
        row = session.get(BreakRow, break_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"break {break_id} does not exist")
        row.at = at


def next_break(store: Store, user_id: int = LOCAL_USER_ID) -> datetime | None:
    """Return when the next break is due for the user, from today's log."""
    sched = schedule_for(store, user_id)
    now = store.clock.now()
    return sched.next_due(now, history(store, now - timedelta(days=1), None, user_id))


def pause(
    store: Store, how: Literal["1h", "tomorrow"] | timedelta, user_id: int = LOCAL_USER_ID
) -> datetime:
    """Start a quiet period and return when it ends."""
    sched = schedule_for(store, user_id)
    now = store.clock.now()
    until = sched.pause_until(now, how)
    # The start is kept too: the breaks the pause holds back are never due, even afterwards.
    changes = {"paused_since": now.isoformat(), "paused_until": until.isoformat()}
    set_prefs(store, changes, user_id, merge=True)
    return until


def resume(store: Store, user_id: int = LOCAL_USER_ID) -> None:
    """End any quiet period now."""
    prefs = get_prefs(store, user_id)
    now = store.clock.now()
    if prefs.paused_until is not None and prefs.paused_until > now:
        # Ended now rather than forgotten: its breaks so far stay not due.
        set_prefs(store, {"paused_until": now.isoformat()}, user_id, merge=True)


@dataclass(frozen=True)
class PeriodSummary:
    """Breaks in a period: taken vs due, time away from the keyboard, the longest sit.

    `due` is the schedule's count of breaks fallen due so far, `planned` the period's whole
    count; every due break ends taken, skipped or missed while the reminder runs. Time away
    from the keyboard (a natural break) restarts the schedule but is no break taken.
    """

    start: str
    end: str
    due: int
    planned: int
    taken: int
    away_from_keyboard: int
    snoozed: int
    skipped: int
    missed: int
    longest_sit_min: float

    @property
    def natural(self) -> int:
        """Return the time-away count under its old name (the Today page still reads it)."""
        return self.away_from_keyboard


@dataclass(frozen=True)
class BreakSummary:
    """Today's and this week's break summaries."""

    today: PeriodSummary
    week: PeriodSummary


def _period(
    sched: Schedule, events: list[BreakEvent], start: datetime, end: datetime, now: datetime
) -> PeriodSummary:
    counts = {o: 0 for o in ("taken", "natural", "snoozed", "skipped", "missed")}
    for e in events:
        if start <= e.at < end:
            counts[e.outcome] += 1
    due = planned = 0
    # The longest sit counts active hours already passed, on days with something logged
    # (a day with no log at all means reminders were not running: nothing is known).
    logged_days = {e.at.astimezone(sched.tz).date() for e in events if start <= e.at < end}
    longest = timedelta(0)
    day = start.astimezone(sched.tz).date()
    while True:
        w = sched.window(day)
        if w is not None and w[0] < end:
            planned += sched.planned_count(day, events)
            if w[0] <= now:
                due += sched.due_count(day, min(now, end), events)
        if w is not None and w[0] < end and day in logged_days:
            w_end = min(w[1], end, now)
            if w_end > w[0]:
                longest = max(longest, sched.longest_sit(events, w[0], w_end))
        day += timedelta(days=1)
        if day_bounds_utc(day, sched.zone)[0] >= end:
            break
    return PeriodSummary(
        start=start.isoformat(),
        end=end.isoformat(),
        due=due,
        planned=planned,
        taken=counts["taken"],
        away_from_keyboard=counts["natural"],
        snoozed=counts["snoozed"],
        skipped=counts["skipped"],
        missed=counts["missed"],
        longest_sit_min=round(longest.total_seconds() / 60, 1),
    )


def _week(sched: Schedule, now: datetime) -> tuple[datetime, datetime]:
    today = local_date(now, sched.zone)
    monday = today - timedelta(days=today.weekday())
    return day_bounds_utc(monday, sched.zone)[0], day_bounds_utc(
        monday + timedelta(days=6), sched.zone
    )[1]


def _summarise(sched: Schedule, events: list[BreakEvent], now: datetime) -> BreakSummary:
    """Summarise today and this week from the week's events (`at` in the week, oldest first)."""
    week_start, week_end = _week(sched, now)
    day_start, day_end = day_bounds_utc(local_date(now, sched.zone), sched.zone)
    return BreakSummary(
        today=_period(sched, events, day_start, day_end, now),
        week=_period(sched, events, week_start, week_end, now),
    )


def summary(store: Store, user_id: int = LOCAL_USER_ID) -> BreakSummary:
    """Summarise today's and this (Monday-started) week's breaks in the user's zone."""
    sched = schedule_for(store, user_id)
    now = store.clock.now()
    week_start, week_end = _week(sched, now)
    return _summarise(sched, history(store, week_start, week_end, user_id), now)


@dataclass(frozen=True)
class BreakOverview:
    """What the Today page shows about breaks: preferences, summaries, the next one due."""

    prefs: ReminderPrefs
    summary: BreakSummary
    next_due: datetime | None


def breaks_today(store: Store, user_id: int = LOCAL_USER_ID) -> BreakOverview:
    """Return the reminder prefs, today's and this week's summary and the next break due."""
    sched = schedule_for(store, user_id)
    now = store.clock.now()
    week_start, week_end = _week(sched, now)
    # One read serves both: the week for the summary, the last day for the next break.
    recent = now - timedelta(days=1)
    events = history(store, min(week_start, recent), None, user_id)
    week = [e for e in events if week_start <= e.at < week_end]
    last_day = [e for e in events if e.at >= recent]
    due = sched.next_due(now, last_day) if sched.prefs.enabled else None
    return BreakOverview(sched.prefs, _summarise(sched, week, now), due)


@dataclass(frozen=True)
class BreaksDue:
    """One local day's breaks: fallen due so far, planned in all, and answered (the tally)."""

    day: date
    due: int
    planned: int
    tally: int


def breaks_due(store: Store, *, user_id: int, day: date | None = None) -> BreaksDue:
    """Return how many breaks of a local day (default today) are due so far and planned."""
    sched = schedule_for(store, user_id)
    now = store.clock.now()
    day = day or local_date(now, sched.zone)
    start, end = day_bounds_utc(day, sched.zone)
    events = history(store, start, end, user_id)
    tally = sum(1 for e in events if e.outcome in ("taken", "skipped", "missed"))
    return BreaksDue(
        day=day,
        due=sched.due_count(day, now, events),
        planned=sched.planned_count(day, events),
        tally=tally,
    )
