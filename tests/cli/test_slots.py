"""`runback slots`: show, set a routine or a plan, turn off and on; bad input stores nothing."""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import slots as slots_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.services.slots import get_slots
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings


@pytest.fixture
def app(cli_env: dict[str, str], settings: Settings, clock: FakeClock) -> typer.Typer:
    """Return an app holding only this command group (others may be mid-change)."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(settings, clock)

    slots_cli.register(app)
    return app


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, re.sub(r"\s+", " ", result.output)


def stored(app: typer.Typer) -> list[dict[str, object]]:
    code, out = run(app, "slots", "--json")
    assert code == 0, out
    slots: list[dict[str, object]] = json.loads(out)["slots"]
    return slots


def test_show_lists_every_slot_with_what_is_due(app: typer.Typer) -> None:
    code, out = run(app, "slots")
    assert code == 0, out
    for name in ("morning", "desk-break", "before-run", "after-run"):
        assert name in out
    assert "back-up-basics, once, 06:00–11:00" in out
    assert "desk-break, 3×, 09:00–17:30 on weekdays" in out
    assert "plan 8 min (home): lower-back, mid-back, upper-back, hamstrings, glutes" in out
    data = json.loads(CliRunner().invoke(app, ["slots", "--json"]).output)
    # The CLI runs on the real clock: whatever the hour, every enabled slot has a state.
    states = {"due", "done", "upcoming", "missed", "not-today"}
    assert {d["slot"] for d in data["due"]} >= {"morning", "before-run", "after-run"}
    assert all(d["status"] in states and d["reason"] for d in data["due"])
    assert [s["name"] for s in data["slots"]] == [
        "morning",
        "desk-break",
        "before-run",
        "after-run",
    ]


def test_set_a_routine_then_a_plan_then_toggle(app: typer.Typer, db_url: str) -> None:
    code, out = run(app, "slots", "set", "after-run", "--routine", "desk-break")
    assert code == 0, out
    assert "after-run: desk-break, once, after your run" in out
    code, out = run(
        app, "slots", "set", "morning", "-m", "6", "-a", "hips,glutes", "-w", "home", "--times", "2"
    )
    assert code == 0, out
    assert "morning: plan 6 min (home): hips, glutes, 2×, 06:00–11:00" in out
    code, out = run(app, "slots", "set", "desk-break", "--start", "10:00", "--end", "16:30")
    assert code == 0 and "10:00–16:30 on weekdays" in out
    code, out = run(app, "slots", "set", "desk-break", "--every-day")
    assert code == 0 and "on weekdays" not in out
    assert run(app, "slots", "disable", "before-run") == (0, "before-run is off ")
    assert "off" in run(app, "slots")[1]
    slots = {s["name"]: s for s in stored(app)}
    assert slots["before-run"]["enabled"] is False
    assert slots["morning"]["routine"] is None
    assert slots["morning"]["plan"] == {
        "minutes": 6.0,
        "areas": ["hips", "glutes"],
        "where": "home",
    }
    assert run(app, "slots", "enable", "before-run")[0] == 0
    # The same user prefs the web app reads.
    store = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    try:
        by_name = {s.name: s for s in get_slots(store, user_id=LOCAL_USER_ID)}
    finally:
        store.close()
    assert by_name["before-run"].enabled and by_name["after-run"].routine == "desk-break"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("set", "desk-brake", "--times", "2"), "no slot 'desk-brake'; did you mean 'desk-break'?"),
        (("set", "morning", "-r", "back-up-basic"), "did you mean 'back-up-basics'?"),
        (("set", "morning", "-r", "desk-break", "-m", "5"), "not both"),
        (("set", "morning", "--areas", "hips"), "add --plan-minutes N"),
        (("set", "morning", "-m", "5", "-a", "elbows"), "unknown area(s) elbows"),
        (("set", "morning", "-m", "5", "-w", "beach"), "slots.morning.plan.where"),
        (("set", "after-run", "-m", "0.2", "-a", "hips"), "too short"),
        (("set", "morning", "--start", "12:00", "--end", "08:00"), "is not before end"),
        (("set", "morning", "--start", "25:00"), "slots.morning.start"),
        (("set", "before-run", "--start", "06:00", "--end", "07:00"), "takes no start or end"),
        (("set", "desk-break", "--times", "99"), "slots.desk-break.times"),
        (("disable", "lunch"), "no slot 'lunch'"),
    ],
)
def test_bad_input_is_a_clear_error_and_stores_nothing(
    app: typer.Typer, args: tuple[str, ...], words: str
) -> None:
    before = stored(app)
    code, out = run(app, "slots", *args)
    assert code == 1, out
    assert "error" in out and words in out
    assert "Traceback" not in out
    assert stored(app) == before


def test_every_command_has_help(app: typer.Typer) -> None:
    for args in (["slots", "--help"], ["slots", "set", "--help"], ["slots", "disable", "--help"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output
