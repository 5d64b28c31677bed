"""Shared CLI plumbing: the store, the console, and turning RunbackError into a clean exit."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

    from runback.services.store import Store

__all__ = ["console", "err_console", "fail", "handle_errors", "store"]

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


def store() -> Store:
    """Open the configured database (migrating it if needed)."""
    from runback.services.store import open_store

    return open_store()


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
