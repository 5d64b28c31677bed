"""The `runback` command: sub-commands live in their own modules and import heavy code lazily."""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="runback",
    help="Back-care companion for runners who sit all day: stretch, move, run, feel better.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes register(app). Keep module-level imports in them light (typer only):
# `runback --help` must start fast.
_COMMAND_MODULES = [
    "runback.cli.today",
    "runback.cli.runs",
    "runback.cli.session",
    "runback.cli.serve",
    "runback.cli.remind",
    "runback.cli.breaks",
    "runback.cli.calendar",
    "runback.cli.routine",
    "runback.cli.pain",
    "runback.cli.stats",
    "runback.cli.plan",
    "runback.cli.programme",
    "runback.cli.report",
    "runback.cli.slots",
    "runback.cli.backup",
]


@app.callback()
def _root() -> None:
    """Back-care companion for runners who sit all day."""


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(app)


def main() -> None:
    """Run the CLI."""
    _register()
    app()
