"""Pain log: record back pain (linked to the latest run by default), list it, and give advice.

Advice comes from core/triage.py: the red-flag answers given with the entry plus the pattern of
the last four weeks of entries. runback never diagnoses; the advice says when to seek care.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from runback.core.timezones import event_day, local_date
from runback.core.triage import (
    PERSIST_WINDOW,
    QUESTIONS,
    Advice,
    PainPoint,
    RedFlagQuestion,
    assess,
    validate_flags,
)
from runback.core.vocab import PAIN_REGIONS
from runback.errors import NotFoundError, ValidationError
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import PainEntryRow, RunRow

__all__ = [
    "FLAG_MEMORY",
    "LINK_WINDOW",
    "MAX_NOTES",
    "PainEntry",
    "PainLogged",
    "current_advice",
    "delete_pain",
    "get_pain",
    "latest_run_id",
    "log_pain",
    "pain_history",
    "red_flag_questions",
    "update_pain",
]

# A pain entry belongs to the latest run that started at most this long before it.
LINK_WINDOW = timedelta(hours=24)
# Red flags logged this recently are part of the advice shown later (e.g. `runback pain --history`).
FLAG_MEMORY = timedelta(hours=24)
KNOWN_FLAGS = frozenset(q.id for q in QUESTIONS)
MAX_NOTES = 2000


class PainEntry(BaseModel):
    """A stored pain entry as the CLI, web app and API show it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    zone: str
    region: str
    intensity: int
    run_id: int | None
    red_flags: list[str]
    notes: str


class PainLogged(BaseModel):
    """The entry just stored and the advice that follows from it."""

    entry: PainEntry
    advice: Advice


def red_flag_questions() -> list[RedFlagQuestion]:
    """Return the red-flag screening questions, most serious first."""
    return list(QUESTIONS)


def _problems(region: str, intensity: object, notes: str, flags: Iterable[str]) -> list[str]:
    problems: list[str] = []
    if region not in PAIN_REGIONS:
        problems.append(
            f"region: {region!r} is not a pain region; use one of {', '.join(PAIN_REGIONS)}"
        )
    if isinstance(intensity, bool) or not isinstance(intensity, int) or not 0 <= intensity <= 10:
        problems.append(
            f"intensity: must be a whole number from 0 (no pain) to 10 (worst imaginable), "
            f"got {intensity!r}"
        )
    if len(notes) > MAX_NOTES:
        problems.append(f"notes: at most {MAX_NOTES} characters, got {len(notes)}")
    try:
        validate_flags(flags)
    except ValidationError as exc:
        problems.extend(f"red flag: {p}" for p in exc.problems)
    return problems


def latest_run_id(session: Session, user_id: int, at: datetime) -> int | None:
    """Return the id of the latest run (not a ride or walk) started in the 24 hours up to `at`."""
    return session.scalar(
        select(RunRow.id)
        .where(
            RunRow.user_id == user_id,
            RunRow.is_run,  # rides and walks are not what the pain log follows
            RunRow.start_at >= at - LINK_WINDOW,
            RunRow.start_at <= at,
        )
        .order_by(RunRow.start_at.desc(), RunRow.id.desc())
        .limit(1)
    )


def _points(session: Session, user_id: int, since: datetime) -> list[PainPoint]:
    rows = session.execute(
        select(PainEntryRow.at, PainEntryRow.zone, PainEntryRow.intensity, PainEntryRow.run_id)
        .where(PainEntryRow.user_id == user_id, PainEntryRow.at >= since)
        .order_by(PainEntryRow.at)
    )
    return [PainPoint(at, zone, intensity, run_id) for at, zone, intensity, run_id in rows]


def _advice(
    session: Session, user_id: int, flags: Iterable[str], now: datetime, zone: str
) -> Advice:
    # One extra day either side of the window absorbs zone offsets; assess() counts local days.
    since = now - timedelta(days=PERSIST_WINDOW + 1)
    return assess(flags, _points(session, user_id, since), local_date(now, zone), zone)


def log_pain(
    store: Store,
    user_id: int = LOCAL_USER_ID,
    *,
    region: str,
    intensity: int,
    run_id: int | None = None,
    link_run: bool = True,
    red_flags: Iterable[str] = (),
    notes: str = "",
    at: datetime | None = None,
) -> PainLogged:
    """Store a pain entry (linked to the latest run within 24 h unless told) and return advice."""
    flags = list(red_flags)
    notes = notes.strip()
    problems = _problems(region, intensity, notes, flags)
    if run_id is not None and not link_run:
        problems.append("run: give a run id or ask for no run, not both")
    now = store.clock.now()
    if at is not None and at.tzinfo is None:
        problems.append("at: needs a time zone (an aware datetime)")
    elif at is not None and at > now + timedelta(minutes=5):
        problems.append(f"at: {at.isoformat()} is in the future")
    if problems:
        raise ValidationError("pain entry", problems)
    when = at or now
    zone = store.user_zone(user_id)
    with store.tx() as session:
        if run_id is not None:
            run = session.get(RunRow, run_id)
            if run is None or run.user_id != user_id:
                raise NotFoundError(f"no run {run_id}: see `runback runs` for the run ids")
        elif link_run:
            run_id = latest_run_id(session, user_id, when)
        row = PainEntryRow(
            user_id=user_id,
            at=when,
            zone=zone,
            region=region,
            intensity=intensity,
            run_id=run_id,
            red_flags=validate_flags(flags),
            notes=notes,
        )
        session.add(row)
        session.flush()
        entry = PainEntry.model_validate(row)
        advice = _advice(session, user_id, flags, now, zone)
    return PainLogged(entry=entry, advice=advice)


def pain_history(
    store: Store, user_id: int = LOCAL_USER_ID, *, days: int | None = 28
) -> list[PainEntry]:
    """Return pain entries of the last `days` local days (all when None), newest first."""
    if days is not None and days < 1:
        raise ValidationError("days", [f"must be 1 or more, got {days}"])
    now = store.clock.now()
    zone = store.user_zone(user_id)
    query = select(PainEntryRow).where(PainEntryRow.user_id == user_id)
    if days is not None:
        query = query.where(PainEntryRow.at >= now - timedelta(days=days + 1))
    with store.factory() as session:
        rows = session.scalars(query.order_by(PainEntryRow.at.desc(), PainEntryRow.id.desc()))
        entries = [PainEntry.model_validate(r) for r in rows]
    if days is None:
        return entries
    first = local_date(now, zone) - timedelta(days=days - 1)
    return [e for e in entries if event_day(e.at, zone) >= first]


def current_advice(
    store: Store, user_id: int = LOCAL_USER_ID, red_flags: Iterable[str] = ()
) -> Advice:
    """Return advice from the pain log, red flags logged in the last 24 h, and any given now."""
    now = store.clock.now()
    zone = store.user_zone(user_id)
    flags = set(validate_flags(red_flags))
    with store.factory() as session:
        # A warning sign reported a few hours ago still matters when the log is looked at again.
        for recent in session.scalars(
            select(PainEntryRow.red_flags).where(
                PainEntryRow.user_id == user_id,
                PainEntryRow.at >= now - FLAG_MEMORY,
                PainEntryRow.at <= now,
            )
        ):
            flags.update(f for f in recent or [] if f in KNOWN_FLAGS)
        return _advice(session, user_id, flags, now, zone)


def _entry_row(session: Session, user_id: int, entry_id: int) -> PainEntryRow:
    row = session.get(PainEntryRow, entry_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"no pain entry {entry_id}: see `runback pain --history` for the ids")
    return row


def get_pain(store: Store, entry_id: int, *, user_id: int) -> PainEntry:
    """Return one of the user's pain entries."""
    with store.factory() as session:
        return PainEntry.model_validate(_entry_row(session, user_id, entry_id))


def update_pain(
    store: Store,
    entry_id: int,
    *,
    user_id: int,
    region: str | None = None,
    intensity: int | None = None,
    notes: str | None = None,
    red_flags: Iterable[str] | None = None,
) -> PainLogged:
    """Change a pain entry (None leaves a field as it is) and return it with fresh advice.

    The advice is triaged again from the entry's red flags as they now are and the last four
    weeks of the log, so a warning sign added later gets the advice it calls for.
    """
    now = store.clock.now()
    zone = store.user_zone(user_id)
    with store.tx() as session:
        row = _entry_row(session, user_id, entry_id)
        new_region = row.region if region is None else region
        new_intensity = row.intensity if intensity is None else intensity
        new_notes = row.notes if notes is None else notes.strip()
        flags = list(row.red_flags or []) if red_flags is None else list(red_flags)
        problems = _problems(new_region, new_intensity, new_notes, flags)
        if problems:
            raise ValidationError(f"pain entry {entry_id}", problems)
        row.region, row.intensity, row.notes = new_region, new_intensity, new_notes
        row.red_flags = validate_flags(flags)
        session.flush()
        entry = PainEntry.model_validate(row)
        advice = _advice(session, user_id, flags, now, zone)
    return PainLogged(entry=entry, advice=advice)


def delete_pain(store: Store, entry_id: int, *, user_id: int) -> None:
    """Delete one of the user's pain entries."""
    with store.tx() as session:
        session.delete(_entry_row(session, user_id, entry_id))
