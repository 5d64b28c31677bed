"""Open concerns: red flags answered yes stay on show until a professional has checked them.

A flagged answer opens a concern; it stays on Today, the player, the pain page and the report
until the user says "I have been checked" (with the day), or answers the safety questions again
without any flag. While an emergency or urgent concern is open, nothing suggests stretching or
running: Today, the planner, the slots and the reminders show the advice instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from runback.core.emergency import number_for_zone, valid_number
from runback.core.model import Model
from runback.core.timezones import local_date
from runback.core.triage import Advice, Level, assess, question
from runback.errors import NotFoundError, ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import ConcernRow

__all__ = [
    "BLOCKING",
    "EMERGENCY_NUMBER_KEY",
    "Concern",
    "blocking_concern",
    "confirm_checked",
    "emergency_number",
    "open_concern",
    "record_answers",
    "set_emergency_number",
]

BLOCKING: frozenset[Level] = frozenset({"emergency", "urgent"})
EMERGENCY_NUMBER_KEY = "emergency_number"  # users.prefs; absent: from the zone


class Concern(Model):
    """An open concern as every surface shows it: since when, which signs, and the advice."""

    id: int
    level: Level
    flags: list[str]
    labels: list[str] = Field(description="each sign in plain words")
    opened_at: datetime
    opened_on: date = Field(description="the user's local day it was reported")
    today: date = Field(description="the user's local day now (the latest day a check can be)")
    blocking: bool = Field(description="emergency or urgent: no stretching or running suggested")
    advice: Advice
    emergency_number: str = Field(description="the number to call in an emergency")


def _number(prefs: dict[str, object] | None, zone: str) -> str:
    stored = (prefs or {}).get(EMERGENCY_NUMBER_KEY)
    return stored if isinstance(stored, str) and valid_number(stored) else number_for_zone(zone)


def emergency_number(store: Store, *, user_id: int) -> str:
    """Return the user's emergency number (their setting, else the usual one for their zone)."""
    with store.factory() as session:
        row = get_user(session, user_id=user_id)
        return _number(row.prefs, row.zone)


def set_emergency_number(store: Store, number: str | None, *, user_id: int) -> str:
    """Store the emergency number (None or "" goes back to the zone's), and return it."""
    number = (number or "").strip()
    if number and not valid_number(number):
        raise ValidationError(
            "emergency number", [f"{number!r}: give the 2 to 6 digits you would dial, e.g. 112"]
        )
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        prefs = {k: v for k, v in (row.prefs or {}).items() if k != EMERGENCY_NUMBER_KEY}
        if number:
            prefs[EMERGENCY_NUMBER_KEY] = number
        row.prefs = prefs  # a new dict, so SQLAlchemy sees the JSON change
        return _number(row.prefs, row.zone)


def _level(flags: Sequence[str]) -> Level:
    return assess(flags, [], date(2000, 1, 1), "UTC").level


def record_answers(
    session: Session,
    *,
    user_id: int,
    flags: Sequence[str],
    entry_id: int | None,
    now: datetime,
    zone: str,
) -> None:
    """Close the open concern (answered again) and open one for these flags, if any."""
    for row in session.scalars(
        select(ConcernRow).where(ConcernRow.user_id == user_id, ConcernRow.closed_at.is_(None))
    ):
        row.closed_at, row.closed_how = now, "answered"
    if flags:
        session.add(
            ConcernRow(
                user_id=user_id,
                opened_at=now,
                zone=zone,
                level=_level(flags),
                flags=list(flags),
                entry_id=entry_id,
            )
        )


def _open_row(session: Session, user_id: int) -> ConcernRow | None:
    return session.scalars(
        select(ConcernRow)
        .where(ConcernRow.user_id == user_id, ConcernRow.closed_at.is_(None))
        .order_by(ConcernRow.opened_at.desc(), ConcernRow.id.desc())
        .limit(1)
    ).first()


def open_concern(store: Store, *, user_id: int) -> Concern | None:
    """Return the user's open concern, however old, or None."""
    with store.factory() as session:
        row = _open_row(session, user_id)
        if row is None:
            return None
        user = get_user(session, user_id=user_id)
        number, zone = _number(user.prefs, user.zone), user.zone
        flags = [f for f in row.flags or [] if _known(f)]
        opened_at = row.opened_at
        concern_id = row.id
    today = local_date(store.clock.now(), zone)
    advice = assess(flags, [], today, zone)
    return Concern(
        id=concern_id,
        level=advice.level,
        flags=flags,
        labels=[question(f).label for f in flags],
        opened_at=opened_at,
        opened_on=local_date(opened_at, zone),
        today=today,
        blocking=advice.level in BLOCKING,
        advice=advice,
        emergency_number=number,
    )


def blocking_concern(store: Store, *, user_id: int) -> Concern | None:
    """Return the open concern when it is emergency or urgent (stretching and runs wait)."""
    concern = open_concern(store, user_id=user_id)
    return concern if concern is not None and concern.blocking else None


def _known(flag: str) -> bool:
    try:
        question(flag)
    except ValidationError:
        return False  # a question retired since: not a reason to keep warning
    return True


def confirm_checked(store: Store, *, user_id: int, on: date | None = None) -> Concern:
    """Close the open concern: a professional checked the user (on `on`, default today)."""
    concern = open_concern(store, user_id=user_id)
    if concern is None:
        raise NotFoundError("no open concern: nothing is waiting for a check")
    zone = store.user_zone(user_id=user_id)
    now = store.clock.now()
    today = local_date(now, zone)
    day = on or today
    if day > today:
        raise ValidationError("checked on", [f"{day.isoformat()} is in the future"])
    if day < concern.opened_on:
        raise ValidationError(
            "checked on",
            [f"{day.isoformat()} is before the signs were reported ({concern.opened_on})"],
        )
    with store.tx() as session:
        row = session.get(ConcernRow, concern.id)
        assert row is not None
        row.closed_at, row.closed_how, row.checked_on = now, "checked", day
    return concern
