"""`runback runs --sport`, `runs delete` (asks first) and `runs edit`, on a fake clock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runback.cli import runs as runs_cli
from runback.core.clock import FakeClock
from runback.settings import Settings

from ..conftest import SHARED_FIXTURES, Cli, app_with

COMPARE = SHARED_FIXTURES.parent / "tools" / "compare-imports.py"
FILES = ("fit/garmin-fenix-5-run.fit", "fit/sample-activity.fit", "fit/garmin-fenix-5-walk.fit")


@pytest.fixture
def run(settings: Settings, clock: FakeClock, cli: Cli, fixtures_dir: Path) -> Any:
    """Import a run, the 88 km ride and a walk; return a runner of the runs commands."""
    app = app_with(settings, clock, runs_cli)

    def invoke(*args: str, **kw: Any) -> Any:
        return cli.invoke(app, list(args), **kw)

    imported = invoke("import", *(str(fixtures_dir / f) for f in FILES), "--json")
    assert imported.exit_code == 0, imported.output
    return invoke


def _listed(run: Any, *args: str) -> list[dict[str, Any]]:
    result = run("runs", "--json", *args)
    assert result.exit_code == 0, result.output
    listed: list[dict[str, Any]] = json.loads(result.stdout)
    return listed


def test_runs_lists_everything_with_sport_pace_and_is_run(run: Any) -> None:
    listed = {r["sport"]: r for r in _listed(run)}
    assert set(listed) == {"running", "cycling", "walking"}
    assert listed["running"]["is_run"] and listed["running"]["pace_s_per_km"] > 0
    assert not listed["cycling"]["is_run"] and listed["cycling"]["pace_s_per_km"] is None
    table = run("runs")
    assert table.exit_code == 0
    assert "1 run · 2 other activities" in table.stdout
    assert "Europe/Berlin" in table.stdout and "/km" in table.stdout


@pytest.mark.parametrize(
    ("wanted", "sports"),
    [
        ("runs", ["running"]),
        ("run", ["running"]),
        ("other", ["cycling", "walking"]),
        ("cycling", ["cycling"]),
        ("all", ["running", "cycling", "walking"]),
    ],
)
def test_runs_sport_filter(run: Any, wanted: str, sports: list[str]) -> None:
    assert sorted(r["sport"] for r in _listed(run, "--sport", wanted)) == sorted(sports)


def test_unknown_sport_filter_is_one_clear_line(run: Any) -> None:
    result = run("runs", "--sport", "bike")
    assert result.exit_code == 1
    assert "--sport: must be one of all, runs, other" in result.output
    assert "Traceback" not in result.output


def test_delete_asks_first_and_keeps_the_run_on_no(run: Any) -> None:
    ride = next(r for r in _listed(run) if r["sport"] == "cycling")
    kept = run("runs", "delete", str(ride["id"]), input="n\n")
    assert kept.exit_code == 1 and "Delete activity" in kept.output and "88.80 km" in kept.output
    assert len(_listed(run)) == 3
    gone = run("runs", "delete", str(ride["id"]), input="y\n")
    assert gone.exit_code == 0 and "Deleted activity" in gone.output
    assert [r["sport"] for r in _listed(run)] == ["walking", "running"]


def test_delete_yes_skips_the_question_and_unknown_id_is_one_line(run: Any) -> None:
    walk = next(r for r in _listed(run) if r["sport"] == "walking")
    done = run("runs", "delete", str(walk["id"]), "--yes")
    assert done.exit_code == 0 and "?" not in done.output
    again = run("runs", "delete", str(walk["id"]), "--yes")
    assert again.exit_code == 1
    assert f"no run or activity with id {walk['id']}" in again.output
    assert len(again.output.strip().splitlines()) == 1 and "Traceback" not in again.output


def test_edit_fixes_the_sport_and_the_name(run: Any) -> None:
    walk = next(r for r in _listed(run) if r["sport"] == "walking")
    result = run("runs", "edit", str(walk["id"]), "--sport", "running", "--name", "Warm-up")
    assert result.exit_code == 0, result.output
    assert "Warm-up" in result.output and "running" in result.output
    assert sorted(r["name"] or "" for r in _listed(run, "--sport", "runs")) == ["", "Warm-up"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sport", "bike"], "--sport: must be one of running, trail-running"),
        ([], "give --sport or --name"),
    ],
)
def test_edit_refuses_bad_input_in_one_line(run: Any, args: list[str], message: str) -> None:
    first = _listed(run)[0]
    result = run("runs", "edit", str(first["id"]), *args)
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output
    assert _listed(run)[0] == first


def test_edit_unknown_id(run: Any) -> None:
    result = run("runs", "edit", "999", "--sport", "cycling")
    assert result.exit_code == 1 and "no run or activity with id 999" in result.output


def test_every_shared_fixture_still_matches_the_reference(run: Any, fixtures_dir: Path) -> None:
    assert run("import", str(fixtures_dir), "--json").exit_code == 0
    listed = run("runs", "--json")
    compared = subprocess.run(
        [sys.executable, str(COMPARE)], input=listed.stdout, capture_output=True, text=True
    )
    assert compared.returncode == 0, compared.stdout
    assert "MISSING" not in compared.stdout and "WRONG" not in compared.stdout
