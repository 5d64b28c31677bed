"""`runback setup`: interactive answers, options, bad input in one line, reruns that edit."""

from __future__ import annotations

import json
from datetime import time

from runback.services.breaks import get_prefs
from runback.services.profile import get_profile, profile_status
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from tests.conftest import Cli


def _profile(settings: Settings) -> tuple[str, object, dict[str, time]]:
    st = open_store(settings)
    try:
        return (
            profile_status(st, user_id=LOCAL_USER_ID),
            get_profile(st, user_id=LOCAL_USER_ID),
            dict(get_prefs(st, user_id=LOCAL_USER_ID).run_days.items()),
        )
    finally:
        st.close()


def test_interactive_answers_are_stored_with_the_run_days(cli: Cli) -> None:
    answers = "y\ntue 18:30, sat 08:00\n8\nyes\n1970\nno\nno\nosteoporosis\n"
    result = cli("setup", input=answers)
    assert result.exit_code == 0, result.output
    assert "Saved." in result.output
    assert "physiotherapist or osteopath" in result.output
    assert "runback programme import" in result.output
    status, profile, days = _profile(cli.settings)
    assert status == "answered"
    assert profile.sitting_hours == 8  # type: ignore[attr-defined]
    assert profile.back_pain_history is True  # type: ignore[attr-defined]
    assert profile.birth_year == 1970  # type: ignore[attr-defined]
    assert profile.contraindications == {"osteoporosis"}  # type: ignore[attr-defined]
    assert days == {"tue": time(18, 30), "sat": time(8, 0)}


def test_interactive_bad_answer_is_asked_again(cli: Cli) -> None:
    answers = "y\nnone\nlots\n6\nmaybe\nno\n\nno\nno\nknees\nnone\n"
    result = cli("setup", input=answers)
    assert result.exit_code == 0, result.output
    assert "sitting hours: 'lots' is not a number of hours" in result.output
    assert "'maybe' is not yes or no" in result.output
    assert "knees unknown" in result.output
    _, profile, _ = _profile(cli.settings)
    assert profile.sitting_hours == 6  # type: ignore[attr-defined]


def test_interactive_can_be_skipped(cli: Cli) -> None:
    result = cli("setup", input="n\n")
    assert result.exit_code == 0, result.output
    assert "Skipped" in result.output
    assert _profile(cli.settings)[0] == "skipped"


def test_options_answer_without_questions_and_json(cli: Cli) -> None:
    result = cli(
        "setup", "--run-days", "thu 07:15", "--sitting-hours", "9.5", "--no-back-pain",
        "--age", "55", "--cancer", "--contraindications", "hip-replacement,pregnancy", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "answered"
    assert data["age"] == 55  # 2026 (the fake clock's year) minus 55 is the stored year
    assert data["profile"]["birth_year"] == 1971
    assert data["profile"]["cancer_history"] is True
    assert sorted(data["profile"]["contraindications"]) == ["hip-replacement", "pregnancy"]
    assert data["run_days"] == {"thu": "07:15:00"}


def test_bad_option_is_one_line_naming_the_field_and_changes_nothing(cli: Cli) -> None:
    assert cli("setup", "--sitting-hours", "7").exit_code == 0
    for args, words in [
        (["--sitting-hours", "30", "--back-pain"], "sitting hours: '30'"),
        (["--birth-year", "19x0"], "year of birth: '19x0' is not a year"),
        (["--contraindications", "knees"], "contraindications: knees unknown"),
        (["--run-days", "someday 18:00"], "run days: 'someday 18:00' is not a day and time"),
        (["--run-days", "tue 25:00"], "run days: 'tue 25:00' has no such time"),
    ]:
        result = cli("setup", *args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.output
        assert words in lines[0]
        assert "Traceback" not in result.output
    _, profile, days = _profile(cli.settings)
    assert profile.sitting_hours == 7  # type: ignore[attr-defined]
    assert profile.back_pain_history is False  # type: ignore[attr-defined]
    assert days == {}


def test_rerun_edits_only_what_it_is_given(cli: Cli) -> None:
    first = cli(
        "setup", "--run-days", "tue 18:30", "--sitting-hours", "8", "--back-pain",
        "--birth-year", "1980", "--contraindications", "osteoporosis",
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    again = cli("setup", "--contraindications", "none", "--sitting-hours", "5")
    assert again.exit_code == 0, again.output
    _, profile, days = _profile(cli.settings)
    assert profile.sitting_hours == 5  # type: ignore[attr-defined]
    assert profile.back_pain_history is True  # type: ignore[attr-defined]
    assert profile.birth_year == 1980  # type: ignore[attr-defined]
    assert profile.contraindications == frozenset()  # type: ignore[attr-defined]
    assert days == {"tue": time(18, 30)}
    # Interactive rerun: Enter keeps every current answer.
    keep = cli("setup", input="y\n\n\n\n\n\n\n\n")
    assert keep.exit_code == 0, keep.output
    assert _profile(cli.settings)[1] == profile
    shown = cli("setup", "--show")
    assert "tue 18:30" in shown.output and "1980" in shown.output


def test_skip_with_answers_is_refused(cli: Cli) -> None:
    result = cli("setup", "--skip", "--back-pain")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: --skip")
    assert _profile(cli.settings)[0] == "new"
