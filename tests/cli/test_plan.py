"""`runback plan`, `runback programme` and `runback report` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import plan as plan_cli
from runback.cli import programme as programme_cli
from runback.cli import report as report_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.services.routines import get_routine
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"


@pytest.fixture
def app(cli_env: dict[str, str], settings: Settings, clock: FakeClock) -> typer.Typer:
    """Return an app holding only these commands (others may be mid-change)."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(settings, clock)

    for module in (plan_cli, programme_cli, report_cli):
        module.register(app)
    return app


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_plan_json_fits_exactly_and_is_repeatable(app: typer.Typer) -> None:
    args = ("plan", "--minutes", "8", "--areas", "lower-back,hips", "--where", "desk")
    code, out = run(app, *args, "--seed", "7", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["duration_s"] == data["budget_s"] == 480
    assert data["uncovered"] == []
    assert len(data["why"]) == len(data["routine"]["steps"])
    assert run(app, *args, "--seed", "7", "--json")[1] == out


def test_plan_table_and_save(app: typer.Typer, db_url: str) -> None:
    code, out = run(app, "plan", "-m", "5", "-a", "hips", "--where", "home", "--save", "my-hips")
    assert code == 0, out
    assert "Total: 5 min 00 s" in out
    assert "Saved as 'my-hips'" in out
    store = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    try:
        saved = get_routine(store, "my-hips", user_id=LOCAL_USER_ID)
    finally:
        store.close()
    assert saved.origin == "plan"
    # Saving the same slug again is refused, and says what to do.
    code, out = run(app, "plan", "-m", "5", "-a", "hips", "--save", "my-hips")
    assert code == 1
    assert "already have a routine 'my-hips'" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--areas", "elbows"), "unknown area(s) elbows"),
        (("--where", "beach"), "where"),
        (("--minutes", "0.2", "--areas", "hips"), "too short"),
    ],
)
def test_plan_bad_input_is_a_clear_error(
    app: typer.Typer, args: tuple[str, ...], words: str
) -> None:
    base = {"--minutes": "5"}
    argv = (
        ["plan", *args] if "--minutes" in args else ["plan", "--minutes", base["--minutes"], *args]
    )
    code, out = run(app, *argv)
    assert code == 1
    assert "error" in out and words in out
    assert "Traceback" not in out


def test_programme_import_show_export_adherence(app: typer.Typer, tmp_path: Path) -> None:
    code, out = run(app, "programme", "import", str(EXAMPLE))
    assert code == 0, out
    assert "Lower back, phase 1" in out
    code, out = run(app, "programme", "show")
    assert code == 0 and "side-lying-clam" in out
    target = tmp_path / "out.toml"
    assert run(app, "programme", "export", "--out", str(target))[0] == 0
    code, out = run(app, "programme", "import", str(target))
    assert code == 0, out
    code, out = run(app, "programme", "adherence", "--weeks", "2")
    assert code == 0 and "this week" in out and "week of" in out


def test_programme_import_bad_file(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nstart = 2026-01-05\n\n[[prescription]]\nexercise = "nope"\n')
    code, out = run(app, "programme", "import", str(bad))
    assert code == 1
    assert "bad.toml line 5:" in out and "'nope' is not in the catalog" in out


def test_report_writes_pdf(app: typer.Typer, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    code, out = run(app, "report", "--weeks", "2", "--out", str(target))
    assert code == 0, out
    assert target.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "report.pdf.part").exists()
