"""Every command has help text and is listed in the README."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from runback.cli import app as app_module

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> dict[str, object]:
    app = typer.Typer()
    for name in app_module._COMMAND_MODULES:
        __import__(name, fromlist=["register"]).register(app)

    @app.callback()
    def _root() -> None:
        """Root."""

    group = get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) >= 15
    missing_help = [n for n, c in commands.items() if not (c.help or "").strip()]  # type: ignore[attr-defined]
    assert missing_help == []
    missing_docs = [n for n in commands if f"runback {n}" not in readme and f"|{n}" not in readme]
    assert missing_docs == []


def test_every_subcommand_has_help() -> None:
    for name, cmd in _commands().items():
        for sub_name, sub in getattr(cmd, "commands", {}).items():
            assert (sub.help or "").strip(), f"runback {name} {sub_name} has no help text"
