"""`runback breaks`: today's and this week's movement breaks; list, edit or delete logged ones."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command group to the app: `runback breaks` alone shows the summary."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="Show today's and this week's breaks; list, edit or delete logged breaks.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    app.add_typer(group, name="breaks")

    @group.callback()
    def breaks_cmd(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """Show today's and this week's breaks: taken vs due, longest unbroken sit."""
        if ctx.invoked_subcommand is None:
            handle_errors(_show)(ctx, json_out)

    @group.command("list")
    @handle_errors
    def list_cmd(
        ctx: typer.Context,
        days: int = typer.Option(7, "--days", min=1, max=3660, help="How many days back."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List the breaks logged in the last days, newest first, with their ids."""
        import json

        from rich.table import Table

        from runback.cli.common import console, local_when, opened_store
        from runback.services.breaks import list_breaks
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            found = list_breaks(st, user_id=LOCAL_USER_ID, days=days)
        if json_out:
            print(json.dumps([b.model_dump(mode="json") for b in found], indent=2))
            return
        if not found:
            console().print(f"No breaks logged in the last {days} days.")
            return
        table = Table(title=f"Breaks, last {days} days")
        for col in ("id", "when", "outcome", "session"):
            table.add_column(col, justify="right" if col == "id" else "left")
        for b in found:
            session = str(b.session_id) if b.session_id is not None else "-"
            table.add_row(str(b.id), local_when(b.at, b.zone), b.outcome, session)
        console().print(table)

    @group.command("delete")
    @handle_errors
    def delete_cmd(
        ctx: typer.Context,
        break_id: int = typer.Argument(..., help="The break id (see `runback breaks list`)."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask first."),
    ) -> None:
        """Delete a logged break; the summaries leave it out from then on."""
        from runback.cli.common import confirm_delete, console, local_when, opened_store
        from runback.services.breaks import delete_break, get_break
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            b = get_break(st, break_id, user_id=LOCAL_USER_ID)
            confirm_delete(f"break {break_id} ({b.outcome}, {local_when(b.at, b.zone)})", yes)
            delete_break(st, break_id, user_id=LOCAL_USER_ID)
        console().print(f"Deleted break {break_id}.", highlight=False)

    @group.command("edit")
    @handle_errors
    def edit_cmd(
        ctx: typer.Context,
        break_id: int = typer.Argument(..., help="The break id (see `runback breaks list`)."),
        outcome: str | None = typer.Option(
            None, "--outcome", help="taken, snoozed, skipped, natural or missed."
        ),
        at: str | None = typer.Option(
            None, "--at", help="When it happened, local time, e.g. '2026-01-05 10:30'."
        ),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Change a logged break's outcome or time."""
        from runback.cli.common import console, fail, local_when, opened_store, parse_local_time
        from runback.services.breaks import get_break, update_break
        from runback.services.store import LOCAL_USER_ID

        if outcome is None and at is None:
            fail("nothing to change: give --outcome or --at")
        with opened_store(ctx) as st:
            found = get_break(st, break_id, user_id=LOCAL_USER_ID)
            when = parse_local_time(at, found.zone, "--at") if at else None
            b = update_break(st, break_id, when, outcome=outcome, user_id=LOCAL_USER_ID)
        if json_out:
            print(b.model_dump_json(indent=2))
            return
        console().print(
            f"Changed break {break_id}: {b.outcome}, {local_when(b.at, b.zone)}.", highlight=False
        )


def _show(ctx: typer.Context, json_out: bool) -> None:
    import dataclasses
    import json

    from rich.table import Table

    from runback.cli.common import console, store
    from runback.services import breaks
    from runback.services.store import LOCAL_USER_ID

    result = breaks.summary(store(ctx), user_id=LOCAL_USER_ID)
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
