"""`runback remind ...`, `runback breaks` and `runback calendar export` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import breaks as breaks_cli
from runback.cli import calendar as calendar_cli
from runback.cli import remind as remind_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.settings import Settings


@pytest.fixture
def app(cli_env: dict[str, str], settings: Settings, clock: FakeClock) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Root."""
        ctx.obj = CliState(settings, clock)

    for module in (remind_cli, breaks_cli, calendar_cli):
        module.register(app)
    return app


runner = CliRunner()


def test_config_set_show_and_refuse(app: typer.Typer) -> None:
    done = runner.invoke(
        app, ["remind", "config", "--set", "interval_min=45", "--set", 'run_days={"tue":"18:30"}']
    )
    assert done.exit_code == 0, done.output
    shown = json.loads(runner.invoke(app, ["remind", "config", "--json"]).stdout)
    assert shown["interval_min"] == 45 and shown["run_days"] == {"tue": "18:30:00"}
    bad = runner.invoke(app, ["remind", "config", "--set", "interval_min=1"])
    assert bad.exit_code == 1
    assert "interval_min" in bad.output and "greater than or equal to 5" in bad.output
    assert (
        json.loads(runner.invoke(app, ["remind", "config", "--json"]).stdout)["interval_min"] == 45
    )


def test_status_pause_resume(app: typer.Typer) -> None:
    status = json.loads(runner.invoke(app, ["remind", "status", "--json"]).stdout)
    assert status["next_break"] and status["paused_until"] is None
    done = runner.invoke(app, ["remind", "pause", "tomorrow"])
    assert done.exit_code == 0 and "paused until" in done.output
    status = json.loads(runner.invoke(app, ["remind", "status", "--json"]).stdout)
    assert status["paused_until"] is not None
    assert status["next_break"] >= status["paused_until"]
    assert runner.invoke(app, ["remind", "pause", "45m"]).exit_code == 0
    assert runner.invoke(app, ["remind", "pause", "soon"]).exit_code != 0
    assert runner.invoke(app, ["remind", "resume"]).exit_code == 0
    status = json.loads(runner.invoke(app, ["remind", "status", "--json"]).stdout)
    assert status["paused_until"] is None
    text = runner.invoke(app, ["remind", "status"]).stdout
    assert "Next break:" in text


def test_install_writes_unit_without_enabling(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    done = runner.invoke(app, ["remind", "install", "--no-enable"])
    assert done.exit_code == 0, done.output
    unit = tmp_path / "systemd" / "user" / "runback-remind.service"
    text = unit.read_text()
    assert "-m runback remind" in text and "RUNBACK_DATABASE_URL=sqlite" in text
    assert "WantedBy=default.target" in text


def test_breaks_json_and_table(app: typer.Typer) -> None:
    done = runner.invoke(app, ["breaks", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert set(data) == {"today", "week", "moved"} and data["today"]["taken"] == 0
    assert data["today"]["away_from_keyboard"] == 0 and "natural" not in data["today"]
    # Monday 09:00 Berlin on the fake clock: nothing due yet, 16 planned.
    assert (data["today"]["due"], data["today"]["planned"]) == (0, 16)
    table = runner.invoke(app, ["breaks"]).stdout
    assert "longest sit" in table and "away" in table and "natural" not in table
    assert "planned" in table


def test_calendar_export(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "breaks.ics"
    done = runner.invoke(app, ["calendar", "export", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    missing = tmp_path / "no-such-dir" / "b.ics"
    bad = runner.invoke(app, ["calendar", "export", str(missing)])
    assert bad.exit_code == 1 and "no-such-dir" in bad.output
    assert not missing.parent.exists()


def test_bad_speed_and_start(app: typer.Typer) -> None:
    bad = runner.invoke(app, ["remind", "--speed", "0"])
    assert bad.exit_code == 1 and "--speed" in bad.output
    bad = runner.invoke(app, ["remind", "--start-at", "2026-01-05T09:00"])
    assert bad.exit_code == 1 and "offset" in bad.output


def _rows(db_url: str, table: str) -> int:
    import sqlite3

    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


DEMO = [
    "remind", "--speed", "600", "--start-at", "2026-01-05T09:25:00+01:00", "--run-for", "20m",
    "--notifier", "terminal",
]  # fmt: skip


@pytest.mark.realtime  # the daemon at 600x real speed: run alone
def test_demo_runs_on_a_throwaway_database(app: typer.Typer, db_url: str) -> None:
    # The user's own settings are copied into the demo: breaks every 20 minutes.
    assert runner.invoke(app, ["remind", "config", "--set", "interval_min=20"]).exit_code == 0
    done = runner.invoke(app, DEMO)
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[0] == (
        "Demo at 600× speed on a throw-away database: nothing is recorded. Add --record to keep it."
    )
    # Started at 09:25: the current break (09:20) and the next; nothing before.
    assert "break due 09:20: missed" in done.output and "break due 09:40" in done.output
    assert _rows(db_url, "breaks") == 0
    status = json.loads(runner.invoke(app, ["remind", "status", "--json"]).stdout)
    assert status["next_break"].startswith("2026-01-05T")  # not pushed to tomorrow


@pytest.mark.realtime  # the daemon at 600x real speed: run alone
def test_demo_with_record_keeps_its_breaks(app: typer.Typer, db_url: str) -> None:
    done = runner.invoke(app, [*DEMO, "--record"])
    assert done.exit_code == 0, done.output
    assert "throw-away" not in done.output
    assert _rows(db_url, "breaks") == 1  # 09:30, nobody answered
