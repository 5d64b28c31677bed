"""Pain log: record back pain (linked to the latest run by default), list it, and give advice.

Advice comes from core/triage.py: the red-flag answers given with the entry plus the pattern of
the last four weeks of entries. runback never diagnoses; the advice says when to seek care.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from runback.core.model import Model
from runback.core.timezones import event_day, local_date
from runback.core.triage import (
    PERSIST_WINDOW,
    QUESTIONS,
    Advice,
    PainPoint,
    RedFlagQuestion,
    RiskContext,
    assess,
    validate_flags,
)
from runback.core.vocab import PAIN_KINDS, PAIN_REGIONS, PainKind
from runback.errors import NotFoundError, ValidationError
from runback.services.profile import risk_context
from runback.services.store import Store
from runback.storage.models import PainEntryRow, RunRow

__all__ = [
    "LINK_WINDOW",
    "MAX_NOTES",
    "LastAnswers",
    "PainEntry",
    "PainLogged",
    "current_advice",
    "delete_pain",
    "get_pain",
    "last_answers",
    "latest_run_id",
    "log_pain",
    "pain_history",
    "red_flag_questions",
    "update_pain",
]

# A pain entry belongs to the latest run that started at most this long before it.
LINK_WINDOW = timedelta(hours=24)
KNOWN_FLAGS = frozenset(q.id for q in QUESTIONS)
MAX_NOTES = 2000


class PainEntry(Model):
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
    stops_activities: bool = False
    same_as_last: bool = False
    kind: PainKind = "logged"


class LastAnswers(Model):
    """The latest answers to the safety questions: when they were given and the flags."""

    at: datetime
    zone: str
    red_flags: list[str]


class PainLogged(Model):
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


def latest_run_id(session: Session, at: datetime, *, user_id: int) -> int | None:
    """Return the id of the latest run (not a ride or walk) started in the 24 hours up to `at`."""
    return session.scalar(
        select(RunRow.id)
        .where(
            RunRow.user_id == user_id,
            RunRow.is_run,  # rides and walks are not what the pain log follows
            RunRow.started_at >= at - LINK_WINDOW,
            RunRow.started_at <= at,
        )
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(1)
    )


def _points(session: Session, user_id: int, since: datetime) -> list[PainPoint]:
    rows = session.execute(
        select(
            PainEntryRow.at,
            PainEntryRow.zone,
            PainEntryRow.intensity,
            PainEntryRow.run_id,
            PainEntryRow.stops_activities,
        )
        .where(PainEntryRow.user_id == user_id, PainEntryRow.at >= since)
        .order_by(PainEntryRow.at)
    )
    return [PainPoint(at, zone, value, run, bool(stops)) for at, zone, value, run, stops in rows]


def _advice(
    session: Session,
    user_id: int,
    flags: Iterable[str],
    now: datetime,
    zone: str,
    risk: RiskContext | None = None,
) -> Advice:
    # One extra day either side of the window absorbs zone offsets; assess() counts local days.
    since = now - timedelta(days=PERSIST_WINDOW + 1)
    return assess(flags, _points(session, user_id, since), local_date(now, zone), zone, risk)


def _last_answers(session: Session, user_id: int) -> LastAnswers | None:
    row = session.execute(
        select(PainEntryRow.at, PainEntryRow.zone, PainEntryRow.red_flags)
        .where(PainEntryRow.user_id == user_id, PainEntryRow.same_as_last.is_(False))
        .order_by(PainEntryRow.at.desc(), PainEntryRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return LastAnswers(
        at=row.at, zone=row.zone, red_flags=[f for f in row.red_flags or [] if f in KNOWN_FLAGS]
    )


def last_answers(store: Store, *, user_id: int) -> LastAnswers | None:
    """Return the latest answers to the safety questions (an entry that asked them), or None."""
    with store.factory() as session:
        return _last_answers(session, user_id)


def log_pain(
    store: Store,
    *,
    user_id: int,
    region: str,
    intensity: int,
    run_id: int | None = None,
    link_run: bool = True,
    red_flags: Iterable[str] = (),
    notes: str = "",
    at: datetime | None = None,
    stops_activities: bool = False,
    same_as_last: bool = False,
    risk: RiskContext | None = None,
    kind: str = "logged",
) -> PainLogged:
    """Store a pain entry (linked to the latest run within 24 h unless told) and return advice.

    `red_flags` are this entry's answers (ids answered yes; none is an answer too), and they
    replace any open concern; `same_as_last` says nothing changed since the last answers, which
    are then copied and the open concern stays as it is. `kind` says how it came: "logged" by
    choice, or the answer to a check-in (services/checkins.py).
    """
    from runback.services.concerns import record_answers

    flags = list(red_flags)
    if same_as_last and flags:
        raise ValidationError(
            "pain entry", ["red flags: give the answers or say nothing changed, not both"]
        )
    notes = notes.strip()
    problems = _problems(region, intensity, notes, flags)
    if run_id is not None and not link_run:
        problems.append("run: give a run id or ask for no run, not both")
    if kind not in PAIN_KINDS:
        problems.append(f"kind: {kind!r} is not one of {', '.join(PAIN_KINDS)}")
    now = store.clock.now()
    if at is not None and at.tzinfo is None:
        problems.append("at: needs a time zone (an aware datetime)")
    elif at is not None and at > now + timedelta(minutes=5):
        problems.append(f"at: {at.isoformat()} is in the future")
    if problems:
        raise ValidationError("pain entry", problems)
    when = at or now
    zone = store.user_zone(user_id=user_id)
    if risk is None:  # what the first-day profile told runback
        risk = risk_context(store, user_id=user_id)
    with store.tx() as session:
        if run_id is not None:
            run = session.get(RunRow, run_id)
            if run is None or run.user_id != user_id:
                raise NotFoundError(f"no run {run_id}: see `runback runs` for the run ids")
        elif link_run:
            run_id = latest_run_id(session, when, user_id=user_id)
        if same_as_last:
            last = _last_answers(session, user_id)
            if last is None:
                raise ValidationError(
                    "pain entry",
                    ["same as last: there are no earlier answers; answer the safety questions"],
                )
            flags = last.red_flags
        row = PainEntryRow(
            user_id=user_id,
            at=when,
            zone=zone,
            region=region,
            intensity=intensity,
            run_id=run_id,
            red_flags=validate_flags(flags),
            notes=notes,
            stops_activities=stops_activities,
            same_as_last=same_as_last,
            kind=kind,
        )
        session.add(row)
        session.flush()
        if not same_as_last:
            record_answers(
                session, user_id=user_id, flags=row.red_flags, entry_id=row.id, now=now, zone=zone
            )
        entry = PainEntry.model_validate(row)
        advice = _advice(session, user_id, flags, now, zone, risk)
    return PainLogged(entry=entry, advice=advice)


def pain_history(store: Store, *, user_id: int, days: int | None = 28) -> list[PainEntry]:
    """Return pain entries of the last `days` local days (all when None), newest first."""
    if days is not None and days < 1:
        raise ValidationError("days", [f"must be 1 or more, got {days}"])
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
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
    store: Store, red_flags: Iterable[str] = (), risk: RiskContext | None = None, *, user_id: int
) -> Advice:
    """Return advice from the pain log, the open concern's flags (however old) and any given now."""
    from runback.services.concerns import open_concern

    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    flags = set(validate_flags(red_flags))
    # A warning sign stays part of the advice until a professional has checked it.
    concern = open_concern(store, user_id=user_id)
    if concern is not None:
        flags.update(concern.flags)
    if risk is None:  # what the first-day profile told runback
        risk = risk_context(store, user_id=user_id)
    with store.factory() as session:
        return _advice(session, user_id, flags, now, zone, risk)


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
    stops_activities: bool | None = None,
    risk: RiskContext | None = None,
) -> PainLogged:
    """Change a pain entry (None leaves a field as it is) and return it with fresh advice.

    The advice is triaged again from the entry's red flags as they now are and the last four
    weeks of the log, so a warning sign added later gets the advice it calls for.
    """
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    if risk is None:  # what the first-day profile told runback
        risk = risk_context(store, user_id=user_id)
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
        if stops_activities is not None:
            row.stops_activities = stops_activities
        if red_flags is not None and row.red_flags != validate_flags(flags):
            from runback.services.concerns import record_answers

            # Changed answers are the latest answers: the open concern follows them.
            row.same_as_last = False
            record_answers(
                session,
                user_id=user_id,
                flags=validate_flags(flags),
                entry_id=row.id,
                now=now,
                zone=zone,
            )
        row.red_flags = validate_flags(flags)
        session.flush()
        entry = PainEntry.model_validate(row)
        advice = _advice(session, user_id, flags, now, zone, risk)
    return PainLogged(entry=entry, advice=advice)


def delete_pain(store: Store, entry_id: int, *, user_id: int) -> None:
    """Delete one of the user's pain entries."""
    with store.tx() as session:
        session.delete(_entry_row(session, user_id, entry_id))
