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
    "runback.cli.sessions",
    "runback.cli.serve",
    "runback.cli.worker",
    "runback.cli.remind",
    "runback.cli.breaks",
    "runback.cli.calendar",
    "runback.cli.routine",
    "runback.cli.pain",
    "runback.cli.progress",
    "runback.cli.plan",
    "runback.cli.programme",
    "runback.cli.report",
    "runback.cli.slots",
    "runback.cli.backup",
    "runback.cli.setup",
    "runback.cli.doctor",
]


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Back-care companion for runners who sit all day."""
    from runback.cli.common import cli_state, handle_errors

    # Settings and the Clock go on the context once; tests invoke with obj=CliState(…, FakeClock).
    handle_errors(cli_state)(ctx)


_registered: list[bool] = []


def _register() -> None:
    if _registered:
        return
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(app)
    _registered.append(True)


def main() -> None:
    """Run the CLI; any error that escapes a command becomes one line, never a traceback."""
    import os

    from runback.cli.common import exit_for, is_exit

    # pydantic otherwise scans every installed package's entry points for plugins on the first
    # model (~20 ms of each command); runback uses none. An explicit setting is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        _register()
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        if is_exit(exc):
            raise
        exit_for(exc)
