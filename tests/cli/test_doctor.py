"""`runback doctor` checks the daily totals and `--rebuild` rebuilds them; one line each."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from runback.services.catalog import load_builtin
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, open_store
from tests.conftest import Cli


def _practice(cli: Cli) -> None:
    store = open_store(cli.settings, cli.clock)
    now = cli.clock.now()
    routine = load_builtin().routines["back-up-basics"]
    sid = start_session(
        store, routine, user_id=LOCAL_USER_ID, planned_s=60.0, started_at=now - timedelta(hours=1)
    )
    finish_session(store, sid, user_id=LOCAL_USER_ID, completed=True, done_s=60.0)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE day_rollups SET practice = 0, streak = 0"))
    store.close()


def test_doctor_says_ok_on_a_fresh_database(cli: Cli) -> None:
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Daily totals OK: 0 days for 1 user(s)."


def test_doctor_reports_wrong_days_and_rebuild_fixes_them(cli: Cli) -> None:
    _practice(cli)
    result = cli("doctor")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Daily totals out of date on 1 of 1 days: run `runback doctor --rebuild`."
    )
    assert "Traceback" not in result.output
    result = cli("doctor", "--rebuild")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Rebuilt the daily totals: 1 days for 1 user(s) (1 were out of date)."
    )
    result = cli("doctor", "--json")
    assert json.loads(result.output) == {
        "users": 1,
        "days": 1,
        "wrong_days": 0,
        "rebuilt": False,
        "ok": True,
    }
