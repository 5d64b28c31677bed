"""`runback today`: table and JSON output from the real database."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import today as today_cli
from runback.services.catalog import load_builtin
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    today_cli.register(app)
    return app


def _session(db_url: str, *, completed: bool, enjoyment: int | None = None) -> None:
    # The command reads the real clock, so the session is stored "now" too.
    store = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    try:
        routine = load_builtin().routines["back-up-basics"]
        sid = start_session(store, LOCAL_USER_ID, routine, "after-run")
        finish_session(
            store,
            LOCAL_USER_ID,
            sid,
            completed=completed,
            enjoyment=enjoyment,
            steps_done=["hip-table-stretch"] if completed else [],
        )
    finally:
        store.close()


def test_today_empty_suggests_a_session(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(_app(), ["today"])
    assert result.exit_code == 0, result.output
    assert "No sessions yet today." in result.output
    assert "Streak: 0 days (longest 0 days)" in result.output
    assert "runback session" in result.output


def test_today_table_and_json(cli_env: dict[str, str], db_url: str) -> None:
    _session(db_url, completed=True, enjoyment=5)
    _session(db_url, completed=False)
    result = CliRunner().invoke(_app(), ["today"])
    assert result.exit_code == 0, result.output
    assert "Back-up basics" in result.output and "completed" in result.output
    assert "enjoyed 5/5" in result.output and "partial" in result.output
    assert "Streak: 1 day" in result.output and "Done for today" in result.output

    result = CliRunner().invoke(_app(), ["today", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["current_streak"] == 1 and data["practiced_today"] is True
    assert [s["completed"] for s in data["sessions"]] == [True, False]
    assert data["suggestion"]["command"] is None
    assert data["zone"] == "Europe/Berlin"


def test_today_bad_zone_is_a_clean_error(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBACK_ZONE", "Mars/Olympus")
    result = CliRunner().invoke(_app(), ["today"])
    assert result.exit_code == 1
    assert "unknown time zone 'Mars/Olympus'" in result.output
