"""`runback sessions`, `pain edit/delete`, `breaks list/edit/delete`: asked first, ids checked."""

from __future__ import annotations

import json

import pytest

from runback.core.catalog import RoutineStep
from runback.core.clock import FakeClock
from runback.errors import NotFoundError
from runback.services import breaks
from runback.services.catalog import load_builtin
from runback.services.pain import get_pain, log_pain
from runback.services.routines import create_routine, get_routine
from runback.services.sessions import finish_session, get_session, start_session
from runback.services.slots import change_slot
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import Cli


def _session(store: Store) -> int:
    routine = load_builtin().routines["back-up-basics"]
    sid = start_session(store, routine, "other", user_id=LOCAL_USER_ID)
    finish_session(
        store,
        sid,
        completed=True,
        steps_done=[s.exercise for s in routine.steps],
        user_id=LOCAL_USER_ID,
    )
    return sid


def test_sessions_lists_ids_and_edits_one(cli: Cli, store: Store) -> None:
    sid = _session(store)
    listed = cli("sessions")
    assert listed.exit_code == 0, listed.output
    assert "Back-up basics" in listed.output and "Mon 05 Jan 09:00" in listed.output
    assert json.loads(cli("sessions", "--json").output)[0]["id"] == sid
    edited = cli("sessions", "edit", str(sid), "--enjoyment", "4", "--context", "after-run")
    assert edited.exit_code == 0, edited.output
    assert f"Changed session {sid}" in edited.output
    found = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert (found.enjoyment, found.context) == (4, "after-run")
    moved = cli("sessions", "edit", str(sid), "--started", "2026-01-05 07:30", "--json")
    assert json.loads(moved.output)["started_at"] == "2026-01-05T06:30:00Z"


def test_session_delete_asks_and_no_keeps_it(cli: Cli, store: Store) -> None:
    sid = _session(store)
    refused = cli("sessions", "delete", str(sid), input="n\n")
    assert refused.exit_code == 1
    assert "Delete session" in refused.output and "[y/N]" in refused.output
    assert "Nothing deleted." in refused.output
    assert cli("sessions", "delete", str(sid), input="").exit_code == 1  # end of input: no
    assert get_session(store, sid, user_id=LOCAL_USER_ID).id == sid
    agreed = cli("sessions", "delete", str(sid), input="y\n")
    assert agreed.exit_code == 0 and f"Deleted session {sid}." in agreed.output
    with pytest.raises(NotFoundError):
        get_session(store, sid, user_id=LOCAL_USER_ID)
    assert "streak: 0" in cli("today").output.lower()


@pytest.mark.parametrize(
    "args",
    [
        ["sessions", "delete", "999", "--yes"],
        ["sessions", "edit", "999", "--enjoyment", "3"],
        ["pain", "delete", "999"],
        ["pain", "edit", "999", "--intensity", "3"],
        ["breaks", "delete", "999"],
        ["breaks", "edit", "999", "--outcome", "skipped"],
    ],
)
def test_an_unknown_id_is_one_line_and_exit_1(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert "999" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_nothing_to_change_says_which_options(cli: Cli, store: Store) -> None:
    sid = _session(store)
    result = cli("sessions", "edit", str(sid))
    assert result.exit_code == 1 and "--enjoyment" in result.output


def test_pain_edit_redoes_the_advice_and_delete_with_yes(cli: Cli, store: Store) -> None:
    entry = log_pain(store, region="lower-back", intensity=3, user_id=LOCAL_USER_ID).entry
    assert f"{entry.id}" in cli("pain", "--history").output
    edited = cli("pain", "edit", str(entry.id), "--intensity", "6", "--flag", "saddle-numbness")
    assert edited.exit_code == 0, edited.output
    assert "EMERGENCY" in edited.output
    assert get_pain(store, entry.id, user_id=LOCAL_USER_ID).intensity == 6
    cleared = cli("pain", "edit", str(entry.id), "--no-flags", "--json")
    assert json.loads(cleared.output)["entry"]["red_flags"] == []
    bad = cli("pain", "edit", str(entry.id), "--intensity", "12")
    assert bad.exit_code == 1 and "intensity" in bad.output
    assert cli("pain", "delete", str(entry.id), "--yes").exit_code == 0
    with pytest.raises(NotFoundError):
        get_pain(store, entry.id, user_id=LOCAL_USER_ID)


def test_pain_without_a_subcommand_still_logs(cli: Cli) -> None:
    result = cli(
        "pain", "--region", "hips", "--intensity", "2", "--no-run", "--json", "--flags", "none"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["entry"]["region"] == "hips"


def test_breaks_list_edit_delete_and_the_summary_follows(
    cli: Cli, store: Store, clock: FakeClock
) -> None:
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    listed = cli("breaks", "list")
    assert listed.exit_code == 0 and str(break_id) in listed.output and "taken" in listed.output
    edited = cli("breaks", "edit", str(break_id), "--outcome", "skipped")
    assert edited.exit_code == 0, edited.output
    today = json.loads(cli("breaks", "--json").output)["today"]
    assert (today["taken"], today["skipped"]) == (0, 1)
    wrong = cli("breaks", "edit", str(break_id), "--outcome", "napped")
    assert wrong.exit_code == 1 and "outcome" in wrong.output
    assert cli("breaks", "delete", str(break_id), input="y\n").exit_code == 0
    assert json.loads(cli("breaks", "list", "--json").output) == []


def test_breaks_list_says_why_a_break_was_skipped_and_which_were_short(
    cli: Cli, store: Store, clock: FakeClock
) -> None:
    at = clock.now()
    breaks.log_break(store, at, "skipped", user_id=LOCAL_USER_ID, reason="[bold]in a meeting")
    breaks.log_break(store, at, "taken", user_id=LOCAL_USER_ID, short=True)
    listed = cli("breaks", "list")
    assert listed.exit_code == 0, listed.output
    assert "skipped — [bold]in a meeting" in listed.output  # as typed, not read as markup
    assert "taken — 1-minute break" in listed.output


def test_routine_delete_is_refused_while_a_slot_uses_it(cli: Cli, store: Store) -> None:
    create_routine(
        store, "Lunch stretch", [RoutineStep(exercise="roll-down")], user_id=LOCAL_USER_ID
    )
    change_slot(store, "desk-break", routine="lunch-stretch", user_id=LOCAL_USER_ID)
    result = cli("routine", "delete", "lunch-stretch", "--yes")
    assert result.exit_code == 1
    assert "Desk breaks slot uses 'Lunch stretch': pick another routine" in result.output
    assert get_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID).name == "Lunch stretch"
