"""`runback today`: what you did today, your streak, and what to do next."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""

    @app.command("today")
    def today(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """Show today's sessions, your streak and what to do next."""
        from runback.cli.common import console, store

        s = store()
        console().print(f"database: {s.settings.database_url}")
