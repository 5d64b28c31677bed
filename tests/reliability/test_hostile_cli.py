"""Hostile typed input to the CLI: digits int() refuses ("¹" passes isdigit()) get an answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer
from typer.testing import CliRunner

from runback.cli import pain as pain_cli
from runback.cli import routine as routine_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.settings import Settings

ODD_NUMBERS = ["¹", "²", "①", "٣", "9" * 5000, "+2", "-1"]


def _app(register: Callable[[typer.Typer], None]) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(Settings(), FakeClock())

    register(app)
    return app


@pytest.mark.parametrize("answer", ODD_NUMBERS)
def test_pain_region_menu_asks_again(
    cli_env: dict[str, str], answer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pain_cli, "stdin_is_terminal", lambda: True)  # asks, fed by input
    app = _app(pain_cli.register)
    answers = [answer, "1", "3", *["n"] * 20, ""]
    result = CliRunner().invoke(app, ["pain"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Please answer 1-5 or one of the names above." in result.output
    assert "Logged lower-back pain 3/10" in " ".join(result.output.split())


@pytest.mark.parametrize("hold", ODD_NUMBERS)
def test_routine_step_hold_must_be_whole_seconds(cli_env: dict[str, str], hold: str) -> None:
    app = _app(routine_cli.register)
    result = CliRunner().invoke(
        app, ["routine", "new", "--name", "Odd", "--step", f"cat-cow:{hold}"]
    )
    assert result.exit_code == 1, result.output
    assert "the hold must be whole seconds, e.g. cat-cow:30" in " ".join(result.stderr.split())
