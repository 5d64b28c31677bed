"""`runback routine ...` through typer's CliRunner against the per-test database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from runback.cli import routine as routine_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.settings import Settings

Invoke = Callable[..., Result]

GOOD = """\
slug = "lunch"
name = "Lunch stretch"

[[steps]]
exercise = "seated-twist"

[[steps]]
exercise = "neck-side-stretch"
hold_s = 20
"""


@pytest.fixture
def run(cli_env: dict[str, str], settings: Settings, clock: FakeClock) -> Invoke:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(settings, clock)

    routine_cli.register(app)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, ["routine", *args], input=input, env=cli_env)

    return invoke


def _flat(text: str) -> str:
    """Undo rich's line wrapping so messages can be matched whole."""
    return " ".join(text.split())


def test_list_and_json(run: Invoke) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "back-up-basics" in result.output and "4 min 45 s" in result.output
    data = json.loads(run("list", "--json").stdout)
    assert {d["slug"] for d in data} >= {"back-up-basics", "desk-break"}
    exercises = json.loads(run("list", "--exercises", "--json").stdout)
    assert len(exercises) >= 21
    assert "hip-table-stretch" in run("list", "--exercises").output


def test_show_routine_exercise_and_unknown(run: Invoke) -> None:
    result = run("show", "back-up-basics")
    assert result.exit_code == 0
    assert "Total: 4 min 45 s" in result.output
    data = json.loads(run("show", "desk-break", "--json").stdout)
    assert data["duration_s"] == 310 and len(data["steps"]) == 3  # a 4-minute walk
    assert "Fold from the hips" not in run("show", "cat-cow").output
    assert "On hands and knees" in _flat(run("show", "cat-cow").output)
    seed = "Source: recommended by a physio, from a runner's blog"
    assert seed in _flat(result.output)
    strength = _flat(run("show", "back-strength").output)
    assert "Bird-dog" in strength and "Source: runback" in strength
    assert "(steps" not in strength  # one source: no step numbers
    clamshell = _flat(run("show", "clamshell").output)
    assert "caution: Skip it in the first weeks after a hip replacement" in clamshell
    assert "source: runback" in clamshell
    bad = run("show", "desk-brake")
    assert bad.exit_code == 1
    assert "did you mean 'desk-break'?" in _flat(bad.stderr)


def test_import_export_round_trip(run: Invoke, tmp_path: Path) -> None:
    src = tmp_path / "lunch.toml"
    src.write_text(GOOD, encoding="utf-8")
    result = run("import", str(src))
    assert result.exit_code == 0, result.output
    assert "Created 'lunch' (Lunch stretch): 2 step(s)" in _flat(result.output)
    again = run("import", str(src))
    assert again.exit_code == 1
    assert "--replace" in _flat(again.stderr)
    out = tmp_path / "out.toml"
    assert run("export", "lunch", "--out", str(out)).exit_code == 0
    assert run("export", "lunch").stdout == out.read_text(encoding="utf-8")
    replaced = run("import", str(out), "--replace")
    assert replaced.exit_code == 0 and "Replaced 'lunch'" in replaced.output


def test_bad_import_names_file_and_line_and_stores_nothing(run: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('"seated-twist"', '"seated-twists"'), encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "bad.toml line 5: steps[0].exercise 'seated-twists' is not in the catalog; "
        "did you mean 'seated-twist'?" in _flat(result.stderr)
    )
    slugs = {d["slug"] for d in json.loads(run("list", "--json").stdout)}
    assert "lunch" not in slugs


def test_new_with_flags_and_bad_step(run: Invoke) -> None:
    result = run("new", "--name", "Desk reset", "--step", "seated-twist:25", "--step", "chin-tuck")
    assert result.exit_code == 0, result.output
    assert "Created 'desk-reset' with 2 step(s)" in _flat(result.output)
    shown = json.loads(run("show", "desk-reset", "--json").stdout)
    assert shown["steps"][0] == {
        "exercise": "seated-twist",
        "hold_s": 25,
        "reps": None,
        "sides": None,
        "rest_s": 0,
        "note": "",
    }
    bad = run("new", "--name", "Oops", "--step", "seated-twist:abc")
    assert bad.exit_code == 1 and "whole seconds" in _flat(bad.stderr)
    bad = run("new", "--name", "Oops", "--step", "chin-tuk:3")
    assert bad.exit_code == 1
    flat = _flat(bad.stderr)
    assert "steps[0].exercise 'chin-tuk' is not in the catalog; did you mean 'chin-tuck'?" in flat
    assert "steps[0].hold_s is 3" in flat


def test_new_interactive(run: Invoke) -> None:
    answers = "Evening desk\n\ncat-cows\nseated-twist\n40\nchin-tuck\n\n\n"
    result = run("new", input=answers)
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert "A routine needs at least one step." in out
    assert "No exercise 'cat-cows'. Did you mean: cat-cow" in out
    assert "Created 'evening-desk' with 2 step(s)" in out
    shown = json.loads(run("show", "evening-desk", "--json").stdout)
    assert [s["hold_s"] for s in shown["steps"]] == [40, None]


def test_delete(run: Invoke, tmp_path: Path) -> None:
    src = tmp_path / "lunch.toml"
    src.write_text(GOOD, encoding="utf-8")
    run("import", str(src))
    assert run("delete", "desk-break", "--yes").exit_code == 1
    assert run("delete", "lunch", input="n\n").exit_code == 1  # aborted
    assert run("show", "lunch").exit_code == 0
    assert run("delete", "lunch", "--yes").exit_code == 0
    assert run("show", "lunch").exit_code == 1


def test_show_names_each_source_with_its_steps(run: Invoke) -> None:
    made = run("new", "--name", "Mixed", "--step", "cat-cow", "--step", "roll-down")
    assert made.exit_code == 0, made.output
    out = _flat(run("show", "mixed").output)
    assert "Source (step 1): runback" in out
    assert "Source (step 2): recommended by a physio, from a runner's blog" in out


@pytest.mark.parametrize("control", ["\x7f", "\x01", "\x1b", "\x1f", "\t"])
def test_new_export_import_round_trip_with_control_characters(
    run: Invoke, tmp_path: Path, control: str
) -> None:
    name = f"Mine{control}"
    assert run("new", "--name", name, "--step", "chin-tuck").exit_code == 0
    slug = json.loads(run("list", "--json").stdout)
    mine = next(d for d in slug if d["name"] == name)
    out = tmp_path / "mine.toml"
    assert run("export", mine["slug"], "--out", str(out)).exit_code == 0
    again = run("import", str(out), "--replace")
    assert again.exit_code == 0, again.output
    assert json.loads(run("show", mine["slug"], "--json").stdout)["name"] == name


def test_error_echoes_brackets_as_typed(run: Invoke) -> None:
    bad = run("new", "--name", "Oops", "--step", "[bold]cat-cow:1x")
    assert bad.exit_code == 1
    assert "[bold]cat-cow" in _flat(bad.stderr)
