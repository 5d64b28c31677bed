"""`runback checkin`: list what is asked, answer pre or after (a 0 counts), one-line errors."""

from __future__ import annotations

import json
from datetime import timedelta

from runback.core.clock import FakeClock
from runback.services.breaks import set_prefs
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from tests.conftest import Cli


def _run_monday(settings: Settings, clock: FakeClock) -> None:
    store = open_store(settings, clock)
    set_prefs(store, {"run_days": {"mon": "18:30"}}, merge=True, user_id=LOCAL_USER_ID)
    store.close()


def test_checkin_lists_the_pre_run_check_in_on_a_run_day(cli: Cli) -> None:
    assert "No check-in is asked for now." in cli("checkin").output
    _run_monday(cli.settings, cli.clock)
    r = cli("checkin")
    assert r.exit_code == 0, r.output
    assert "Before your run" in r.output and "runback checkin pre --pain N" in r.output
    assert "runback checkin pre --pain N" in cli("today").output


def test_a_zero_is_stored_as_a_pre_run_check_in(cli: Cli) -> None:
    _run_monday(cli.settings, cli.clock)
    r = cli("checkin", "pre", "--pain", "0", "--flags", "none", "--json")
    assert r.exit_code == 0, r.output
    entry = json.loads(r.output)["entry"]
    assert (entry["kind"], entry["intensity"], entry["region"]) == ("pre-run", 0, "lower-back")
    assert "No check-in is asked for now." in cli("checkin").output


def test_after_run_check_in_answers_and_prints_advice(cli: Cli) -> None:
    _run_monday(cli.settings, cli.clock)
    cli.clock.advance(timedelta(hours=10, minutes=45).total_seconds())  # 19:45 Berlin
    assert "After your run" in cli("checkin").output
    r = cli("checkin", "after", "--pain", "2", "--flags", "none")
    assert r.exit_code == 0, r.output
    assert "Checked in (after-run): lower-back 2/10" in r.output


def test_bad_answers_are_one_line_and_store_nothing(cli: Cli) -> None:
    for args, says in [
        (("checkin", "during", "--pain", "1", "--flags", "none"), "say pre"),
        (("checkin", "pre", "--flags", "none"), "--pain"),
        (("checkin", "pre", "--pain", "11", "--flags", "none"), "intensity"),
        (("checkin", "pre", "--pain", "1"), "safety questions were not answered"),
        (("checkin", "pre", "--pain", "1", "--flags", "nope"), "unknown question id"),
    ]:
        r = cli(*args)
        assert r.exit_code != 0, args
        assert says in r.output, (args, r.output)
        assert "Traceback" not in r.output
    r = cli("pain", "--history", "--json")
    assert json.loads(r.output)["entries"] == []
