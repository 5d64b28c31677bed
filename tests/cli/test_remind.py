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
    assert set(data) == {"today", "week"} and data["today"]["taken"] == 0
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
