"""Shared CLI plumbing: the store, the console, and turning RunbackError into a clean exit."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    import typer
    from rich.console import Console

    from runback.core.clock import Clock
    from runback.services.store import Store
    from runback.settings import Settings

__all__ = [
    "CliState",
    "cli_state",
    "console",
    "demo_store",
    "err_console",
    "fail",
    "handle_errors",
    "opened_store",
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

    err_console().print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn RunbackError into a one-line message and exit status 1 instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from runback.errors import RunbackError

        try:
            return fn(*args, **kwargs)
        except RunbackError as exc:
            from rich.markup import escape

            err_console().print(f"[bold red]error:[/] {escape(str(exc))}")
            sys.exit(1)

    return wrapper
