"""Movement-break use cases: reminder preferences, the break log, pauses and the summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import ConfigDict
from sqlalchemy import select

from runback.core.model import Model
from runback.core.schedule import WEEKDAYS, BreakEvent, PlannedBreak, ReminderPrefs, Schedule
from runback.core.slots import BreakDay
from runback.core.timezones import day_bounds_utc, local_date
from runback.core.vocab import OUTCOMES, Outcome
from runback.errors import ConfigError, NotFoundError, ValidationError, from_pydantic
from runback.services.store import Store, get_user
from runback.storage.models import BreakRow

__all__ = [
    "PREFS_KEY",
    "REASON_MAX",
    "SHORT_NOTE",
    "STRICT_NO_SNOOZE",
    "STRICT_SKIP_REASON",
    "BreakEntry",
    "BreakOverview",
    "BreakSummary",
    "BreaksDue",
    "PeriodSummary",
    "break_day",
    "breaks_due",
    "breaks_today",
    "delete_break",
    "get_break",
    "get_prefs",
    "history",
    "list_breaks",
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
REASON_MAX = 200  # breaks.reason's column
STRICT_NO_SNOOZE = (
    "strict mode is on: a break cannot be snoozed; take a 1-minute break, or skip and say why"
)
STRICT_SKIP_REASON = "strict mode is on: say why you skip this break (a reason)"
SHORT_NOTE = "1-minute break"  # a short taken break, as the History page and `breaks list` say


def _validate(raw: Mapping[str, Any], source: str) -> ReminderPrefs:
    import pydantic

    try:
        return ReminderPrefs.model_validate(dict(raw))
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc, source, empty="reminders") from None


def get_prefs(store: Store, *, user_id: int) -> ReminderPrefs:
    """Return the user's reminder preferences (defaults for anything not set)."""
    with store.factory() as session:
        user = get_user(session, user_id=user_id)
        raw = (user.prefs or {}).get(PREFS_KEY) or {}
    return _validate(raw, f"users.prefs[{PREFS_KEY!r}]")


def set_prefs(
    store: Store, prefs: ReminderPrefs | Mapping[str, Any], *, user_id: int, merge: bool = False
) -> ReminderPrefs:
    """Validate and store reminder preferences; with merge, change only the given fields."""
    with store.tx() as session:
        user = get_user(session, user_id=user_id)
        current = dict((user.prefs or {}).get(PREFS_KEY) or {})
        if isinstance(prefs, ReminderPrefs):
            valid = prefs
        else:
            valid = _validate({**current, **prefs} if merge else prefs, "reminder settings")
        # Reassign the whole dict so SQLAlchemy sees the JSON change; keep other keys intact.
        user.prefs = {**(user.prefs or {}), PREFS_KEY: valid.model_dump(mode="json")}
    return valid


def schedule_for(store: Store, *, user_id: int, around: datetime | None = None) -> Schedule:
    """Return the user's schedule in their zone, planned around their busy times."""
    from runback.services.busy import busy_between

    at = around or store.clock.now()
    # This week back to Monday, and as far ahead as `next_due` and the feed look.
    busy = busy_between(
        store, user_id=user_id, start=at - timedelta(days=8), end=at + timedelta(days=16)
    )
    return Schedule(get_prefs(store, user_id=user_id), store.user_zone(user_id=user_id), busy)


def history(
    store: Store, since: datetime, until: datetime | None = None, *, user_id: int
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
    user_id: int,
    reason: str | None = None,
    short: bool = False,
) -> int:
    """Record one break outcome and return its id (strict mode: no snooze, a skip says why)."""
    reason = (reason or "").strip() or None
    if outcome in ("snoozed", "skipped") or short or reason:
        _check_answer(get_prefs(store, user_id=user_id), outcome, reason, short)
    zone = store.user_zone(user_id=user_id)
    with store.tx() as session:
        row = BreakRow(
            user_id=user_id,
            due_at=due_at,
            at=at or store.clock.now(),
            zone=zone,
            outcome=outcome,
            session_id=session_id,
            reason=reason,
            short=short,
        )
        session.add(row)
        session.flush()
        return row.id


def _check_answer(prefs: ReminderPrefs, outcome: str, reason: str | None, short: bool) -> None:
    """Refuse what strict mode rules out, and a reason or 1-minute break that does not fit."""
    if short and outcome != "taken":
        raise ValidationError("short", ["a 1-minute break is a taken break"])
    if reason is not None and outcome != "skipped":
        raise ValidationError("reason", ["only a skipped break has a reason"])
    if reason is not None and len(reason) > REASON_MAX:
        raise ValidationError("reason", [f"keep it to {REASON_MAX} characters"])
    if prefs.strict and outcome == "snoozed":
        raise ConfigError(STRICT_NO_SNOOZE)
    if prefs.strict and outcome == "skipped" and reason is None:
        raise ConfigError(STRICT_SKIP_REASON)


def log_break_session(
    session: Any, session_id: int, at: datetime, zone: str, *, user_id: int
) -> None:
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


class BreakEntry(Model):
    """A logged break as the CLI, web app and API show it (with its id, to edit or delete)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    due_at: datetime
    at: datetime
    zone: str
    outcome: str
    session_id: int | None
    reason: str | None = None
    short: bool = False

    @property
    def note(self) -> str | None:
        """Say what the answer added in plain words: "1-minute break", or why it was skipped."""
        # An edit may change the outcome and keep these: they only mean something for theirs.
        if self.short and self.outcome == "taken":
            return SHORT_NOTE
        if self.reason and self.outcome == "skipped":
            return self.reason
        return None


def _break_row(session: Any, user_id: int, break_id: int) -> BreakRow:
    row = session.get(BreakRow, break_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"no break {break_id}: see `runback breaks list` for the ids")
    assert isinstance(row, BreakRow)
    return row


def list_breaks(store: Store, *, user_id: int, days: int = 7) -> list[BreakEntry]:
    """Return the breaks logged in the last `days` days, newest first."""
    if days < 1:
        raise ValidationError("days", [f"must be 1 or more, got {days}"])
    since = store.clock.now() - timedelta(days=days)
    query = (
        select(BreakRow)
        .where(BreakRow.user_id == user_id, BreakRow.at >= since)
        .order_by(BreakRow.at.desc(), BreakRow.id.desc())
    )
    with store.factory() as session:
        return [BreakEntry.model_validate(r) for r in session.scalars(query)]


def get_break(store: Store, break_id: int, *, user_id: int) -> BreakEntry:
    """Return one of the user's logged breaks."""
    with store.factory() as session:
        return BreakEntry.model_validate(_break_row(session, user_id, break_id))


def update_break(
    store: Store,
    break_id: int,
    at: datetime | None = None,
    *,
    user_id: int,
    outcome: str | None = None,
) -> BreakEntry:
    """Change a logged break's outcome or time (a natural break ends when the user comes back)."""
    problems = []
    if outcome is not None and outcome not in OUTCOMES:
        problems.append(f"outcome: {outcome!r} is not one of: {', '.join(OUTCOMES)}")
    if at is not None and at.tzinfo is None:
        problems.append("at: needs a time zone (an aware datetime)")
    elif at is not None and at > store.clock.now() + timedelta(minutes=5):
        problems.append(f"at: {at.isoformat()} is in the future")
    if problems:
        raise ValidationError(f"break {break_id}", problems)
    with store.tx() as session:
        row = _break_row(session, user_id, break_id)
        if at is not None:
            row.at = at.astimezone(UTC)
        if outcome is not None:
            row.outcome = outcome
        session.flush()
        return BreakEntry.model_validate(row)


def delete_break(store: Store, break_id: int, *, user_id: int) -> None:
    """Delete one of the user's logged breaks (a session it was linked to stays)."""
    with store.tx() as session:
        session.delete(_break_row(session, user_id, break_id))


def next_break(store: Store, *, user_id: int) -> datetime | None:
    """Return when the next break is due for the user, from today's log."""
    sched = schedule_for(store, user_id=user_id)
    now = store.clock.now()
    return sched.next_due(now, history(store, now - timedelta(days=1), None, user_id=user_id))


def pause(store: Store, how: Literal["1h", "tomorrow"] | timedelta, *, user_id: int) -> datetime:
    """Start a quiet period and return when it ends."""
    sched = schedule_for(store, user_id=user_id)
    now = store.clock.now()
    until = sched.pause_until(now, how)
    # The start is kept too: the breaks the pause holds back are never due, even afterwards.
    changes = {"paused_since": now.isoformat(), "paused_until": until.isoformat()}
    set_prefs(store, changes, merge=True, user_id=user_id)
    return until


def resume(store: Store, *, user_id: int) -> None:
    """End any quiet period now."""
    prefs = get_prefs(store, user_id=user_id)
    now = store.clock.now()
    if prefs.paused_until is not None and prefs.paused_until > now:
        # Ended now rather than forgotten: its breaks so far stay not due.
        set_prefs(store, {"paused_until": now.isoformat()}, merge=True, user_id=user_id)


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


def summary(store: Store, *, user_id: int) -> BreakSummary:
    """Summarise today's and this (Monday-started) week's breaks in the user's zone."""
    sched = schedule_for(store, user_id=user_id)
    now = store.clock.now()
    week_start, week_end = _week(sched, now)
    return _summarise(sched, history(store, week_start, week_end, user_id=user_id), now)


def break_day(
    sched: Schedule, events: list[BreakEvent], now: datetime, next_due: datetime | None
) -> BreakDay:
    """Return today's breaks as the desk-break slot counts them: the schedule's, and taken."""
    today = local_date(now, sched.zone)
    w = sched.prefs.active_hours.get(WEEKDAYS[today.weekday()])
    start, end = day_bounds_utc(today, sched.zone)
    todays = [e for e in events if start <= e.at < end]
    return BreakDay(
        window=(w.start, w.end) if w is not None else None,
        # The schedule's grid (interval within active hours, less pauses), the reminders' own.
        planned=sched.planned_count(today, todays),
        due=sched.due_count(today, now, todays),
        taken=sum(1 for e in todays if e.outcome == "taken"),
        next_due=next_due.astimezone(sched.tz) if next_due is not None else None,
    )


@dataclass(frozen=True)
class BreakOverview:
    """What the Today page shows about breaks: preferences, summaries, the next one due."""

    prefs: ReminderPrefs
    summary: BreakSummary
    next_due: datetime | None
    day: BreakDay
    # Today's plan around busy times (each break with why it moved), and the next one's why.
    plan: list[PlannedBreak] = field(default_factory=list)
    next_reason: str | None = None


def breaks_today(store: Store, *, user_id: int) -> BreakOverview:
    """Return the reminder prefs, today's and this week's summary and the next break due."""
    sched = schedule_for(store, user_id=user_id)
    now = store.clock.now()
    week_start, week_end = _week(sched, now)
    # One read serves both: the week for the summary, the last day for the next break.
    recent = now - timedelta(days=1)
    events = history(store, min(week_start, recent), None, user_id=user_id)
    week = [e for e in events if week_start <= e.at < week_end]
    last_day = [e for e in events if e.at >= recent]
    due = sched.next_due(now, last_day) if sched.prefs.enabled else None
    day = break_day(sched, week, now, sched.next_due(now, last_day))
    next_reason = None
    if due is not None:
        due_day = local_date(due, sched.zone)
        start, end = day_bounds_utc(due_day, sched.zone)
        next_reason = sched.planned_break_on(
            due_day, [e for e in events if start <= e.at < end], due
        ).reason
    today = local_date(now, sched.zone)
    start, end = day_bounds_utc(today, sched.zone)
    plan = sched.plan(today, [e for e in week if start <= e.at < end])
    return BreakOverview(sched.prefs, _summarise(sched, week, now), due, day, plan, next_reason)


@dataclass(frozen=True)
class BreaksDue:
    """One local day's breaks: fallen due so far, planned in all, and answered (the tally)."""

    day: date
    due: int
    planned: int
    tally: int


def breaks_due(store: Store, *, user_id: int, day: date | None = None) -> BreaksDue:
    """Return how many breaks of a local day (default today) are due so far and planned."""
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    day = day or local_date(now, zone)
    start, end = day_bounds_utc(day, zone)
    sched = schedule_for(store, user_id=user_id, around=start)
    events = history(store, start, end, user_id=user_id)
    tally = sum(1 for e in events if e.outcome in ("taken", "skipped", "missed"))
    return BreaksDue(
        day=day,
        due=sched.due_count(day, now, events),
        planned=sched.planned_count(day, events),
        tally=tally,
    )
