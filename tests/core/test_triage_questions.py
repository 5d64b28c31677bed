"""Every question in its tier, the risk context and thresholds: advice that never diagnoses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from runback.core.emergency import number_for_zone
from runback.core.triage import (
    LEVELS,
    QUESTIONS,
    SEED_ADVICE,
    Advice,
    Level,
    PainPoint,
    RiskContext,
    assess,
)

TODAY = date(2026, 3, 30)
ZONE = "Europe/Berlin"

# id -> the tier public guidance puts it in (docs/red-flags.md names the source of each).
TIERS: dict[str, Level] = {
    "saddle-numbness": "emergency",
    "wiping-numbness": "emergency",
    "bladder-bowel": "emergency",
    "sexual-function": "emergency",
    "both-legs": "emergency",
    "both-legs-pain": "emergency",
    "chest-pain": "emergency",
    "chest-spreading": "emergency",
    "chest-breathless": "emergency",
    "fall-accident": "emergency",
    "fever-unwell": "urgent",
    "weight-loss": "urgent",
    "back-shape": "urgent",
    "cough-sneeze": "urgent",
    "night-pain": "urgent",
    "between-shoulders": "urgent",
    "leg-weakness": "urgent",
    "morning-stiffness": "see-physio",
    "wakes-late-night": "see-physio",
}
# Plain words each question must use (the list, as a person would say it).
WORDS = {
    "wiping-numbness": ("wipe", "toilet", "new or getting worse"),
    "sexual-function": ("sexual",),
    "both-legs-pain": ("pain or tingling", "both"),
    "back-shape": ("lump", "swelling", "shape"),
    "cough-sneeze": ("cough", "sneeze", "poo"),
    "chest-spreading": ("arm", "jaw", "neck"),
    "chest-breathless": ("short of breath", "sweating", "sick"),
    "between-shoulders": ("new", "different from your usual after-run ache"),
    "morning-stiffness": ("morning", "3 months", "moving"),
    "wakes-late-night": ("second half of the night",),
}
CONDITION_NAMES = (
    "cauda equina",
    "cancer",
    "infection",
    "fracture",
    "heart attack",
    "tumour",
    "tumor",
    "sciatica",
    "spondyl",
    "ankylosing",
    "arthritis",
    "aneurysm",
    "dissection",
    "angina",
    "osteoporosis",
    "syndrome",
    "herniat",
    "slipped disc",
    "stenosis",
)
# A verdict: telling someone what they have, or what "this" is.
VERDICT = re.compile(
    r"\b(you have|you've got|you are suffering|this is|it is|it's|could be|may be|might be|"
    r"likely|probably|sounds like|signs? of|diagnos\w*)\b[^.]{0,40}?\b("
    + "|".join(CONDITION_NAMES)
    + r")",
    re.IGNORECASE,
)
RISKS = [
    RiskContext(),
    RiskContext(age=62),
    RiskContext(cancer_history=True),
    RiskContext(steroids_or_immunosuppression=True),
    RiskContext(osteoporosis=True),
]


def text(advice: Advice) -> str:
    return " ".join([advice.headline, *advice.steps, *advice.reasons, advice.disclaimer])


def advice_words(advice: Advice) -> str:
    """Return what runback says on its own: not the restatement of what the user told it."""
    own = [r for r in advice.reasons if not r.startswith(("You said:", "You told runback:"))]
    return " ".join([advice.headline, *advice.steps, *own, advice.disclaimer])


def test_every_question_is_in_the_table_and_in_plain_words() -> None:
    assert {q.id: q.level for q in QUESTIONS} == TIERS
    for q in QUESTIONS:
        assert q.question.endswith("?") and len(q.question) <= 140, q.id
        for word in WORDS.get(q.id, ()):
            assert word in q.question, (q.id, word)
        for name in CONDITION_NAMES:
            assert name not in q.question.lower() and name not in q.label.lower(), (q.id, name)
    # "no clear reason" let a runner answer "no, it's from running".
    assert all("no clear reason" not in q.question for q in QUESTIONS)


@pytest.mark.parametrize("risk", RISKS, ids=lambda r: ",".join(r.factors()) or "none")
@pytest.mark.parametrize("flag", list(TIERS))
def test_each_question_gives_its_tier_and_careful_words(flag: str, risk: RiskContext) -> None:
    history = [PainPoint(datetime(2026, 3, 29, 18, tzinfo=UTC), ZONE, 3)]
    advice = assess([flag], history, TODAY, ZONE, risk)
    expected = TIERS[flag]
    if risk.factors():
        # A risk factor makes every sign one step more pressing (never less).
        expected = LEVELS[max(0, LEVELS.index(expected) - 1)]
    assert advice.level == expected
    assert advice.flags == [flag]
    words = text(advice)
    assert not VERDICT.search(words), VERDICT.search(words)
    assert "you have" not in words.lower() and "you've got" not in words.lower()
    own = advice_words(advice).lower()
    for name in CONDITION_NAMES:
        assert name not in own, (flag, name)
    if advice.level == "emergency":
        assert advice.headline.startswith("Get emergency care now")
        assert any("Stop running and stretching" in s for s in advice.steps)
    elif advice.level == "urgent":
        assert "See a doctor today or tomorrow" in advice.headline
    else:
        assert "See a doctor or physio soon" in advice.headline


@pytest.mark.parametrize("risk", RISKS[1:], ids=lambda r: ",".join(r.factors()))
def test_a_risk_factor_with_new_back_pain_means_see_a_doctor_soon(risk: RiskContext) -> None:
    history = [PainPoint(datetime(2026, 3, 29, 18, tzinfo=UTC), ZONE, 2)]
    advice = assess([], history, TODAY, ZONE, risk)
    assert advice.level == "see-physio"
    assert any(r.startswith("You told runback:") for r in advice.reasons)
    assert assess([], [], TODAY, ZONE, risk).level == "self-care"  # no pain, nothing to check
    assert assess([], history, TODAY, ZONE, RiskContext(age=50)).level == "self-care"


@pytest.mark.parametrize(
    ("intensity", "stops", "level"),
    [
        (6, False, "self-care"),
        (7, False, "see-physio"),
        (10, False, "see-physio"),
        (2, True, "see-physio"),
    ],
)
def test_a_single_severe_or_day_stopping_entry_means_see_someone_soon(
    intensity: int, stops: bool, level: Level
) -> None:
    at = datetime(2026, 3, 30, 7, tzinfo=UTC)
    advice = assess([], [PainPoint(at, ZONE, intensity, None, stops)], TODAY, ZONE)
    assert advice.level == level
    assert ("severe-pain" in advice.rules) == (level != "self-care")
    if stops:
        assert "day-to-day activities" in " ".join(advice.reasons)
    # Two weeks later the single entry no longer counts.
    later = assess([], [PainPoint(at, ZONE, intensity, None, stops)], TODAY + timedelta(14), ZONE)
    assert "severe-pain" not in later.rules


def test_persistent_pain_mentions_the_inflammatory_pattern_and_the_seed_advice() -> None:
    history = [
        PainPoint(datetime(2026, 3, 30, 7, tzinfo=UTC) - timedelta(days=d), ZONE, 3)
        for d in range(0, 20, 2)
    ]
    advice = assess([], history, TODAY, ZONE)
    assert "persistent-pain" in advice.rules
    steps = " ".join(advice.steps)
    assert "stiff in the mornings" in steps and "second half of the night" in steps
    assert SEED_ADVICE in advice.steps
    assert "physio or osteopath" in SEED_ADVICE and "daily programme" in SEED_ADVICE
    assert SEED_ADVICE not in assess([], [], TODAY, ZONE).steps


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Europe/Paris", "112"),
        ("Europe/London", "999"),
        ("America/Chicago", "911"),
        ("America/Vancouver", "911"),
        ("Australia/Perth", "000"),
        ("Pacific/Auckland", "111"),
        ("Africa/Nairobi", "112"),
    ],
)
def test_emergency_number_by_zone(zone: str, number: str) -> None:
    assert number_for_zone(zone) == number
