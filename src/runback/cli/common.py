"""Shared CLI plumbing: the store, the console, and turning RunbackError into a clean exit."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    import typer
    from rich.console import Console

    from runback.core.clock import Clock
    from runback.services.store import Store
    from runback.settings import Settings

__all__ = [
    "CliState",
    "cli_state",
    "confirm_delete",
    "console",
    "crash_report",
    "demo_store",
    "err_console",
    "exit_for",
    "fail",
    "handle_errors",
    "is_exit",
    "local_when",
    "opened_store",
    "parse_local_time",
    "store",
]

P = ParamSpec("P")
R = TypeVar("R")


@functools.cache
def console() -> Console:
    """Return the stdout console."""
    from rich.console import Console

    return Console()


@functools.cache
def err_console() -> Console:
    """Return the stderr console."""
    from rich.console import Console

    return Console(stderr=True)


@dataclass
class CliState:
    """What every command works with: the one Settings and the Clock (tests hand in a fake)."""

    settings: Settings
    clock: Clock


def cli_state(ctx: typer.Context) -> CliState:
    """Return the state the root callback put on the context (made from the environment)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        from pydantic import ValidationError as PydanticError

        from runback.core.clock import SystemClock
        from runback.errors import ConfigError
        from runback.settings import Settings

        try:
            settings = Settings()
        except PydanticError as exc:
            first = exc.errors()[0]
            field = "RUNBACK_" + "_".join(str(p) for p in first["loc"]).upper()
            raise ConfigError(f"{field}: {first['msg']}; fix or unset it") from None
        root.obj = CliState(settings, SystemClock())
    return root.obj


@contextmanager
def opened_store(ctx: typer.Context, clock: Clock | None = None) -> Iterator[Store]:
    """Open the configured database (migrating it if needed) for one command; always close it."""
    from runback.services.store import open_store

    state = cli_state(ctx)
    st = open_store(state.settings, clock or state.clock)
    if st.zone_change is not None:
        # On stderr, so `--json` output stays clean; once, since the next open finds it stored.
        change = st.zone_change
        err_console().print(
            f"Your time zone is now {change.new} (was {change.old}): "
            "days are counted in the new zone.",
            highlight=False,
            markup=False,
        )
    try:
        yield st
    finally:
        st.close()


def store(ctx: typer.Context, clock: Clock | None = None) -> Store:
    """Open the store for the rest of this command: closed when the command's context ends."""
    return ctx.with_resource(opened_store(ctx, clock))


def demo_store(ctx: typer.Context, clock: Clock | None = None) -> Store:
    """Open a throw-away copy of the user's prefs and routines for a demo of this command."""
    from runback.services.demo import throwaway_store

    state = cli_state(ctx)
    return ctx.with_resource(throwaway_store(state.settings, clock or state.clock))


def fail(message: str, code: int = 1) -> None:
    """Print an error for the user and exit."""
    import typer
    from rich.markup import escape

    # The message quotes the user's input ("[bold]cat-cow:1x"): print it as typed, not as markup.
    err_console().print(
        f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True
    )
    raise typer.Exit(code)


def _say_error(message: str) -> None:
    from rich.markup import escape

    # One line however long the path: no wrapping to the terminal width.
    err_console().print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)


def crash_report(exc: BaseException) -> Path:
    """Write the full traceback under the user's log dir and return the file's path."""
    import os
    import time
    import traceback
    from pathlib import Path

    from platformdirs import user_log_dir

    folder = Path(user_log_dir("runback", appauthor=False))
    text = "".join(traceback.format_exception(exc))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
        path.write_text(f"runback {' '.join(sys.argv[1:])}\n\n{text}", encoding="utf-8")
    except OSError:
        # Even the log dir is unusable (disk full?): the temp dir is the last place to try.
        import tempfile

        fd, name = tempfile.mkstemp(prefix="runback-crash-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        path = Path(name)
    return path


def is_exit(exc: BaseException) -> bool:
    """Tell whether `exc` is click's or typer's way to exit (not an error to report)."""
    import click
    import typer

    exits = (click.exceptions.Exit, click.ClickException, click.exceptions.Abort)
    return isinstance(exc, (*exits, typer.Exit, typer.Abort))


def exit_for(exc: BaseException) -> NoReturn:
    """Print one line for any error and exit: 1 when it is the user's to fix, 2 for a bug."""
    from sqlalchemy.exc import SQLAlchemyError

    from runback.errors import RunbackError, os_error_line

    if isinstance(exc, RunbackError):
        _say_error(str(exc))
        sys.exit(1)
    if isinstance(exc, OSError):
        _say_error(os_error_line(exc))
        sys.exit(1)
    if isinstance(exc, SQLAlchemyError):
        from runback.settings import Settings
        from runback.storage.db import database_trouble

        try:
            url = Settings().database_url
        except Exception:  # only for the message
            url = "the database"
        trouble = database_trouble(exc, url)
        if trouble is not None:
            _say_error(str(trouble))
            sys.exit(1)
    try:
        where = f"the full report is in {crash_report(exc)}"
    except Exception:  # never let the report hide the error itself
        where = "no report could be written"
    first = str(exc).strip().splitlines()[:1]
    _say_error(
        f"unexpected {type(exc).__name__}{': ' + first[0] if first else ''}; {where} "
        "(please attach it to a bug report)"
    )
    sys.exit(2)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn every error into a one-line message and an exit status instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if is_exit(exc):
                raise  # click's and typer's own exits and usage errors print their own line
            exit_for(exc)

    return wrapper


def confirm_delete(what: str, yes: bool) -> None:
    """Ask "Delete <what>? [y/N]" (unless --yes); anything but yes exits 1 with one line."""
    import typer

    if yes:
        return
    try:
        agreed = typer.confirm(f"Delete {what}?", default=False)
    except typer.Abort:  # end of input (a script, Ctrl-D): that is not a yes
        typer.echo()
        agreed = False
    if not agreed:
        err_console().print("Nothing deleted.", highlight=False)
        raise typer.Exit(1)


def local_when(at: datetime, zone: str) -> str:
    """Format an instant in a zone the way the CLI lists things ("Mon 05 Jan 09:00")."""
    from runback.core.timezones import to_zone

    return at.astimezone(to_zone(zone)).strftime("%a %d %b %H:%M")


def parse_local_time(value: str, zone: str, option: str) -> datetime:
    """Read "2026-01-05 07:30" as a local time in `zone` (an offset, if given, wins)."""
    from datetime import datetime

    from runback.core.timezones import to_zone
    from runback.errors import ValidationError

    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            option, [f"{value!r} is not a time; write it like 2026-01-05 07:30"]
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=to_zone(zone))
