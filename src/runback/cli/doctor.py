"""`runback doctor`: check the day rollups against the raw rows, and rebuild them."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("doctor")
    @handle_errors
    def doctor(
        ctx: typer.Context,
        rebuild: bool = typer.Option(
            False, "--rebuild", help="Rebuild every day's totals from the stored records."
        ),
        json_out: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    ) -> None:
        """Check the daily totals Today and progress read; --rebuild recomputes them all."""
        import json

        from runback.cli.common import console, opened_store
        from runback.services.rollups import check_rollups, rebuild_rollups

        with opened_store(ctx) as st:
            report = rebuild_rollups(st) if rebuild else check_rollups(st)
        if json_out:
            print(
                json.dumps(
                    {
                        "users": report.users,
                        "days": report.days,
                        "wrong_days": report.wrong_days,
                        "rebuilt": report.rebuilt,
                        "ok": report.ok,
                    }
                )
            )
        elif report.rebuilt:
            console().print(
                f"Rebuilt the daily totals: {report.days} days for {report.users} user(s)"
                f" ({report.wrong_days} were out of date).",
                highlight=False,
            )
        elif report.ok:
            console().print(
                f"Daily totals OK: {report.days} days for {report.users} user(s).",
                highlight=False,
            )
        else:
            console().print(
                f"Daily totals out of date on {report.wrong_days} of {report.days} days: "
                "run `runback doctor --rebuild`.",
                highlight=False,
            )
        if not report.ok:
            raise typer.Exit(1)
