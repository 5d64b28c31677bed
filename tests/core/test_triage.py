"""Red-flag triage: each question leads to its level, pain patterns to a physio; safe wording."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from runback.core.triage import (
    NOT_A_DIAGNOSIS,
    QUESTIONS,
    Advice,
    PainPoint,
    assess,
    question,
    validate_flags,
)
from runback.errors import ValidationError

TODAY = date(2026, 3, 30)  # the Monday after Europe's spring-forward
ZONE = "Europe/Berlin"

EMERGENCY = {
    "saddle-numbness",
    "wiping-numbness",
    "bladder-bowel",
    "sexual-function",
    "both-legs",
    "both-legs-pain",
    "chest-pain",
    "chest-spreading",
    "chest-breathless",
    "fall-accident",
}
URGENT = {
    "fever-unwell",
    "weight-loss",
    "back-shape",
    "cough-sneeze",
    "night-pain",
    "between-shoulders",
    "leg-weakness",
}

# Words that would read as a diagnosis, or as telling someone what they "have".
FORBIDDEN = (
    "you have",
    "you've got",
    "diagnosis",
    "diagnosed",
    "sciatica",
    "cauda equina",
    "fracture",
    "tumour",
    "tumor",
    "cancer",
    "infection",
    "herniat",
    "slipped disc",
    "stenosis",
    "arthritis",
    "syndrome",
    "aneurysm",
    "heart attack",
)


def at_local(day: date, hour: int = 19, zone: str = ZONE) -> datetime:
    """Return an aware instant at `hour` local time on `day`."""
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def pains(*days_ago_and_intensity: tuple[int, int], zone: str = ZONE) -> list[PainPoint]:
    """Return pain points `days ago` before TODAY with the given intensities."""
    return [
        PainPoint(at_local(TODAY - timedelta(days=ago), zone=zone), zone, value)
        for ago, value in days_ago_and_intensity
    ]


def all_text(advice: Advice) -> str:
    return " ".join([advice.headline, *advice.steps, *advice.reasons, advice.disclaimer])


def test_the_questions_cover_the_brief() -> None:
    assert {q.id for q in QUESTIONS if q.level == "emergency"} == EMERGENCY
    assert {q.id for q in QUESTIONS if q.level == "urgent"} == URGENT
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert q.question.endswith("?")


@pytest.mark.parametrize("flag", sorted(EMERGENCY))
def test_each_emergency_question_says_get_emergency_care(flag: str) -> None:
    advice = assess([flag], [], TODAY, ZONE)
    assert advice.level == "emergency"
    assert advice.flags == [flag]
    assert "emergency care now" in advice.headline
    assert "call your local emergency number" in advice.headline
    assert question(flag).label in advice.reasons[0]


@pytest.mark.parametrize("flag", sorted(URGENT))
def test_each_urgent_question_says_see_a_doctor_soon(flag: str) -> None:
    advice = assess({flag: True}, [], TODAY, ZONE)
    assert advice.level == "urgent"
    assert "doctor today or tomorrow" in advice.headline


def test_the_most_serious_level_wins_and_every_reason_is_kept() -> None:
    history = pains((0, 5), (3, 5), (6, 5))
    advice = assess(["night-pain", "chest-pain"], history, TODAY, ZONE)
    assert advice.level == "emergency"
    assert advice.flags == ["chest-pain", "night-pain"]  # question order
    assert advice.rules == ["frequent-pain"]
    assert len(advice.reasons) == 3


def test_no_answers_and_no_history_is_self_care() -> None:
    advice = assess({"chest-pain": False}, [], TODAY, ZONE)
    assert advice.level == "self-care"
    assert advice.flags == [] and advice.rules == [] and advice.reasons == []


def test_unknown_question_ids_are_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="'dizzy'"):
        assess(["dizzy", "chest-pain"], [], TODAY, ZONE)
    assert validate_flags(["night-pain", "both-legs"]) == ["both-legs", "night-pain"]


def test_three_days_of_4_plus_in_14_days_means_see_a_physio() -> None:
    advice = assess([], pains((0, 4), (6, 7), (13, 4)), TODAY, ZONE)
    assert advice.level == "see-physio"
    assert "frequent-pain" in advice.rules
    assert "physiotherapist or osteopath" in advice.headline


def test_two_days_of_4_plus_is_not_enough() -> None:
    advice = assess([], pains((0, 6), (5, 3), (9, 6)), TODAY, ZONE)
    assert "frequent-pain" not in advice.rules
    assert advice.level == "self-care"


def test_three_days_spread_over_15_days_is_outside_the_window() -> None:
    # The oldest is 14 days ago: day 15 counting today. It has improved since, so no rule fires.
    advice = assess([], pains((14, 6), (7, 4), (0, 4)), TODAY, ZONE)
    assert "frequent-pain" not in advice.rules
    assert advice.level == "self-care"


def test_several_entries_on_one_day_count_once() -> None:
    advice = assess([], pains((1, 5), (1, 6), (1, 8), (2, 4)), TODAY, ZONE)
    assert "frequent-pain" not in advice.rules


def test_days_are_local_days_not_utc_days() -> None:
    # 00:30 in Berlin on 17 March is still 16 March in UTC: 14 local days ago is outside.
    from zoneinfo import ZoneInfo

    early = datetime(2026, 3, 17, 0, 30, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    assert early.date() == date(2026, 3, 16)
    history = [PainPoint(early, ZONE, 5), *pains((0, 5), (1, 5))]
    assert "frequent-pain" in assess([], history, TODAY, ZONE).rules
    history = [PainPoint(early - timedelta(hours=1), ZONE, 5), *pains((0, 5), (1, 5))]
    assert "frequent-pain" not in assess([], history, TODAY, ZONE).rules


def test_pain_not_better_after_two_weeks_means_see_a_physio() -> None:
    advice = assess([], pains((20, 3), (12, 3), (5, 3), (1, 3)), TODAY, ZONE)
    assert advice.rules == ["persistent-pain"]
    assert advice.level == "see-physio"


def test_pain_that_is_getting_better_is_not_persistent() -> None:
    advice = assess([], pains((20, 3), (18, 3), (5, 1), (1, 1)), TODAY, ZONE)
    assert advice.rules == []


def test_pain_that_stopped_a_week_ago_is_not_persistent() -> None:
    advice = assess([], pains((27, 3), (14, 3), (8, 3), (7, 3)), TODAY, ZONE)
    assert "persistent-pain" not in advice.rules


def test_pain_over_13_days_is_not_yet_persistent() -> None:
    advice = assess([], pains((12, 3), (6, 3), (0, 3)), TODAY, ZONE)
    assert "persistent-pain" not in advice.rules
    assert "persistent-pain" in assess([], pains((13, 3), (6, 3), (0, 3)), TODAY, ZONE).rules


def test_pain_getting_worse_means_see_a_physio() -> None:
    advice = assess([], pains((10, 1), (6, 2), (3, 2), (0, 3)), TODAY, ZONE)
    assert advice.rules == ["worsening"]
    assert advice.level == "see-physio"


def test_flat_or_falling_pain_is_not_worsening() -> None:
    assert "worsening" not in assess([], pains((10, 3), (5, 3), (0, 3)), TODAY, ZONE).rules
    assert "worsening" not in assess([], pains((10, 5), (5, 3), (0, 1)), TODAY, ZONE).rules
    assert "worsening" not in assess([], pains((5, 1), (0, 6)), TODAY, ZONE).rules  # two days only


def test_future_entries_are_ignored() -> None:
    advice = assess([], pains((-1, 9), (-2, 9), (-3, 9)), TODAY, ZONE)
    assert advice.level == "self-care"


@pytest.mark.parametrize(
    "answers",
    [[], ["chest-pain"], ["night-pain"], ["both-legs", "weight-loss"]],
)
@pytest.mark.parametrize(
    "history",
    [[], pains((0, 5), (3, 5), (6, 5)), pains((10, 1), (6, 2), (0, 4))],
)
def test_wording_never_diagnoses_and_says_so(answers: list[str], history: list[PainPoint]) -> None:
    advice = assess(answers, history, TODAY, ZONE)
    text = all_text(advice).lower()
    for term in FORBIDDEN:
        assert term not in text, term
    assert "runback cannot diagnose" in advice.disclaimer
    assert advice.disclaimer == NOT_A_DIAGNOSIS


def test_questions_never_diagnose() -> None:
    for q in QUESTIONS:
        text = f"{q.question} {q.label}".lower()
        for term in FORBIDDEN:
            assert term not in text, (q.id, term)


def test_advice_serialises_for_json_and_the_web() -> None:
    advice = assess(["fever-unwell"], [], TODAY, ZONE)
    data = advice.model_dump(mode="json")
    assert data["level"] == "urgent"
    assert data["flags"] == ["fever-unwell"]
