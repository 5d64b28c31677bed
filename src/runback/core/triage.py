"""Red-flag screening for back pain: plain questions, pain-history patterns, and careful advice.

runback never diagnoses. It only checks for warning signs that mean "let a professional look",
and says how soon. The wording and the reasoning are documented in docs/red-flags.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import ConfigDict

from runback.core.model import Model
from runback.core.pain import PainPoint, mean_worst, worst_by_day
from runback.core.timezones import event_day
from runback.errors import ValidationError

__all__ = [
    "INFLAMMATORY_FLAGS",
    "LEVELS",
    "NOT_A_DIAGNOSIS",
    "PERSIST_WINDOW",
    "QUESTIONS",
    "SEED_ADVICE",
    "Advice",
    "Level",
    "PainPoint",
    "RedFlagQuestion",
    "RiskContext",
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


class RedFlagQuestion(Model):
    """One yes/no screening question with the level a "yes" leads to."""

    model_config = ConfigDict(frozen=True)

    id: str
    level: Level
    question: str
    label: str  # a short restatement used in the advice ("You said: ...")


class Advice(Model):
    """What to do next, how soon, and why; never a diagnosis."""

    model_config = ConfigDict(frozen=True)

    level: Level
    headline: str
    steps: list[str]
    reasons: list[str]
    flags: list[str]  # red-flag question ids answered yes
    rules: list[str]  # pain-history rules: frequent-pain, persistent-pain, worsening, severe-pain
    disclaimer: str = NOT_A_DIAGNOSIS


def _q(id_: str, level: Level, text: str, label: str) -> RedFlagQuestion:
    return RedFlagQuestion(id=id_, level=level, question=text, label=label)


QUESTIONS: tuple[RedFlagQuestion, ...] = (
    # Emergency: the NHS "Back pain" page's call-999/A&E list, the cauda equina pathway and the
    # NHS chest-pain guidance (docs/red-flags.md names the section each one follows).
    _q(
        "saddle-numbness",
        "emergency",
        "Is there numbness or tingling around your genitals, buttocks or inner thighs "
        "(where you would sit on a saddle)?",
        "numbness or tingling around the genitals, buttocks or inner thighs",
    ),
    _q(
        "wiping-numbness",
        "emergency",
        "When you wipe after going to the toilet, does it feel numb or different from usual, "
        "and is that new or getting worse?",
        "numbness when wiping after the toilet, new or getting worse",
    ),
    _q(
        "bladder-bowel",
        "emergency",
        "Is there new trouble peeing, or any loss of control of your bladder or bowels?",
        "new trouble peeing, or loss of bladder or bowel control",
    ),
    _q(
        "sexual-function",
        "emergency",
        "Has there been a new change in your sexual function, such as less feeling "
        "or trouble getting an erection?",
        "a new change in sexual function",
    ),
    _q(
        "both-legs",
        "emergency",
        "Do both of your legs feel weak or numb?",
        "weakness or numbness in both legs",
    ),
    _q(
        "both-legs-pain",
        "emergency",
        "Is there pain or tingling going down both of your legs?",
        "pain or tingling in both legs",
    ),
    _q(
        "chest-pain",
        "emergency",
        "Is there chest pain along with the back pain?",
        "chest pain along with the back pain",
    ),
    _q(
        "chest-spreading",
        "emergency",
        "With chest or upper-back pain: does the pain spread to your arm, jaw or neck?",
        "chest or upper-back pain spreading to the arm, jaw or neck",
    ),
    _q(
        "chest-breathless",
        "emergency",
        "With chest or upper-back pain: are you short of breath, sweating, "
        "or feeling or being sick?",
        "chest or upper-back pain with breathlessness, sweating or feeling sick",
    ),
    _q(
        "fall-accident",
        "emergency",
        "Did the pain start after a serious fall, a crash or another accident?",
        "the pain started after a serious fall or accident",
    ),
    # Urgent: the NHS "Back pain" page's urgent-GP list and NICE NG59 1.1.1.
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
        "back-shape",
        "urgent",
        "Is there a lump or swelling on your back, or a change in its shape?",
        "a lump, swelling or change in the shape of the back",
    ),
    _q(
        "cough-sneeze",
        "urgent",
        "Is the pain worse when you cough, sneeze or poo?",
        "pain worse when coughing, sneezing or pooing",
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
        "Is there pain between your shoulder blades that is new, or different from your "
        "usual after-run ache?",
        "pain between the shoulder blades that is new or different from the usual ache",
    ),
    _q(
        "leg-weakness",
        "urgent",
        "Is weakness or numbness in one leg getting worse?",
        "weakness or numbness in a leg that is getting worse",
    ),
    # See a physio or doctor: the inflammatory pattern NICE NG59 1.1.1 asks to look for.
    _q(
        "morning-stiffness",
        "see-physio",
        "Has your back been stiff in the mornings for more than 3 months, easing once you "
        "get moving?",
        "morning stiffness for more than 3 months that eases with movement",
    ),
    _q(
        "wakes-late-night",
        "see-physio",
        "Does back pain wake you in the second half of the night, most nights?",
        "back pain waking you in the second half of the night",
    ),
)

INFLAMMATORY_FLAGS = frozenset({"morning-stiffness", "wakes-late-night"})
INFLAMMATORY_AGE = 45  # the pattern counts for most when it starts before this age
RISK_AGE = 50  # NICE NG59 / NHS: new back pain over this age is worth a doctor's look
SEVERE_PAIN = 7  # a single entry this strong (0-10) is worth a professional's look soon
SEVERE_WINDOW = 14  # days a severe or day-stopping entry keeps counting
SEED_ADVICE = (
    "With a history of back pain, visit a good physio or osteopath, who will put together "
    "a daily programme for you."
)
INFLAMMATORY_NOTE = (
    "Tell them if your back is stiff in the mornings, eases with movement, or wakes you in "
    "the second half of the night: that pattern is worth checking, especially under 45."
)


@dataclass(frozen=True)
class RiskContext:
    """What raises the level of new back pain: age and a few health facts the user told runback."""

    age: int | None = None
    cancer_history: bool = False
    steroids_or_immunosuppression: bool = False
    osteoporosis: bool = False

    def factors(self) -> list[str]:
        """Return the plain words for each risk factor present."""
        found: list[str] = []
        if self.age is not None and self.age > RISK_AGE:
            found.append(f"you are over {RISK_AGE}")
        if self.cancer_history:
            found.append("a history of cancer")
        if self.steroids_or_immunosuppression:
            found.append("taking steroids or medicine that lowers your immunity")
        if self.osteoporosis:
            found.append("thinning bones (osteoporosis)")
        return found


_BY_ID = {q.id: q for q in QUESTIONS}

_HEADLINES: dict[Level, str] = {
    "emergency": "Get emergency care now: call your local emergency number "
    "(for example 112 in Europe, 911 in North America, 999 in the UK).",
    "urgent": "See a doctor today or tomorrow.",
    "see-physio": "See a doctor or physio soon: book a visit to a physiotherapist or "
    "osteopath (or your doctor).",
    "self-care": "No warning signs in what you told runback.",
}

_STEPS: dict[Level, list[str]] = {
    "emergency": [
        "Do not wait to see if it settles, and do not drive yourself.",
        "Stop running and stretching until a professional has checked you.",
        "Tell them which warning signs you noticed (listed here).",
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
        "Bring your pain log (the Pain page or the physio report lists it).",
        "If any warning sign appears, answer the safety questions again.",
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


def _severe(history: Sequence[PainPoint], zone: str, today: date) -> str | None:
    first = today - timedelta(days=SEVERE_WINDOW - 1)
    recent = [p for p in history if first <= event_day(p.at, zone) <= today]
    if any(p.stops_activities for p in recent):
        return "You said the pain stops your day-to-day activities."
    worst = max((p.intensity for p in recent), default=0)
    if worst >= SEVERE_PAIN:
        return f"Pain of {worst} out of 10 logged in the last {SEVERE_WINDOW} days."
    return None


def _raise(level: Level) -> Level:
    """Return the next more serious level (a risk factor makes a sign more pressing)."""
    return LEVELS[max(0, LEVELS.index(level) - 1)] if level != "emergency" else level


def assess(
    answers: Mapping[str, bool] | Iterable[str],
    history: Sequence[PainPoint],
    today: date,
    zone: str,
    risk: RiskContext | None = None,
) -> Advice:
    """Return advice from red-flag answers (ids answered yes), the pain history and risk context.

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
        ("severe-pain", _severe),
    ):
        reason = rule(history, zone, today)
        if reason is not None:
            rules.append(rule_id)
            reasons.append(reason)
            levels.add("see-physio")
    factors = (risk or RiskContext()).factors()
    if factors and (history or flags):
        reasons.append(
            "You told runback: " + "; ".join(factors) + ". With back pain, public guidance "
            "says a doctor should check it soon."
        )
        # With a risk factor, any sign or pattern is one step more pressing, and new pain
        # alone is worth a doctor's look soon.
        levels = {_raise(lvl) for lvl in levels} | {"see-physio"}
    level: Level = next((lvl for lvl in LEVELS if lvl in levels), "self-care")
    steps = list(_STEPS[level])
    if level != "emergency":
        if "persistent-pain" in rules or INFLAMMATORY_FLAGS & set(flags):
            steps.append(INFLAMMATORY_NOTE)
        if {"persistent-pain", "frequent-pain"} & set(rules):
            steps.append(SEED_ADVICE)
    return Advice(
        level=level,
        headline=_HEADLINES[level],
        steps=steps,
        reasons=reasons,
        flags=flags,
        rules=rules,
    )
