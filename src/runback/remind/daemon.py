"""The reminder daemon: sleep until the next deadline, then remind, listen, and log the break.

There is no per-second polling: the loop sleeps (Clock.sleep) until the earliest of the next
break, the next pre-run reminder (which offers the pre-run check-in), the next after-run
check-in (services/checkins.py: 1-3 h after an imported or planned run), the next idle check
(only in adaptive mode, timed so that an idle stretch is seen the moment it reaches the
threshold) and a cap that picks up changed preferences (pause, resume, config) from the
database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from runback.core.clock import Clock
from runback.core.schedule import BreakEvent, Schedule
from runback.core.timezones import to_zone
from runback.remind.idle import IdleSource
from runback.remind.notify import Notice, Notifier
from runback.services import break_plan, breaks, checkins, concerns, routines
from runback.services.calendar_fetch import Fetcher
from runback.services.store import LOCAL_USER_ID, Store

__all__ = [
    "CLOCK_JUMP_S",
    "DEFAULT_MAX_SLEEP_S",
    "Daemon",
    "Fired",
    "StartAtClock",
    "default_beeper",
]

# Longest single sleep: how soon a pause/resume/config change made elsewhere is noticed.
DEFAULT_MAX_SLEEP_S = 600.0
# Wall time that drifts from monotonic time by more than this between two looks was set (or
# the machine slept, which stops the monotonic clock): the schedule is worked out afresh.
CLOCK_JUMP_S = 180.0


@dataclass(frozen=True)
class Fired:
    """A reminder the daemon showed: kind (break | prerun | checkin | care), due, shown, answer."""

    kind: str
    due: datetime
    at: datetime
    outcome: str


class StartAtClock:
    """The real clock, but starting at a chosen instant (base of a ScaledClock for demos)."""

    def __init__(self, start: datetime) -> None:
        import time

        self._start = start
        self._m0 = time.monotonic()

    def now(self) -> datetime:
        """Return the start plus the real time elapsed."""
        import time

        return self._start + timedelta(seconds=time.monotonic() - self._m0)

    def monotonic(self) -> float:
        """Return time.monotonic()."""
        import time

        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        import time

        if seconds > 0:
            time.sleep(seconds)


def default_beeper() -> Callable[[], None]:
    """Return the shared Sounder's beep."""
    from runback.sound import Sounder

    return Sounder().beep


@dataclass
class Daemon:
    """The reminder loop for one user."""

    store: Store
    notifier: Notifier
    idle: IdleSource | None
    clock: Clock
    beep: Callable[[], None] = field(default=lambda: None)
    launcher: Callable[[], bool] | None = None
    user_id: int = LOCAL_USER_ID
    max_sleep_s: float = DEFAULT_MAX_SLEEP_S
    # Real seconds per clock second (1/speed), to turn response windows into real waits.
    real_per_clock_s: float = 1.0
    out: Callable[[str], None] = field(default=lambda _line: None)
    fired: list[Fired] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    _started: datetime | None = None
    _prerun_after: datetime | None = None
    _away: tuple[int, datetime] | None = None  # natural break row id and its current end
    _next_idle_check: datetime | None = None
    _seen: tuple[datetime, float] | None = None  # wall and monotonic time at the last look
    jumps: list[timedelta] = field(default_factory=list)  # wall-clock jumps seen, for tests
    # Set back: breaks up to this row id, logged at or after this time, came from the bad clock.
    _stale: tuple[int, datetime] | None = None
    _care_shown: int | None = None  # the open concern whose advice was last shown
    # Your calendars are read again when due (every calendar_sync_min) through this fetcher;
    # None: not read by this daemon. Tests pass a fake one: no network, no sleep.
    calendar_fetcher: Fetcher | None = None
    _calendar_errors: dict[int, str | None] = field(default_factory=dict)
    _calendars_next: datetime | None = None  # no look at the calendars before this
    # After-run check-ins already asked for (by kind and opening): each is asked once.
    _checkins_shown: set[tuple[str, datetime]] = field(default_factory=set)
    _meeting_noted: datetime | None = None  # the end of the busy time last said "in a meeting"

    def _say(self, at: datetime, text: str, sched: Schedule) -> None:
        line = f"{at.astimezone(sched.tz):%a %H:%M:%S} {text}"
        self.log.append(line)
        self.out(line)

    def run(self, until: datetime | None = None) -> None:
        """Remind until `until` (clock time) or forever."""
        self._started = self._prerun_after = self.clock.now()
        while until is None or self.clock.now() < until:
            self.step(until)

    def _history(self, now: datetime) -> list[BreakEvent]:
        since = now - timedelta(days=1)
        if self._stale is None:
            return breaks.history(self.store, since, None, user_id=self.user_id)
        # After the clock was set back, the breaks logged before that under the wrong clock,
        # timed "later" than the new time, must not push the schedule into the future (that
        # silenced every reminder until the clock caught up with them).
        from sqlalchemy import select

        from runback.storage.models import BreakRow

        last_id, from_at = self._stale
        query = (
            select(BreakRow.id, BreakRow.due_at, BreakRow.at, BreakRow.outcome)
            .where(BreakRow.user_id == self.user_id, BreakRow.at >= since)
            .order_by(BreakRow.at, BreakRow.id)
        )
        with self.store.factory() as session:
            rows = session.execute(query).all()
        return [
            BreakEvent(r.due_at, r.at, r.outcome)
            for r in rows
            if not (r.id <= last_id and r.at >= from_at)
        ]

    def _last_break_id(self) -> int:
        from sqlalchemy import func, select

        from runback.storage.models import BreakRow

        with self.store.factory() as session:
            found = session.execute(
                select(func.max(BreakRow.id)).where(BreakRow.user_id == self.user_id)
            ).scalar()
        return int(found or 0)

    def _look(self) -> datetime:
        """Return the wall time now, first recomputing the schedule if the clock jumped."""
        now = self.clock.now()
        mono = self.clock.monotonic()
        seen, self._seen = self._seen, (now, mono)
        if seen is None:
            return now
        jump = now - (seen[0] + timedelta(seconds=mono - seen[1]))
        if abs(jump.total_seconds()) <= CLOCK_JUMP_S:
            return now
        self.jumps.append(jump)
        # Start afresh from now: no idle stretch or pre-run reminder spans the jump. Set
        # back, the daemon also counts as started now, so the current break is reminded of;
        # set forward (or woken from suspend), breaks in between still count as missed.
        self._prerun_after = now
        self._next_idle_check = None
        self._away = None
        if jump < timedelta(0):
            self._started = now
            self._stale = (self._last_break_id(), now)
        schedule = breaks.schedule_for(self.store, user_id=self.user_id)
        direction = "back" if jump < timedelta(0) else "forward"
        minutes = abs(jump.total_seconds()) / 60
        self._say(
            now, f"the clock moved {direction} {minutes:.0f} min: schedule recomputed", schedule
        )
        return now

    def step(self, until: datetime | None = None) -> None:
        """Sleep to the next deadline and handle whatever is due then."""
        now = self._look()
        if self._started is None:
            self._started = self._prerun_after = now
        self._sync_calendars(now)
        sched = breaks.schedule_for(self.store, user_id=self.user_id)
        if self._care_first(sched, now, until):
            return
        adaptive = sched.prefs.mode == "adaptive" and self.idle is not None
        due = self._due(sched, now)
        prerun = sched.next_prerun(self._prerun_after or now) if sched.prefs.enabled else None
        wake = [now + timedelta(seconds=self.max_sleep_s)]
        wake += [t for t in (due, prerun, until) if t is not None]
        if sched.prefs.enabled:
            wake += self._after_run_checkins(sched, now, wake[0])
        if adaptive and sched.prefs.enabled and self._next_idle_check is not None:
            wake.append(self._next_idle_check)
        elif adaptive and sched.prefs.enabled and sched.is_active(now):
            wake.append(now)
        target = min(wake)
        if target > now:
            self.clock.sleep((target - now).total_seconds())
        jumps = len(self.jumps)
        now = self._look()
        if until is not None and now >= until:
            return
        if len(self.jumps) != jumps:
            return  # the clock jumped during the sleep: the next step plans from the new time
        if prerun is not None and now >= prerun:
            self._prerun(sched, prerun, now)
            return
        if adaptive and (self._next_idle_check is None or now >= self._next_idle_check):
            self._check_idle(sched, now)
        due = self._due(sched, now)
        if due is not None and now >= due:
            self._remind(sched, due, now)

    def _sync_calendars(self, now: datetime) -> None:
        """Read the calendars that are due; say when one starts or stops failing."""
        if self.calendar_fetcher is None:
            return
        if self._calendars_next is not None and now < self._calendars_next:
            return  # one look a minute is plenty for a 15-minute cadence
        self._calendars_next = now + timedelta(minutes=1)
        from runback.services.calendars import sync_due

        tz = to_zone(self.store.user_zone(user_id=self.user_id))
        try:
            read = sync_due(self.store, user_id=self.user_id, fetcher=self.calendar_fetcher)
        except Exception:  # a reminder must never stop over a calendar: breaks go on the clock
            read = []
            line = f"{now.astimezone(tz):%a %H:%M:%S} calendars could not be read this time"
            self.log.append(line)
            self.out(line)
        for source in read:
            if source.id in self._calendar_errors and (
                self._calendar_errors[source.id] == source.last_error
            ):
                continue  # said already: only the first read and each change are logged
            self._calendar_errors[source.id] = source.last_error
            what = (
                f"could not read: {source.last_error}"
                if source.last_error
                else f"read, {source.busy_count} busy times"
            )
            line = f"{now.astimezone(tz):%a %H:%M:%S} calendar {source.name}: {what}"
            self.log.append(line)
            self.out(line)

    def _care_first(self, sched: Schedule, now: datetime, until: datetime | None) -> bool:
        """While an emergency or urgent warning sign is open, show its advice, remind of nothing.

        Returns True when the step is spent waiting (the concern is looked at again each cap).
        """
        concern = concerns.blocking_concern(self.store, user_id=self.user_id)
        if concern is None:
            self._care_shown = None
            return False
        if self._care_shown != concern.id:
            self._care_shown = concern.id
            body = concern.advice.headline
            if concern.level == "emergency":
                body += f" Emergency number: {concern.emergency_number}."
            notice = Notice(
                "Care first: no breaks or runs until you have been checked",
                body + " Stretching and running wait until a professional has checked you.",
            )
            self.beep()
            self.notifier.notify(notice)
            self.fired.append(Fired("care", now, now, "shown"))
            self._say(now, "a warning sign is open: reminders paused, advice shown", sched)
        wake = now + timedelta(seconds=self.max_sleep_s)
        if until is not None:
            wake = min(wake, until)
        if wake > now:
            self.clock.sleep((wake - now).total_seconds())
        # Breaks falling due meanwhile are not owed: the schedule starts afresh afterwards.
        self._started = self._prerun_after = self.clock.now()
        return True

    def _after_run_checkins(
        self, sched: Schedule, now: datetime, horizon: datetime
    ) -> list[datetime]:
        """Ask for an after-run check-in now open (once each); return later openings to wake at."""
        for c in checkins.due_checkins(self.store, user_id=self.user_id, at=now):
            key = (c.kind, c.opens_at)
            if c.kind != "after-run" or key in self._checkins_shown:
                continue
            self._checkins_shown.add(key)
            notice = Notice(
                "After-run check-in",
                f"{c.question} Answer even if it does not hurt: a 0 is useful too.",
            )
            self.beep()
            self.notifier.notify(notice)
            self.fired.append(Fired("checkin", c.opens_at, now, "shown"))
            self._say(now, "after-run check-in asked", sched)
        windows = checkins.checkin_windows(
            self.store, user_id=self.user_id, since=now, until=horizon
        )
        return [c.opens_at for c in windows if c.kind == "after-run" and c.opens_at > now]

    def _due(self, sched: Schedule, now: datetime) -> datetime | None:
        if not sched.prefs.enabled:
            return None
        # Breaks due before the daemon started are not reminded of, at most the current one.
        return sched.next_due(now, self._history(now), since=self._started)

    # -- time away from the keyboard (natural breaks) ------------------------------------
    def _check_idle(self, sched: Schedule, now: datetime) -> None:
        assert self.idle is not None
        threshold = sched.idle_threshold
        if not sched.is_active(now):
            self._next_idle_check = None
            self._away = None
            return
        idle_s = self.idle.idle_seconds()
        if idle_s is None:
            self._next_idle_check = now + threshold
            return
        idle = timedelta(seconds=idle_s)
        if idle >= threshold:
            if self._away is None:
                # In a meeting, hands off the keyboard is no movement: away counts from its end.
                left = _after_meetings(sched, now - idle, now)
                if now - left < threshold:
                    self._in_meeting(sched, left, now, idle_s)
                    self._next_idle_check = left + threshold
                    return
                history = self._history(now)
                if sched.snoozes_in_a_row(history):
                    # Gone during a snooze: that break was never answered.
                    chain_due = _chain_due(history)
                    breaks.log_break(self.store, chain_due, "missed", now, user_id=self.user_id)
                    self._say(now, f"missed (due {chain_due.astimezone(sched.tz):%H:%M})", sched)
                # A natural break's row runs from when the input stopped (due_at) to `at`.
                row = breaks.log_break(self.store, left, "natural", now, user_id=self.user_id)
                self._say(
                    now,
                    f"away from the keyboard since {left.astimezone(sched.tz):%H:%M} "
                    f"(idle {idle_s / 60:.0f} min)",
                    sched,
                )
                self._away = (row, now)
            else:
                breaks.update_break(self.store, self._away[0], now, user_id=self.user_id)
                self._away = (self._away[0], now)
            self._next_idle_check = now + threshold
            return
        if self._away is not None:
            # Back at the desk: the sitting clock restarts at the last input seen.
            back = max(self._away[1], now - idle)
            breaks.update_break(self.store, self._away[0], back, user_id=self.user_id)
            self._say(
                now,
                f"back at the keyboard at {back.astimezone(sched.tz):%H:%M}: the sitting clock "
                "restarts",
                sched,
            )
            self._away = None
        # The earliest moment the current idle stretch could reach the threshold.
        self._next_idle_check = now + (threshold - idle)

    def _skip_reason(self, wait: float) -> str | None:
        """Strict mode: ask why the break is skipped, with the usual reasons as the choices."""
        notice = Notice(
            "Why skip this break?",
            "Strict mode keeps a reason for every skipped break.",
            tuple((str(i), r) for i, r in enumerate(break_plan.SKIP_REASONS)),
        )
        self.notifier.notify(notice)
        answer = self.notifier.wait_action(wait)
        if answer is None or not answer.isdigit() or int(answer) >= len(break_plan.SKIP_REASONS):
            return None
        return break_plan.SKIP_REASONS[int(answer)]

    def _in_meeting(self, sched: Schedule, until: datetime, now: datetime, idle_s: float) -> None:
        """Say once per busy time that idle in it is a meeting: no break, the clock runs on."""
        if self._meeting_noted == until:
            return
        self._meeting_noted = until
        self._say(
            now,
            f"in a meeting until {until.astimezone(sched.tz):%H:%M} (idle {idle_s / 60:.0f} min): "
            "not a break, the sitting clock keeps running",
            sched,
        )

    # -- reminders -----------------------------------------------------------------------
    def _prerun(self, sched: Schedule, prerun: datetime, now: datetime) -> None:
        self._prerun_after = prerun
        run_at = prerun + sched.prerun_lead
        notice = Notice(
            "Run today",
            f"Your run is at {run_at.astimezone(sched.tz):%H:%M}: "
            "do your back-up work before you go. Check in first: how is your back right now, "
            "0 to 10, and any warning signs? (Today has the questions.)",
        )
        self.beep()
        self.notifier.notify(notice)
        self.fired.append(Fired("prerun", prerun, now, "shown"))
        self._say(now, "pre-run reminder", sched)

    def _remind(self, sched: Schedule, due: datetime, now: datetime) -> None:
        history = self._history(now)
        # A snoozed break keeps its original due time through the snooze chain.
        orig_due = _chain_due(history) if sched.snoozes_in_a_row(history) else due
        late = now - due
        if late > sched.break_len and self._started is not None and due >= self._started:
            # Asleep (suspend) through the reminder: record it, do not nag long after.
            breaks.log_break(self.store, orig_due, "missed", now, user_id=self.user_id)
            self.fired.append(Fired("break", due, now, "missed"))
            self._say(now, f"missed (due {due.astimezone(sched.tz):%H:%M}, woke late)", sched)
            return
        strict = sched.prefs.strict
        actions = [("start", "Start")]
        if not strict and sched.can_snooze(history, now):
            actions.append(("snooze", f"Snooze {sched.prefs.snooze_min} min"))
        # Busy: in a meeting now, or about to be (no snooze fits before it).
        if strict or sched.busy_at(now) or sched.busy_at(now + sched.snooze):
            actions.append(("short", "1-minute break"))
        actions.append(("skip", "Skip and say why" if strict else "Skip"))
        planned = {p.at: p for p in sched.plan(due.astimezone(sched.tz).date(), history)}
        moved = planned.get(due)
        body = routines.desk_break_brief(self.store, user_id=self.user_id)
        if moved is not None and moved.long_sit:
            body = break_plan.long_sit_advice(sched)
        if moved is not None and moved.reason is not None:
            body = f"{moved.reason[0].upper()}{moved.reason[1:]}. {body}"
        notice = Notice(
            f"Time to move: a {sched.prefs.break_min}-minute desk break", body, tuple(actions)
        )
        self.beep()
        self.notifier.notify(notice)
        wait = sched.snooze.total_seconds() * self.real_per_clock_s
        answer = self.notifier.wait_action(wait)
        at = self.clock.now()
        # The snooze runs from the answer: one given late must still end inside active hours,
        # or that break would never be answered (and the day's tally would miss it).
        if answer == "snooze" and (strict or not sched.can_snooze(history, at)):
            answer = None
        reason = self._skip_reason(wait) if answer == "skip" and strict else None
        if answer == "skip" and strict and reason is None:
            answer = None  # strict: a skip without a reason is no answer
        outcome = {"start": "taken", "short": "taken", "snooze": "snoozed", "skip": "skipped"}.get(
            answer or "", "missed"
        )
        short = answer == "short"
        # Log first: the Desk break session, when it finishes, links itself to this break.
        breaks.log_break(
            self.store,
            orig_due,
            outcome,  # type: ignore[arg-type]
            at,
            user_id=self.user_id,
            reason=reason,
            short=short,
        )
        if short or reason is not None:
            self.fired.append(Fired("break", due, now, outcome))
            what = "1-minute break" if short else reason
            self._say(now, f"break due {due.astimezone(sched.tz):%H:%M}: {outcome} ({what})", sched)
            return
        if outcome == "taken" and self.launcher is not None:
            how = getattr(self.launcher, "how", None)
            if how:
                self._say(at, f"opening the Desk break {how}", sched)
            if not self.launcher():
                self._say(self.clock.now(), "could not open the Desk break", sched)
        self.fired.append(Fired("break", due, now, outcome))
        self._say(now, f"break due {due.astimezone(sched.tz):%H:%M}: {outcome}", sched)


def _after_meetings(sched: Schedule, left: datetime, now: datetime) -> datetime:
    """Return when time away really began: the end of any busy time since `left` (maybe > now)."""
    for b in sched.busy:
        if b.start < now and b.end > left:
            left = max(left, b.end)
    return left


def _chain_due(history: list[BreakEvent]) -> datetime:
    """Return the original due time of the snooze chain that ends the history."""
    due = history[-1].due_at
    for event in reversed(history):
        if event.outcome != "snoozed":
            break
        due = event.due_at
    return due
