"""`runback import` and `runback runs`, checked against the shared compare-imports.py tool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import runs as runs_cli

from ..conftest import SHARED_FIXTURES

COMPARE = SHARED_FIXTURES.parent / "tools" / "compare-imports.py"


@pytest.fixture
def app(cli_env: dict[str, str]) -> typer.Typer:
    """Return an app with only the runs commands (other command modules may be mid-change)."""
    application = typer.Typer()
    runs_cli.register(application)
    return application


def test_import_all_fixtures_then_compare_with_reference(
    app: typer.Typer, fixtures_dir: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(fixtures_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["imported"], report["duplicates"]) == (15, 2)
    by_file = {Path(f["file"]).name: f for f in report["files"]}
    assert by_file["route.gpx"]["status"] == "skipped"
    assert "planned route" in by_file["route.gpx"]["reason"]
    assert by_file["2022-05-29-15-53-35_Laufen_Landal_Park.fit"]["status"] == "duplicate"

    listed = runner.invoke(app, ["runs", "--json"])
    assert listed.exit_code == 0
    runs = json.loads(listed.stdout)
    assert {
        "start",
        "elapsed_s",
        "moving_s",
        "distance_m",
        "ascent_m",
        "sport",
        "source_file",
    } <= set(runs[0])
    assert all(r["start"].endswith("+00:00") for r in runs)
    # Heart rate where the file recorded it (tests/importers/test_heart_rate.py has them all).
    hr = {Path(r["source_file"]).name: (r["avg_hr"], r["max_hr"]) for r in runs}
    assert hr["test.tcx"] == (160, 189) and hr["garmin-fenix-5-run.fit"] == (90, 112)
    assert hr["cerknicko-jezero.gpx"] == (None, None)
    compared = subprocess.run(
        [sys.executable, str(COMPARE)], input=listed.stdout, capture_output=True, text=True
    )
    assert compared.returncode == 0, compared.stdout
    assert "MISSING" not in compared.stdout and "WRONG" not in compared.stdout


def test_import_prints_a_summary_table_and_says_what_was_skipped(
    app: typer.Typer, fixtures_dir: Path
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(fixtures_dir / "fit/garmin-fenix-5-run.fit"),
            str(fixtures_dir / "gpx/route.gpx"),
        ],
    )
    assert result.exit_code == 0
    assert "1 imported, 0 duplicates, 1 skipped" in result.stdout
    assert "planned route" in result.stdout
    table = CliRunner().invoke(app, ["runs"])
    assert "running" in table.stdout and "1 run" in table.stdout


def test_nothing_readable_exits_nonzero(app: typer.Typer, fixtures_dir: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(fixtures_dir / "fit/invalid"), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["skipped"] == 4
    assert all("damaged FIT file" in f["reason"] for f in report["files"])


def test_runs_commands_have_help(app: typer.Typer) -> None:
    for command in ("import", "runs"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "--json" in result.stdout
