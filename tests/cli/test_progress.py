"""`runback stats` prints streaks, weekly numbers, pain comparisons and a calendar heatmap."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import progress as stats_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.core.consistency import PainPoint, RunPoint, SessionPoint, heatmap
from runback.core.habit import score
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from runback.storage.models import PainEntryRow, RunRow, SessionRow


@pytest.fixture
def app(cli_env: dict[str, str], settings: Settings, clock: FakeClock) -> typer.Typer:
    """Return an app holding only this command (other commands may be mid-change)."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(settings, clock)

    stats_cli.register(app)
    return app


def seed(db_url: str, clock: FakeClock) -> None:
    """Store three days of work, a run after work yesterday, and pain after it."""
    s = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    # Anchor at noon Berlin time today so a run never falls on another day than its session.
    berlin = ZoneInfo("Europe/Berlin")
    now = clock.now().astimezone(berlin).replace(hour=12, minute=0, second=0, microsecond=0)
    try:
        with s.tx() as tx:
            for days_ago in (1, 2, 3):
                start = now - timedelta(days=days_ago, hours=2)
                tx.add(
                    SessionRow(
                        user_id=LOCAL_USER_ID,
                        routine_slug="r",
                        routine_name="R",
                        started_at=start,
                        ended_at=start + timedelta(minutes=12),
                        zone="Europe/Berlin",
                        steps_total=2,
                        steps_done=["a", "b"],
                        completed=True,
                        active_s=720.0,
                    )
                )
            run = RunRow(
                user_id=LOCAL_USER_ID,
                started_at=now - timedelta(days=1, hours=1),
                zone="Europe/Berlin",
                elapsed_s=1800.0,
                moving_s=None,
                distance_m=7500.0,
                ascent_m=None,
                sport="running",
                name=None,
                source_format="gpx",
                source_file="r.gpx",
                device=None,
                content_hash="h",
                imported_at=now,
            )
            tx.add(run)
            tx.flush()
            tx.add(
                PainEntryRow(
                    user_id=LOCAL_USER_ID,
                    at=now - timedelta(days=1),
                    zone="Europe/Berlin",
                    region="hips",
                    intensity=3,
                    run_id=run.id,
                    red_flags=[],
                    notes="",
                )
            )
    finally:
        s.close()


def test_stats_show_every_section(app: typer.Typer, db_url: str, clock: FakeClock) -> None:
    seed(db_url, clock)
    result = CliRunner().invoke(app, ["stats", "--weeks", "3"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Weekly target: 6 of 7 days" in out
    # Three days done, today not yet: 1 - m**3 of a daily habit.
    assert "Habit strength: routine 15%" in out and "breaks" not in out.split("Weekly")[0]
    assert "Last 3 weeks" in out
    assert "Before runs:" in out and "on 1 of 1 run days (100%)" in out
    # One run day with pain: too few to compare, so no pain numbers, only how many more.
    words = " ".join(out.split())
    assert "average" not in words and "Pain after runs" not in words
    assert (
        "Not enough days yet to compare pain after the run with and without back-up work "
        "before the run: log pain on 7 more with and 8 more without (at least 8 days in each "
        "group)."
    ) in words
    lines = out.splitlines()
    rows = [line for line in lines if line[:4] in {"Mon ", "Tue ", "Wed ", "Sun "}]
    assert len(rows) == 4
    assert "more back-up work" in out and "run day" in out and "pain 4+" in out


def test_stats_json_is_the_service_model(app: typer.Typer, db_url: str, clock: FakeClock) -> None:
    seed(db_url, clock)
    result = CliRunner().invoke(app, ["stats", "--json", "--weeks", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["adherence"]["weeks"]) == 2
    assert data["streaks"]["longest"] >= 3
    assert data["habit"]["routine"] == pytest.approx(score([1.0, 1.0, 1.0]))
    assert data["habit"]["routine_percent"] == 15 and data["habit"]["breaks"] is None
    assert data["before_run"]["share"] == 1.0
    assert "pain_after_runs" not in data  # the one pain-vs-habit comparison: "patterns"
    first = data["patterns"]["patterns"][0]
    assert first["key"] == "backup-before-run" and first["comparison"]["with_n"] == 1
    assert sum(d["minutes"] for d in data["heatmap"]["days"]) == pytest.approx(36)


def test_bad_weeks_give_a_clear_error(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["stats", "--weeks", "0"])
    assert result.exit_code == 1
    assert "weeks" in result.output and "must be 1 to 260" in result.output


def test_heatmap_text_lays_out_weeks_in_columns_with_month_labels() -> None:
    today = date(2026, 6, 10)  # a Wednesday
    at = datetime(2026, 6, 1, 8, tzinfo=UTC)
    hm = heatmap(
        [SessionPoint(at, at + timedelta(minutes=30), 30.0)],
        [RunPoint(1, at + timedelta(days=1), 5000.0)],
        [PainPoint(at + timedelta(days=2), "UTC", 7)],
        "UTC",
        today,
    )
    lines = stats_cli.heatmap_text(hm).plain.splitlines()
    assert len(lines) == 9  # months, Mon..Sun, legend
    columns = (len(hm.days) + 6) // 7
    assert len(lines[1]) == 4 + columns  # Monday row is full
    assert len(lines[7]) == 4 + columns - 1  # this week's Sunday has not come yet
    assert "Jun" in lines[0] and "Jul" in lines[0]
    june_col = lines[0].index("Jun") - 4
    assert lines[1][4 + june_col] == "█"  # 1 June 2026 is a Monday with 30 minutes
    assert lines[2][4 + june_col] == "·"  # the run day without work: shade 0


def test_progress_is_the_name_and_stats_a_hidden_alias(
    app: typer.Typer, db_url: str, clock: FakeClock
) -> None:
    seed(db_url, clock)
    new = CliRunner().invoke(app, ["progress", "--json", "--weeks", "2"])
    old = CliRunner().invoke(app, ["stats", "--json", "--weeks", "2"])
    assert new.exit_code == old.exit_code == 0, new.output
    assert new.output == old.output
    listed = CliRunner().invoke(app, ["--help"]).output
    assert "progress" in listed and "stats" not in listed


def test_stats_show_load_nudge_and_patterns_for_the_simulated_runner(
    app: typer.Typer, settings: Settings, clock: FakeClock
) -> None:
    from runback.core.load import NUDGE
    from runback.core.timezones import local_date
    from tests.simulated_runner import simulate_runner

    s = open_store(settings, clock)
    try:
        simulate_runner(s, local_date(clock.now(), "Europe/Berlin"), zone="Europe/Berlin")
    finally:
        s.close()
    result = CliRunner().invoke(app, ["stats"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Training load (last 12 weeks)" in out
    assert "ratio 1.60" in out and "24.0 → 48.0 km (last 7 days against the 7 before: +100%)" in out
    assert "█" in result.output.split("Training load", 1)[1]  # the weekly bars
    assert NUDGE in out
    assert (
        "Personal patterns" in out and "In your own log, next-day pain was 1.6 points lower" in out
    )
    data = json.loads(CliRunner().invoke(app, ["stats", "--json"]).output)
    assert data["load"]["ratio"] == 1.6 and data["load"]["nudge"] == NUDGE
    assert data["load"]["days"][-1]["acute"] == data["load"]["acute"]
    shown = [p for p in data["patterns"]["patterns"] if p["comparison"]["shown"]]
    assert any(p["clearly_lower"] and p["key"] == "routine:evening-unwind" for p in shown)
