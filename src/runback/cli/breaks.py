"""`runback breaks`: today's and this week's movement breaks, taken vs due."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""

    @app.command("breaks")
    def breaks_cmd(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """Show today's and this week's breaks: taken vs due, longest unbroken sit."""
        from runback.cli.common import handle_errors

        handle_errors(_show)(ctx, json_out)


def _show(ctx: typer.Context, json_out: bool) -> None:
    import dataclasses
    import json

    from rich.table import Table

    from runback.cli.common import console, store
    from runback.services import breaks

    result = breaks.summary(store(ctx))
    if json_out:
        print(json.dumps(dataclasses.asdict(result), indent=2))
        return
    table = Table(title="Movement breaks")
    # "away" is time away from the keyboard: it restarts the schedule but is no break taken.
    # Snoozes are on the way to one of the others: only in --json.
    for col in ("", "taken", "due", "planned", "away", "skipped", "missed", "longest sit"):
        table.add_column(col, justify="right" if col else "left", no_wrap=True)
    for label, p in (("today", result.today), ("week", result.week)):
        table.add_row(
            label,
            str(p.taken),
            str(p.due),
            str(p.planned),
            str(p.away_from_keyboard),
            str(p.skipped),
            str(p.missed),
            f"{p.longest_sit_min:.0f} min",
        )
    console().print(table)
