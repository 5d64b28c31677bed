"""`runback pain` from flags (for scripts) and interactively, with the advice printed clearly."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import pain as pain_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from runback.storage.models import PainEntryRow, RunRow


@pytest.fixture
def app(cli_env: dict[str, str], settings: Settings, clock: FakeClock) -> typer.Typer:
    """Return an app holding only this command (other commands may be mid-change)."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(settings, clock)

    pain_cli.register(app)
    return app


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `runback pain` see a terminal, so it asks the questions (fed by CliRunner input)."""
    monkeypatch.setattr(pain_cli, "stdin_is_terminal", lambda: True)


def run_cli(app: typer.Typer, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["pain", *args], input=input)
    return result.exit_code, result.output


def add_run(db_url: str, start: datetime) -> int:
    s = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    try:
        with s.tx() as tx:
            row = RunRow(
                user_id=LOCAL_USER_ID,
                started_at=start,
                zone="Europe/Berlin",
                elapsed_s=1800.0,
                moving_s=None,
                distance_m=5000.0,
                ascent_m=None,
                sport="running",
                name=None,
                source_format="fit",
                source_file="a.fit",
                device=None,
                content_hash=start.isoformat(),
                imported_at=start,
            )
            tx.add(row)
            tx.flush()
            return row.id
    finally:
        s.close()


def entries(db_url: str) -> list[PainEntryRow]:
    s = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    try:
        with s.factory() as tx:
            return list(tx.query(PainEntryRow).order_by(PainEntryRow.id))
    finally:
        s.close()


def test_flags_log_an_entry_linked_to_the_latest_run(
    app: typer.Typer, db_url: str, clock: FakeClock
) -> None:
    run_id = add_run(db_url, clock.now() - timedelta(hours=3))
    code, out = run_cli(
        app, "--region", "lower-back", "--intensity", "3", "--notes", "tight", "--flags", "none"
    )
    assert code == 0, out
    assert f"Logged lower-back pain 3/10, linked to run {run_id}" in out
    assert "runback cannot diagnose" in out
    [row] = entries(db_url)
    assert (row.region, row.intensity, row.run_id, row.notes) == ("lower-back", 3, run_id, "tight")


def test_no_run_and_json_output_for_scripts(
    app: typer.Typer, db_url: str, clock: FakeClock
) -> None:
    add_run(db_url, clock.now() - timedelta(hours=1))
    code, out = run_cli(
        app, "--region", "hips", "--intensity", "2", "--no-run", "--flag", "night-pain", "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["entry"]["run_id"] is None
    assert data["entry"]["red_flags"] == ["night-pain"]
    assert data["advice"]["level"] == "urgent"


def test_an_emergency_flag_is_printed_first_in_red_bold(app: typer.Typer) -> None:
    code, out = run_cli(app, "--region", "lower-back", "--intensity", "6", "--flag", "both-legs")
    assert code == 0, out
    assert out.splitlines()[0].startswith("Get emergency care now")
    assert "call your local emergency number" in out.splitlines()[0]


def test_the_emergency_headline_uses_red_bold() -> None:
    from rich.console import Console

    from runback.core.triage import assess

    console = Console(record=True, force_terminal=True, width=100)
    pain_cli.print_advice(console, assess(["chest-pain"], [], date(2026, 1, 5), "UTC"))
    assert "\x1b[1;31mGet emergency care now" in console.export_text(styles=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "knee", "--intensity", "3", "--flags", "none"], "region: 'knee' is not"),
        (["--region", "hips", "--intensity", "12", "--flags", "none"], "intensity: must be a"),
        (["--region", "hips", "--intensity", "2", "--flag", "dizzy"], "unknown question id"),
        (["--region", "hips", "--intensity", "2", "--run", "99", "--flags", "none"], "no run 99"),
        (["--region", "hips", "--intensity", "2", "--run", "1", "--no-run"], "not both"),
        (["--intensity", "2", "--json", "--flags", "none"], "--json needs --region, --intensity"),
    ],
)
def test_bad_flags_give_a_clear_error_and_store_nothing(
    app: typer.Typer, db_url: str, args: list[str], message: str
) -> None:
    code, out = run_cli(app, *args)
    assert code == 1
    assert message in " ".join(out.split())
    assert entries(db_url) == []


@pytest.mark.usefixtures("terminal")
def test_interactive_asks_region_intensity_flags_and_notes(app: typer.Typer, db_url: str) -> None:
    answers = ["knee", "3", "11", "4", *["n"] * 19, "n", "after the long run"]
    code, out = run_cli(app, input="\n".join(answers) + "\n")
    assert code == 0, out
    assert "Please answer 1-5" in out and "Please give a whole number from 0 to 10" in out
    assert "Is there pain between your shoulder blades that is new, or different" in out
    assert "Does the pain stop your day-to-day activities?" in out
    [row] = entries(db_url)
    assert (row.region, row.intensity, row.red_flags, row.notes) == (
        "upper-back",
        4,
        [],
        "after the long run",
    )
    assert "No warning signs" in out


@pytest.mark.usefixtures("terminal")
def test_interactive_stops_at_an_emergency_yes(app: typer.Typer, db_url: str) -> None:
    code, out = run_cli(app, "--region", "hips", input="7\nn\nn\ny\n")
    assert code == 0, out
    assert "Do both of your legs" not in out  # no more questions after the emergency answer
    assert "Get emergency care now" in out
    [row] = entries(db_url)
    assert row.red_flags == ["bladder-bowel"]


@pytest.mark.usefixtures("terminal")
def test_interactive_yes_to_an_urgent_question(app: typer.Typer, db_url: str) -> None:
    answers = ["lower-back", "5", *["n"] * 10, "y", *["n"] * 8, "n", ""]
    code, out = run_cli(app, input="\n".join(answers) + "\n")
    assert code == 0, out
    assert "See a doctor today or tomorrow" in out
    assert entries(db_url)[0].red_flags == ["fever-unwell"]


def test_history_and_questions(app: typer.Typer) -> None:
    code, out = run_cli(app, "--history")
    assert code == 0 and "No pain logged" in out
    run_cli(
        app, "--region", "mid-back", "--intensity", "2", "--notes", "[bold]x", "--flags", "none"
    )
    code, out = run_cli(app, "--history")
    assert code == 0 and "mid-back" in out and "2/10" in out and "[bold]x" in out
    code, out = run_cli(app, "--history", "--json")
    assert json.loads(out)["entries"][0]["region"] == "mid-back"
    code, out = run_cli(app, "--questions", "--json")
    assert [q["id"] for q in json.loads(out)][:2] == ["saddle-numbness", "wiping-numbness"]
    code, out = run_cli(app, "--questions")
    assert "fall-accident" in out


def test_non_interactive_pain_without_answers_is_refused(app: typer.Typer, db_url: str) -> None:
    result = CliRunner().invoke(app, ["pain", "--region", "hips", "--intensity", "5"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert "the safety questions were not answered: add --flags none" in line
    assert "--same-as-last" in line and "Traceback" not in result.output
    assert entries(db_url) == []


def test_flags_none_a_list_and_same_as_last_with_its_date(
    app: typer.Typer, db_url: str, clock: FakeClock
) -> None:
    code, out = run_cli(app, "--region", "hips", "--intensity", "5", "--same-as-last")
    assert code == 2 and "no earlier answers" in out
    code, out = run_cli(
        app, "--region", "hips", "--intensity", "5", "--flags", "night-pain,cough-sneeze"
    )
    assert code == 0 and "See a doctor today or tomorrow" in out
    clock.advance(3 * 86400)
    code, out = run_cli(app, "--region", "hips", "--intensity", "4", "--same-as-last")
    assert code == 0, out
    assert "Same as your answers of Mon 05 Jan 09:00: cough-sneeze, night-pain" in out
    assert [e.red_flags for e in entries(db_url)][-1] == ["cough-sneeze", "night-pain"]
    code, out = run_cli(app, "--region", "hips", "--intensity", "4", "--flags", "none,x")
    assert code == 2 and "give none, or the ids" in out


def test_checked_closes_the_concern(app: typer.Typer, clock: FakeClock) -> None:
    code, out = run_cli(app, "checked")
    assert code == 1 and "no open concern" in out
    run_cli(app, "--region", "hips", "--intensity", "5", "--flags", "wiping-numbness")
    clock.advance(14 * 86400)
    code, out = run_cli(app, "--history")
    assert "Open warning sign since" in out and "Emergency number: 112" in out
    code, out = run_cli(app, "checked", "--on", "someday")
    assert code == 2 and "YYYY-MM-DD" in out
    code, out = run_cli(app, "checked", "--on", (clock.now().date()).isoformat())
    assert code == 0 and "no longer show" in " ".join(out.split()), out
    code, out = run_cli(app, "--history")
    assert "Open warning sign" not in out


def test_emergency_number_setting(app: typer.Typer) -> None:
    assert "Emergency number: 112" in run_cli(app, "emergency-number")[1]
    assert "Emergency number: 000" in run_cli(app, "emergency-number", "000")[1]
    code, out = run_cli(app, "emergency-number", "9-1-1")
    assert code == 1 and "2 to 6 digits" in out
    assert "Emergency number: 112" in run_cli(app, "emergency-number", "--reset")[1]
