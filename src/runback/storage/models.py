"""ORM tables. Every row has a user id; local mode has one implicit user (id 1).

The tables of logins, upload jobs and share links are in `storage/web_models.py`, on the same
`Base`: every command builds the classes it imports, and the everyday ones never touch those.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from runback.core.vocab import RUN_SPORTS
from runback.storage.types import UTCDateTime

__all__ = [
    "Base",
    "BreakRow",
    "BusyBlockRow",
    "CalendarSourceRow",
    "ConcernRow",
    "DayRollupRow",
    "PainEntryRow",
    "ProfileRow",
    "ProgrammeRow",
    "RoutineRow",
    "RunRow",
    "SessionRow",
    "UserRow",
]


class Base(DeclarativeBase):
    """Declarative base for runback tables."""


class UserRow(Base):
    """A person; in local mode the single implicit user."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Preferences (active hours, break interval, run days, targets, slots) as validated JSON.
    prefs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped in the transaction of every write to this user's data (Store.tx): a cached view
    # keyed on it is current, across processes, when the number it was built at still is.
    data_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RoutineRow(Base):
    """A user's own routine (built-in routines live in package data, not here)."""

    __tablename__ = "routines"
    __table_args__ = (UniqueConstraint("user_id", "slug"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16))  # builtin | user | physio | plan
    # The whole validated routine document (steps and any custom exercises).
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionRow(Base):
    """One guided routine run, recorded from its start so a kill keeps the partial session."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    routine_slug: Mapped[str] = mapped_column(String(80))
    routine_name: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    steps_total: Mapped[int] = mapped_column(Integer)
    # Exercise slugs of the steps finished (held to the end), in order.
    steps_done: Mapped[list[str]] = mapped_column(JSON, default=list)
    steps_skipped: Mapped[list[str]] = mapped_column(JSON, default=list)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    enjoyment: Mapped[int | None] = mapped_column(Integer)
    context: Mapped[str] = mapped_column(String(16), default="other")
    active_s: Mapped[float] = mapped_column(Float, default=0.0)
    # Seconds of holding the routine plans, and those counted down (skipped steps count none):
    # half of it held makes the session count (core/streaks.py). Null planned_s: stored before
    # hold time was kept (migration 0003), so the old steps-done rule applies.
    planned_s: Mapped[float | None] = mapped_column(Float)
    done_s: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # Where the player was, so a reload (web) resumes; null once the session ends.
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The device's own name for a session played offline: sent again, it is not stored twice.
    client_key: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_sessions_user_started", "user_id", "started_at"),
        Index("ux_sessions_user_client_key", "user_id", "client_key", unique=True),
    )


class RunRow(Base):
    """An imported run (or other activity)."""

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("user_id", "content_hash"),
        # Migration 0014 makes it carry id, sport and distance_m on PostgreSQL (INCLUDE: an
        # index-only scan for /progress). Not named here: a `postgresql_include` would import
        # the whole PostgreSQL dialect on every start-up, SQLite too, to check the option.
        Index("ix_runs_user_started", "user_id", "started_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    elapsed_s: Mapped[float] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    # Heart rate over the run, bpm, as the file recorded it (None: not recorded; migration 0016).
    avg_hr: Mapped[int | None] = mapped_column(Integer, default=None)
    max_hr: Mapped[int | None] = mapped_column(Integer, default=None)
    sport: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(300))
    source_format: Mapped[str] = mapped_column(String(16))
    source_file: Mapped[str] = mapped_column(String(500))
    device: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What migration 0005 changed in a row whose numbers were not plausible (None: untouched).
    repair_note: Mapped[str | None] = mapped_column(String(300), default=None)

    @hybrid_property
    def is_run(self) -> bool:
        """Tell whether this activity is a run (core.runs decides; usable in queries too)."""
        return self.sport in RUN_SPORTS

    @is_run.inplace.expression
    @classmethod
    def _is_run_expression(cls) -> ColumnElement[bool]:
        return cls.sport.in_(sorted(RUN_SPORTS))


class PainEntryRow(Base):
    """Back pain logged by the user, usually after a run."""

    __tablename__ = "pain_entries"
    __table_args__ = (Index("ix_pain_user_at", "user_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # "It stops my day-to-day activities" (migration 0006; older entries: no).
    stops_activities: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The red flags were not asked again: the user said nothing changed since the last answers
    # (red_flags then holds those answers, copied).
    same_as_last: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # How it came (core.vocab.PAIN_KINDS, migration 0013): "logged" by choice, or a check-in
    # runback asked for ("pre-run", "after-run"), answered even when nothing hurt.
    kind: Mapped[str] = mapped_column(String(16), default="logged", server_default="logged")


class ConcernRow(Base):
    """An open concern: red flags answered yes, shown until checked or answered again without."""

    __tablename__ = "concerns"
    __table_args__ = (Index("ix_concerns_user_closed", "user_id", "closed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # core.triage Level of the flags
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("pain_entries.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_how: Mapped[str | None] = mapped_column(String(16))  # checked | answered
    checked_on: Mapped[date | None] = mapped_column(Date)  # the day a professional checked


class BreakRow(Base):
    """A movement break event: taken, snoozed, skipped, natural or missed."""

    __tablename__ = "breaks"
    # Breaks are read by when they happened (`at`: today's, this week's, the last day's).
    __table_args__ = (
        Index("ix_breaks_user_due", "user_id", "due_at"),
        # Migration 0014 makes it carry id, outcome and due_at on PostgreSQL (an index-only scan
        # for Today and habit strength); not named here, as on ix_runs_user_started.
        Index("ix_breaks_user_at", "user_id", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(200))  # why it was skipped (strict mode)
    # A 1-minute break taken instead (busy): stand, 10 shoulder circles, sit.
    short: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CalendarSourceRow(Base):
    """One of the user's own calendars (an ICS address or file, or CalDAV), read for busy times."""

    __tablename__ = "calendar_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # ics-url | ics-file | caldav
    name: Mapped[str] = mapped_column(String(100))  # the user's own label
    location: Mapped[str] = mapped_column(Text)  # the address or file path (no credentials)
    # Credentials: local mode keeps them in the user's local config, hosted mode encrypted here.
    secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # The last read of the whole calendar: "not modified" answers are trusted for a day only,
    # as the two weeks ahead move on.
    full_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class BusyBlockRow(Base):
    """A busy time synced from a calendar source: start, end, transparency and status only."""

    __tablename__ = "busy_blocks"
    __table_args__ = (Index("ix_busy_blocks_user_start", "user_id", "start_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_sources.id", ondelete="CASCADE"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    transparency: Mapped[str] = mapped_column(String(16), default="opaque")
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    all_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ProgrammeRow(Base):
    """A physio's prescribed programme, imported from a programme file."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProfileRow(Base):
    """The user's first-day profile (core/profile.Profile), or that they skipped it."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # answered | skipped
    sitting_hours: Mapped[float | None] = mapped_column(Float)
    back_pain_history: Mapped[bool] = mapped_column(Boolean, default=False)
    # The year, not the date of birth: enough to know "over 50", and less to keep.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    cancer_history: Mapped[bool] = mapped_column(Boolean, default=False)
    steroids_or_immunosuppression: Mapped[bool] = mapped_column(Boolean, default=False)
    contraindications: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DayRollupRow(Base):
    """One user's totals for one local day (core/rollups.DayRollup), kept by storage/rollups.py.

    Written in the transaction of every write to the day's sessions, breaks, pain or runs, and
    rebuilt for the user when the zone changes; `runback doctor --rebuild` rebuilds them all.
    """

    __tablename__ = "day_rollups"
    # Derived from the rows above and rebuilt from them: a backup leaves it out (backup.py).
    __table_args__ = (
        # Covers the longest streak (its top) and the count of practice days (streak > 0).
        Index("ix_day_rollups_user_streak", "user_id", "streak", "day"),
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    practice: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[float] = mapped_column(Float, default=0.0)
    done_s: Mapped[float] = mapped_column(Float, default=0.0)
    first_practice_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    streak: Mapped[int] = mapped_column(Integer, default=0)
    breaks_taken: Mapped[int] = mapped_column(Integer, default=0)
    breaks_skipped: Mapped[int] = mapped_column(Integer, default=0)
    breaks_missed: Mapped[int] = mapped_column(Integer, default=0)
    breaks_snoozed: Mapped[int] = mapped_column(Integer, default=0)
    breaks_away: Mapped[int] = mapped_column(Integer, default=0)
    pain_entries: Mapped[int] = mapped_column(Integer, default=0)
    worst_pain: Mapped[int | None] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    run_m: Mapped[float] = mapped_column(Float, default=0.0)
    run_s: Mapped[float] = mapped_column(Float, default=0.0)
    first_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worst_run_pain: Mapped[int | None] = mapped_column(Integer)
