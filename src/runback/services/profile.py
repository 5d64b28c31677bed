"""The first-day profile: read it, store it (with the run days) in one go, or skip it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import pydantic
from pydantic import Field

from runback.core.model import Model
from runback.core.profile import (
    CONTRAINDICATIONS,
    MIN_BIRTH_YEAR,
    Profile,
    age_in,
)
from runback.core.timezones import local_date
from runback.core.triage import RiskContext
from runback.core.vocab import WEEKDAYS, Weekday
from runback.errors import ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import ProfileRow

if TYPE_CHECKING:
    from sqlalchemy import Select

    from runback.core.catalog import Exercise

__all__ = [
    "ProfilePrompts",
    "ProfileStatus",
    "ProfileView",
    "contraindications",
    "exercise_flags",
    "get_profile",
    "parse_answers",
    "parse_run_days",
    "profile_prompts",
    "profile_status",
    "profile_view",
    "risk_context",
    "run_days_from_form",
    "save_profile",
    "skip_profile",
    "usual_time",
]

ProfileStatus = Literal["new", "answered", "skipped"]
_SOURCE = "profile"
_YES = {"y", "yes", "true", "1", "on"}
_NO = {"n", "no", "false", "0", "off", ""}


class ProfileView(Model):
    """The profile as the pages and `--json` show it: answers, run days, age and status."""

    status: ProfileStatus
    profile: Profile
    run_days: dict[Weekday, time] = Field(description="usual run start per weekday")
    age: int | None = Field(description="the age reached this year, from the year of birth")


def _row_profile(row: ProfileRow) -> Profile:
    return Profile(
        sitting_hours=row.sitting_hours,
        back_pain_history=row.back_pain_history,
        birth_year=row.birth_year,
        cancer_history=row.cancer_history,
        steroids_or_immunosuppression=row.steroids_or_immunosuppression,
        contraindications=frozenset(c for c in row.contraindications if c in CONTRAINDICATIONS),
    )


@cache
def _profile_query() -> Select[ProfileRow]:
    # Built once, on first use, with a bound parameter: SQLAlchemy keeps its cache key (the
    # Progress page reads the profile on every view, for the heart rates).
    from sqlalchemy import bindparam, select

    return select(ProfileRow).where(ProfileRow.user_id == bindparam("user_id"))


def _row(store: Store, user_id: int) -> tuple[ProfileStatus, Profile]:
    with store.factory() as session:
        row = session.scalars(_profile_query(), {"user_id": user_id}).first()
        if row is None:
            return "new", Profile()
        return ("skipped" if row.status == "skipped" else "answered"), _row_profile(row)


def get_profile(store: Store, *, user_id: int) -> Profile:
    """Return the user's profile (all defaults when they have not answered)."""
    return _row(store, user_id)[1]


def profile_status(store: Store, *, user_id: int) -> ProfileStatus:
    """Tell whether the user answered the profile, skipped it, or has not seen it yet."""
    return _row(store, user_id)[0]


def profile_view(store: Store, *, user_id: int) -> ProfileView:
    """Return the profile with the run days, the age and whether it was answered."""
    from runback.services.breaks import get_prefs

    status, profile = _row(store, user_id)
    today = local_date(store.clock.now(), store.user_zone(user_id=user_id))
    return ProfileView(
        status=status,
        profile=profile,
        run_days=get_prefs(store, user_id=user_id).run_days,
        age=age_in(profile.birth_year, today),
    )


def save_profile(
    store: Store,
    profile: Profile,
    *,
    user_id: int,
    run_days: Mapping[Weekday, time] | None = None,
) -> Profile:
    """Store the answered profile and (when given) the run days, all in one transaction."""
    from sqlalchemy import select

    from runback.core.schedule import ReminderPrefs
    from runback.services.breaks import PREFS_KEY, get_prefs

    reminders: ReminderPrefs | None = None
    if run_days is not None:
        # The run days are the reminder settings' (one name, one place): validate them there.
        current = get_prefs(store, user_id=user_id).model_dump()
        try:
            reminders = ReminderPrefs.model_validate({**current, "run_days": dict(run_days)})
        except pydantic.ValidationError as exc:
            raise ValidationError(
                _SOURCE, [f"run days: {e['msg']}" for e in exc.errors()]
            ) from None
    now = store.clock.now()
    with store.tx() as session:
        user = get_user(session, user_id=user_id)
        row = session.scalars(select(ProfileRow).where(ProfileRow.user_id == user_id)).first()
        if row is None:
            row = ProfileRow(user_id=user_id)
            session.add(row)
        row.status = "answered"
        row.sitting_hours = profile.sitting_hours
        row.back_pain_history = profile.back_pain_history
        row.birth_year = profile.birth_year
        row.cancer_history = profile.cancer_history
        row.steroids_or_immunosuppression = profile.steroids_or_immunosuppression
        row.contraindications = [c for c in CONTRAINDICATIONS if c in profile.contraindications]
        row.updated_at = now
        if reminders is not None:
            user.prefs = {**(user.prefs or {}), PREFS_KEY: reminders.model_dump(mode="json")}
    return profile


def skip_profile(store: Store, *, user_id: int) -> ProfileStatus:
    """Remember that the user skipped the profile (it is never asked again); keep any answers."""
    from sqlalchemy import select

    with store.tx() as session:
        get_user(session, user_id=user_id)
        row = session.scalars(select(ProfileRow).where(ProfileRow.user_id == user_id)).first()
        if row is not None:
            return "skipped" if row.status == "skipped" else "answered"
        session.add(
            ProfileRow(
                user_id=user_id,
                status="skipped",
                back_pain_history=False,
                cancer_history=False,
                steroids_or_immunosuppression=False,
                contraindications=[],
                updated_at=store.clock.now(),
            )
        )
    return "skipped"


def risk_context(store: Store, *, user_id: int) -> RiskContext:
    """Return the risk fields triage weighs, with the age in the user's local year."""
    profile = get_profile(store, user_id=user_id)
    today = local_date(store.clock.now(), store.user_zone(user_id=user_id))
    return RiskContext(
        age=age_in(profile.birth_year, today),
        cancer_history=profile.cancer_history,
        steroids_or_immunosuppression=profile.steroids_or_immunosuppression,
        osteoporosis=profile.osteoporosis,
    )


def contraindications(store: Store, *, user_id: int) -> frozenset[str]:
    """Return what the user reported that some exercises may not suit."""
    return frozenset(get_profile(store, user_id=user_id).contraindications)


# --- answers from the CLI and the web form ---------------------------------------------------


def _yes_no(field: str, value: Any, problems: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    problems.append(f"{field}: {value!r} is not yes or no; answer yes or no")
    return False


_DAY_TIME = re.compile(r"^([a-z]{3})[a-z]*(?:[ @=]+(\d{1,2})[:.h](\d{2}))?$")


def parse_run_days(text: str, *, default_time: time = time(18, 0)) -> dict[Weekday, time]:
    """Parse "tue 18:30, sat 08:00" (a day alone takes `default_time`); "none" clears."""
    out: dict[Weekday, time] = {}
    if text.strip().lower() in {"", "none", "no", "-"}:
        return out
    for part in re.split(r"[,;]+", text):
        item = " ".join(part.strip().lower().split())
        if not item:
            continue
        m = _DAY_TIME.match(item)
        day = m.group(1) if m else ""
        if m is None or day not in WEEKDAYS:
            raise ValidationError(
                _SOURCE,
                [f"run days: {part.strip()!r} is not a day and time; write e.g. tue 18:30"],
            )
        at = default_time
        if m.group(2) is not None:
            hour, minute = int(m.group(2)), int(m.group(3))
            if hour > 23 or minute > 59:
                raise ValidationError(
                    _SOURCE, [f"run days: {part.strip()!r} has no such time; use 00:00 to 23:59"]
                )
            at = time(hour, minute)
        out[day] = at
    return dict(sorted(out.items(), key=lambda kv: WEEKDAYS.index(kv[0])))


def parse_answers(answers: Mapping[str, Any], *, this_year: int) -> Profile:
    """Turn typed answers (text or values) into a Profile; every bad field named in one error.

    Keys: sitting_hours, back_pain_history, birth_year or age, cancer_history,
    steroids_or_immunosuppression, contraindications (a list, or words split by commas).
    """
    problems: list[str] = []
    data: dict[str, Any] = {}
    raw_hours = answers.get("sitting_hours")
    if raw_hours not in (None, ""):
        try:
            hours = float(str(raw_hours).replace(",", ".").removesuffix("h"))
        except ValueError:
            hours = -1.0
        if not 0 <= hours <= 24:
            problems.append(
                f"sitting hours: {raw_hours!r} is not a number of hours; give 0 to 24, e.g. 8"
            )
        else:
            data["sitting_hours"] = hours
    for key in ("back_pain_history", "cancer_history", "steroids_or_immunosuppression"):
        if key in answers and answers[key] is not None:
            data[key] = _yes_no(key.replace("_", " "), answers[key], problems)
    birth = answers.get("birth_year")
    age = answers.get("age")
    if birth not in (None, ""):
        try:
            year = int(str(birth).strip())
        except ValueError:
            year = 0
        if not MIN_BIRTH_YEAR <= year <= this_year:
            problems.append(
                f"year of birth: {birth!r} is not a year; give four digits, "
                f"{MIN_BIRTH_YEAR} to {this_year}"
            )
        else:
            data["birth_year"] = year
    elif age not in (None, ""):
        try:
            years = int(str(age).strip())
        except ValueError:
            years = -1
        if not 0 <= years <= this_year - MIN_BIRTH_YEAR:
            problems.append(f"age: {age!r} is not an age in years; give a whole number, e.g. 42")
        else:
            data["birth_year"] = this_year - years
    raw = answers.get("contraindications")
    if raw is not None:
        items: Iterable[Any] = raw.split(",") if isinstance(raw, str) else raw
        words = [str(v).strip().lower().replace("_", "-").replace(" ", "-") for v in items]
        words = [w for w in words if w and w != "none"]
        unknown = [w for w in words if w not in CONTRAINDICATIONS]
        if unknown:
            problems.append(
                f"contraindications: {', '.join(unknown)} unknown; use any of "
                f"{', '.join(CONTRAINDICATIONS)}, or none"
            )
        else:
            data["contraindications"] = frozenset(words)
    if problems:
        raise ValidationError(_SOURCE, problems)
    try:
        return Profile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(
            _SOURCE, [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        ) from None


class ProfilePrompts(Model):
    """What Today offers from the profile: the first-day questions, and the physio advice."""

    ask: bool = Field(description="the user has neither answered nor skipped the questions")
    physio: bool = Field(description="a history of back pain and no programme imported yet")


def profile_prompts(store: Store, *, user_id: int) -> ProfilePrompts:
    """Return whether Today should offer the questions, or suggest a physio's programme."""
    from runback.services.programmes import active_programme

    status, profile = _row(store, user_id)
    # Only then the programme query: Today's page costs one statement more, not two.
    physio = profile.back_pain_history and active_programme(store, user_id=user_id) is None
    return ProfilePrompts(ask=status == "new", physio=physio)


def run_days_from_form(
    days: Iterable[str], at: str, current: Mapping[Weekday, time]
) -> dict[Weekday, time]:
    """Return run days from ticked days and one usual time; ticked days keep their own time."""
    text = at.strip()
    usual: time | None = None
    if text:
        try:
            usual = time.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _SOURCE, [f"usual run time: {text!r} is not a time; use hh:mm, e.g. 18:30"]
            ) from None
    ticked = [d for d in WEEKDAYS if d in set(days)]
    if ticked and usual is None and not all(d in current for d in ticked):
        raise ValidationError(_SOURCE, ["usual run time: give the time you usually start"])
    changed = usual is not None and usual != usual_time(current)
    out: dict[Weekday, time] = {}
    for d in ticked:
        # A day set already keeps its own time (a long Sunday run at 08:00) unless the usual
        # time itself was changed, which then applies to every ticked day.
        keep = current.get(d)
        chosen = usual if changed or keep is None else keep
        assert chosen is not None  # checked above: a new day needs the usual time
        out[d] = chosen
    return out


def usual_time(run_days: Mapping[Weekday, time]) -> time | None:
    """Return the most common run start (the earliest of equals), or None without run days."""
    if not run_days:
        return None
    times = sorted(run_days.values())
    return max(times, key=times.count)


def exercise_flags(store: Store, exercises: Iterable[Exercise], *, user_id: int) -> dict[str, str]:
    """Return the "check with your physio first" line per exercise slug, for this user."""
    from runback.core.profile import exercise_flag

    mine = contraindications(store, user_id=user_id)
    if not mine:
        return {}
    out = {ex.slug: exercise_flag(ex.avoid_with, mine) for ex in exercises}
    return {slug: line for slug, line in out.items() if line is not None}
