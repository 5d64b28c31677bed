"""`runback calendar`: the break schedule as an .ics file, and the feed on the home network."""

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

    @calendar.command("home-network")
    def home_network(
        ctx: typer.Context,
        state: str = typer.Argument(
            None, help="on or off; leave out to see the current setting.", show_default=False
        ),
    ) -> None:
        """Let devices on your home network read the calendar feed (from the next `serve`)."""
        from runback.cli.common import handle_errors

        handle_errors(_home_network)(ctx, state)


def _export(ctx: typer.Context, file: Path) -> None:
    from runback.cli.common import cli_state, console, store
    from runback.core.timezones import local_date
    from runback.files import write_atomic
    from runback.remind.calendar import build_calendar
    from runback.services import breaks
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    sched = breaks.schedule_for(s, user_id=LOCAL_USER_ID)
    settings = cli_state(ctx).settings
    # Each break links to the guided break on `runback serve`'s address.
    base = f"http://{settings.host}:{settings.port}"
    data = build_calendar(
        sched.prefs,
        sched.zone,
        busy=sched.busy,
        today=local_date(s.clock.now(), sched.zone),
        base_url=base,
    )
    write_atomic(file, data)
    console().print(f"Wrote {file} ({len(data)} bytes). Import it in your phone's calendar.")


def _home_network(ctx: typer.Context, state: str | None) -> None:
    from runback.cli.common import console, store
    from runback.errors import ValidationError
    from runback.services.home_network import feed_on_home_network, set_feed_on_home_network
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    if state is None:
        on = feed_on_home_network(s, user_id=LOCAL_USER_ID)
    elif state.strip().lower() in ("on", "off"):
        on = set_feed_on_home_network(s, state.strip().lower() == "on", user_id=LOCAL_USER_ID)
    else:
        raise ValidationError("home-network", [f"{state!r}: give on or off"])
    if on:
        console().print(
            "Calendar feed on the home network: on. From the next `runback serve`, devices on "
            "the same Wi-Fi can read the feed (only the feed, with its secret address)."
        )
    else:
        console().print("Calendar feed on the home network: off (only this computer can reach it).")
