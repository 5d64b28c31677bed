"""Red-flag screening for back pain: plain questions, pain-history patterns, and careful advice.

runback never diagnoses. It only checks for warning signs that mean "let a professional look",
and says how soon. The wording and the reasoning are documented in docs/red-flags.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from runback.core.pain import PainPoint, mean_worst, worst_by_day
from runback.errors import ValidationError

__all__ = [
    "LEVELS",
    "NOT_A_DIAGNOSIS",
    "PERSIST_WINDOW",
    "QUESTIONS",
    "Advice",
    "Level",
    "PainPoint",
    "RedFlagQuestion",
    "assess",
    "question",
    "validate_flags",
]

Level = Literal["emergency", "urgent", "see-physio", "self-care"]
# Most serious first; the advice takes the most serious level any rule reached.
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "see-physio", "self-care")

NOT_A_DIAGNOSIS = (
    "runback cannot diagnose anything. These questions only look for warning signs; "
    "they are not a medical opinion. If you are worried, talk to a health professional."
)

# Pain rules (see docs/red-flags.md for why these numbers).
FREQUENT_MIN = 4  # "moderate" pain on a 0-10 scale
FREQUENT_DAYS = 3
FREQUENT_WINDOW = 14
PERSIST_WINDOW = 28
PERSIST_SPAN = 14  # calendar days covered from the first to the last pain day, inclusive
PERSIST_RECENT = 7  # the pain must still be there in the last week
PERSIST_BETTER_BY = 1.0  # a drop of one point in the average counts as getting better
TREND_WINDOW = 14
TREND_MIN_DAYS = 3
TREND_SLOPE = 0.15  # points per day (about +2 over two weeks)
TREND_RISE = 2


class RedFlagQuestion(BaseModel):
    """One yes/no screening question with the level a "yes" leads to."""

    model_config = ConfigDict(frozen=True)

    id: str
    level: Level
    question: str
    label: str  # a short restatement used in the advice ("You said: ...")


class Advice(BaseModel):
    """What to do next, how soon, and why; never a diagnosis."""

    model_config = ConfigDict(frozen=True)

    level: Level
    headline: str
    steps: list[str]
    reasons: list[str]
    flags: list[str]  # red-flag question ids answered yes
    rules: list[str]  # pain-history rules that matched: frequent-pain, persistent-pain, worsening
    disclaimer: str = NOT_A_DIAGNOSIS


def _q(id_: str, level: Level, text: str, label: str) -> RedFlagQuestion:
    return RedFlagQuestion(id=id_, level=level, question=text, label=label)


QUESTIONS: tuple[RedFlagQuestion, ...] = (
    _q(
        "saddle-numbness",
        "emergency",
        "Is there numbness or tingling around your genitals, buttocks or inner thighs "
        "(where you would sit on a saddle)?",
        "numbness or tingling around the genitals, buttocks or inner thighs",
    ),
    _q(
        "bladder-bowel",
        "emergency",
        "Is there new trouble peeing, or any loss of control of your bladder or bowels?",
        "new trouble peeing, or loss of bladder or bowel control",
    ),
    _q(
        "both-legs",
        "emergency",
        "Do both of your legs feel weak or numb?",
        "weakness or numbness in both legs",
    ),
    _q(
        "chest-pain",
        "emergency",
        "Is there chest pain along with the back pain?",
        "chest pain along with the back pain",
    ),
    _q(
        "fall-accident",
        "emergency",
        "Did the pain start after a serious fall, a crash or another accident?",
        "the pain started after a serious fall or accident",
    ),
    _q(
        "fever-unwell",
        "urgent",
        "Is there a fever, or are you feeling generally unwell?",
        "a fever or feeling generally unwell",
    ),
    _q(
        "weight-loss",
        "urgent",
        "Have you lost weight recently without trying?",
        "weight loss without trying",
    ),
    _q(
        "night-pain",
        "urgent",
        "Is the pain worse at night, or not eased at all by rest or changing position?",
        "pain worse at night or not eased by rest",
    ),
    _q(
        "between-shoulders",
        "urgent",
        "Is there new pain between your shoulder blades with no clear reason for it?",
        "new, unexplained pain between the shoulder blades",
    ),
    _q(
        "leg-weakness",
        "urgent",
        "Is weakness or numbness in one leg getting worse?",
        "weakness or numbness in a leg that is getting worse",
    ),
)

_BY_ID = {q.id: q for q in QUESTIONS}

_HEADLINES: dict[Level, str] = {
    "emergency": "Get emergency care now: call your local emergency number "
    "(for example 112 in Europe, 911 in North America, 999 in the UK).",
    "urgent": "See a doctor today or tomorrow.",
    "see-physio": "Book a visit to a physiotherapist or osteopath (or your doctor).",
    "self-care": "No warning signs in what you told runback.",
}

_STEPS: dict[Level, list[str]] = {
    "emergency": [
        "Do not wait to see if it settles, and do not drive yourself.",
        "Stop running and stretching until a professional has checked you.",
        "Tell them which warning signs you noticed (listed below).",
    ],
    "urgent": [
        "If you cannot get an appointment, call an urgent-care or out-of-hours service.",
        "Pause runs and back-up work that make the pain worse until a doctor has seen you.",
        "If new numbness, trouble peeing or weakness in both legs appears, "
        "get emergency care straight away.",
    ],
    "see-physio": [
        "Aim for an appointment within the next week or two.",
        "Keep moving gently within comfort; ease off runs that make the pain worse.",
        "Bring your pain log: `runback pain --history` shows it.",
        "If any warning sign appears, check again with `runback pain`.",
    ],
    "self-care": [
        "Keep moving gently and keep up your back-up work; rest alone rarely helps backs.",
        "Keep logging how your back feels, so changes show up early.",
        "If the pain is severe, stops you sleeping or keeps coming back, "
        "talk to a doctor or physio anyway.",
    ],
}


def question(flag_id: str) -> RedFlagQuestion:
    """Return the red-flag question with this id."""
    validate_flags([flag_id])
    return _BY_ID[flag_id]


def validate_flags(flags: Iterable[str]) -> list[str]:
    """Return the flag ids in question order, or raise a ValidationError naming unknown ones."""
    wanted = list(flags)
    unknown = sorted({f for f in wanted if f not in _BY_ID})
    if unknown:
        known = ", ".join(_BY_ID)
        raise ValidationError(
            "red-flag answers", [f"unknown question id {u!r}: use one of {known}" for u in unknown]
        )
    return [q.id for q in QUESTIONS if q.id in wanted]


def _yes_ids(answers: Mapping[str, bool] | Iterable[str]) -> list[str]:
    if isinstance(answers, Mapping):
        return validate_flags(k for k, yes in answers.items() if yes)
    return validate_flags(answers)


def _daily_max(history: Sequence[PainPoint], zone: str, first: date, last: date) -> dict[date, int]:
    return {d: v for d, v in worst_by_day(history, zone).items() if first <= d <= last}


def _frequent(history: Sequence[PainPoint], zone: str, today: date) -> str | None:
    first = today - timedelta(days=FREQUENT_WINDOW - 1)
    days = _daily_max(history, zone, first, today)
    hard = sum(1 for v in days.values() if v >= FREQUENT_MIN)
    if hard >= FREQUENT_DAYS:
        return f"Pain of {FREQUENT_MIN} or more on {hard} of the last {FREQUENT_WINDOW} days."
    return None


def _persistent(history: Sequence[PainPoint], zone: str, today: date) -> str | None:
    days = _daily_max(history, zone, today - timedelta(days=PERSIST_WINDOW - 1), today)
    pain_days = sorted(d for d, v in days.items() if v >= 1)
    if not pain_days:
        return None
    first, last = pain_days[0], pain_days[-1]
    span = (last - first).days + 1
    if span < PERSIST_SPAN or (today - last).days >= PERSIST_RECENT:
        return None
    early = mean_worst(v for d, v in days.items() if first <= d < first + timedelta(days=7))
    late = mean_worst(v for d, v in days.items() if last - timedelta(days=6) <= d <= last)
    if early is not None and late is not None and late <= early - PERSIST_BETTER_BY:
        return None
    return f"Pain logged over {span} days of the last 4 weeks without getting better."


def _worsening(history: Sequence[PainPoint], zone: str, today: date) -> str | None:
    first = today - timedelta(days=TREND_WINDOW - 1)
    days = sorted(_daily_max(history, zone, first, today).items())
    if len(days) < TREND_MIN_DAYS:
        return None
    xs = [float((d - first).days) for d, _ in days]
    ys = [float(v) for _, v in days]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    if slope >= TREND_SLOPE and ys[-1] - ys[0] >= TREND_RISE:
        return f"Pain has been getting worse over the last {TREND_WINDOW} days."
    return None


def assess(
    answers: Mapping[str, bool] | Iterable[str],
    history: Sequence[PainPoint],
    today: date,
    zone: str,
) -> Advice:
    """Return advice from red-flag answers (ids answered yes) and the pain history.

    Days are the user's local days in `zone`; a day's pain is its worst entry (core.pain).
    """
    flags = _yes_ids(answers)
    levels: set[Level] = {_BY_ID[f].level for f in flags}
    reasons = [f"You said: {_BY_ID[f].label}." for f in flags]
    rules: list[str] = []
    for rule_id, rule in (
        ("frequent-pain", _frequent),
        ("persistent-pain", _persistent),
        ("worsening", _worsening),
    ):
        reason = rule(history, zone, today)
        if reason is not None:
            rules.append(rule_id)
            reasons.append(reason)
            levels.add("see-physio")
    level: Level = next((lvl for lvl in LEVELS if lvl in levels), "self-care")
    return Advice(
        level=level,
        headline=_HEADLINES[level],
        steps=list(_STEPS[level]),
        reasons=reasons,
        flags=flags,
        rules=rules,
    )
