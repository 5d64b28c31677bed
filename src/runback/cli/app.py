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
# `runback --help` must start fast. The command names each module adds, so that `runback today`
# imports and registers only runback.cli.today (tests/cli/test_startup.py checks the names).
_COMMANDS = {
    "today": "runback.cli.today",
    "import": "runback.cli.runs",
    "runs": "runback.cli.runs",
    "session": "runback.cli.session",
    "sessions": "runback.cli.sessions",
    "serve": "runback.cli.serve",
    "worker": "runback.cli.worker",
    "remind": "runback.cli.remind",
    "breaks": "runback.cli.breaks",
    "calendar": "runback.cli.calendar",
    "routine": "runback.cli.routine",
    "pain": "runback.cli.pain",
    "checkin": "runback.cli.checkin",
    "share": "runback.cli.share",
    "progress": "runback.cli.progress",
    "stats": "runback.cli.progress",
    "plan": "runback.cli.plan",
    "programme": "runback.cli.programme",
    "report": "runback.cli.report",
    "slots": "runback.cli.slots",
    "export": "runback.cli.backup",
    "restore": "runback.cli.backup",
    "backup": "runback.cli.backup",
    "setup": "runback.cli.setup",
    "doctor": "runback.cli.doctor",
}

_COMMAND_MODULES = list(dict.fromkeys(_COMMANDS.values()))
"""Every command module, in the order `runback --help` lists their commands."""

_QUICK = frozenset({"today", "runs", "breaks", "progress", "stats"})
"""Read commands that end within a second or so: they run without the cyclic collector."""


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Back-care companion for runners who sit all day."""
    from runback.cli.common import cli_state, handle_errors

    # Settings and the Clock go on the context once; tests invoke with obj=CliState(…, FakeClock).
    handle_errors(cli_state)(ctx)


_registered: set[str] = set()


def _register(argv: list[str] | None = None) -> None:
    """Register the module of the command `argv` names, or every module (help, unknown names)."""
    wanted = _COMMANDS.get(argv[0]) if argv else None
    for name in [wanted] if wanted else _COMMAND_MODULES:
        if name not in _registered:
            importlib.import_module(name).register(app)
            _registered.add(name)


def main() -> None:
    """Run the CLI; any error that escapes a command becomes one line, never a traceback."""
    import os
    import sys

    from runback.cli.common import exit_for, is_exit

    # pydantic otherwise scans every installed package's entry points for plugins on the first
    # model (~20 ms of each command); runback uses none. An explicit setting is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if sys.argv[1:2] and sys.argv[1] in _QUICK:
        import gc

        # Their time is mostly imports, during which the collector runs hundreds of times over
        # the new modules' objects (none of them garbage): ~10 % of the command. Off, the peak
        # memory of a read stays within 1 MB of what it was; the process frees it all at exit.
        gc.disable()
    try:
        # Only the command asked for: `runback today` need not import and build the other 17.
        _register(sys.argv[1:])
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        if is_exit(exc):
            raise
        exit_for(exc)
