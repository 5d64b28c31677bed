"""`runback calendar`: the break schedule as an .ics file, the feed on the home network, and
your own calendars (add, list, remove, sync) whose busy times the breaks avoid."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from datetime import datetime

    from runback.services.calendars import CalendarSource

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `calendar` command group to the app."""
    calendar = typer.Typer(
        help="Calendar feed of your movement breaks, and your own calendars' busy times.",
        no_args_is_help=True,
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

    @calendar.command("add")
    def add(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="Your name for the calendar, e.g. Work."),
        ics: str = typer.Option(
            None, "--ics", help="An ICS address (https://…) or an .ics file.", show_default=False
        ),
        caldav: str = typer.Option(
            None, "--caldav", help="A CalDAV calendar's (or account's) address.", show_default=False
        ),
        user: str = typer.Option(
            None,
            "--user",
            help="CalDAV user name (the password is asked for, or read from "
            "RUNBACK_CALDAV_PASSWORD).",
            show_default=False,
        ),
        no_sync: bool = typer.Option(False, "--no-sync", help="Add it without reading it now."),
    ) -> None:
        """Add a calendar whose busy times your breaks avoid (only free/busy is kept)."""
        from runback.cli.common import handle_errors

        handle_errors(_add)(ctx, name, ics, caldav, user, not no_sync)

    @calendar.command("list")
    def list_(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
    ) -> None:
        """List your calendars: when each was last read, why it failed, how many busy times."""
        from runback.cli.common import handle_errors

        handle_errors(_list)(ctx, as_json)

    @calendar.command("remove")
    def remove(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="The calendar's name (see `runback calendar list`)."),
    ) -> None:
        """Remove a calendar, its busy times and its saved password."""
        from runback.cli.common import handle_errors

        handle_errors(_remove)(ctx, name)

    @calendar.command("sync")
    def sync(
        ctx: typer.Context,
        name: str = typer.Argument(
            None, help="One calendar's name; leave out to read them all.", show_default=False
        ),
    ) -> None:
        """Read your calendars now (the reminders also do it every 15 minutes)."""
        from runback.cli.common import handle_errors

        handle_errors(_sync)(ctx, name)


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


def _password(user: str | None) -> str:
    """Return the CalDAV password from RUNBACK_CALDAV_PASSWORD or a hidden prompt."""
    import os

    from runback.errors import ConfigError

    found = os.environ.get("RUNBACK_CALDAV_PASSWORD")
    if found:
        return found
    if user is None:
        return ""
    try:
        return str(typer.prompt(f"Password for {user}", hide_input=True))
    except typer.Abort:
        raise ConfigError(
            "no password given: type it when asked, or set RUNBACK_CALDAV_PASSWORD"
        ) from None


def _say_source(source: CalendarSource, now: datetime) -> str:
    from runback.services.calendars import describe

    busy = f"{source.busy_count} busy time{'' if source.busy_count == 1 else 's'}"
    return f"{source.name} ({source.where}): {describe(source, now)}; {busy}"


def _add(
    ctx: typer.Context, name: str, ics: str | None, caldav: str | None, user: str | None, now: bool
) -> None:
    from runback.cli.common import console, store
    from runback.errors import ConfigError
    from runback.services import calendars
    from runback.services.store import LOCAL_USER_ID

    if (ics is None) == (caldav is None):
        raise ConfigError("give one of --ics ADDRESS-OR-FILE or --caldav ADDRESS")
    s = store(ctx)
    if ics is not None:
        kind: calendars.Kind = "ics-url" if "://" in ics else "ics-file"
        source = calendars.add_source(s, user_id=LOCAL_USER_ID, name=name, kind=kind, location=ics)
    else:
        assert caldav is not None
        source = calendars.add_source(
            s,
            user_id=LOCAL_USER_ID,
            name=name,
            kind="caldav",
            location=caldav,
            username=user,
            password=_password(user),
        )
    console().print(f"Added {source.name}.", highlight=False)
    if now:
        source = calendars.sync_source(s, user_id=LOCAL_USER_ID, source_id=source.id)
        console().print(_say_source(source, s.clock.now()), highlight=False, soft_wrap=True)


def _list(ctx: typer.Context, as_json: bool) -> None:
    import json

    from runback.cli.common import console, store
    from runback.services import calendars
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    sources = calendars.list_sources(s, user_id=LOCAL_USER_ID)
    if as_json:

        def when(at: datetime | None) -> str | None:
            return at.isoformat() if at is not None else None

        rows = [
            {
                "name": c.name,
                "kind": c.kind,
                "where": c.where,
                "last_tried_at": when(c.last_tried_at),
                "last_ok_at": when(c.last_ok_at),
                "last_error": c.last_error,
                "busy_count": c.busy_count,
            }
            for c in sources
        ]
        typer.echo(json.dumps(rows, indent=1))
        return
    if not sources:
        console().print("No calendars yet. Add one with `runback calendar add NAME --ics ADDRESS`.")
        return
    for source in sources:
        console().print(_say_source(source, s.clock.now()), highlight=False, soft_wrap=True)


def _remove(ctx: typer.Context, name: str) -> None:
    from runback.cli.common import console, store
    from runback.services import calendars
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    source = calendars.find_source(s, user_id=LOCAL_USER_ID, name=name)
    calendars.remove_source(s, user_id=LOCAL_USER_ID, source_id=source.id)
    console().print(f"Removed {source.name} and its busy times.", highlight=False)


def _sync(ctx: typer.Context, name: str | None) -> None:
    from runback.cli.common import console, store
    from runback.services import calendars
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    if name is not None:
        one = calendars.find_source(s, user_id=LOCAL_USER_ID, name=name)
        done = [calendars.sync_source(s, user_id=LOCAL_USER_ID, source_id=one.id)]
    else:
        done = calendars.sync_all(s, user_id=LOCAL_USER_ID)
    if not done:
        console().print("No calendars yet. Add one with `runback calendar add NAME --ics ADDRESS`.")
    for source in done:
        console().print(_say_source(source, s.clock.now()), highlight=False, soft_wrap=True)
    if any(not c.ok for c in done):
        raise typer.Exit(1)
