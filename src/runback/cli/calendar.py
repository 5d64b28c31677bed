"""`runback calendar export`: the break schedule as an .ics file for any calendar app."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `calendar` command group to the app."""
    calendar = typer.Typer(
        help="Calendar feed of your movement breaks and pre-run reminders.", no_args_is_help=True
    )
    app.add_typer(calendar, name="calendar")

    @calendar.command("export")
    def export(
        ctx: typer.Context, file: Path = typer.Argument(..., help="Where to write the .ics file.")
    ) -> None:
        """Write breaks and pre-run reminders as an iCalendar file with alarms."""
        from runback.cli.common import handle_errors

        handle_errors(_export)(ctx, file)


def _export(ctx: typer.Context, file: Path) -> None:
    from runback.cli.common import console, store
    from runback.files import write_atomic
    from runback.remind.calendar import build_calendar
    from runback.services import breaks
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    data = build_calendar(
        breaks.get_prefs(s, user_id=LOCAL_USER_ID), s.user_zone(user_id=LOCAL_USER_ID)
    )
    write_atomic(file, data)
    console().print(f"Wrote {file} ({len(data)} bytes). Import it in your phone's calendar.")
