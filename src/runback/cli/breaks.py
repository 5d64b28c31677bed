"""`runback breaks`: today's and this week's movement breaks; list, edit or delete logged ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from datetime import tzinfo

    from runback.services.store import Store

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
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
        strict: str | None = typer.Option(
            None, "--strict", help="on or off: no snooze, and a skip asks why.", show_default=False
        ),
        focus: str | None = typer.Option(
            None,
            "--focus",
            help="on or off: a break due in a meeting waits for its end.",
            show_default=False,
        ),
    ) -> None:
        """Show today's and this week's breaks: taken vs due, longest sit, and why any moved."""
        if ctx.invoked_subcommand is None:
            handle_errors(_show)(ctx, json_out, strict, focus)

    @group.command("skip")
    @handle_errors
    def skip_cmd(
        ctx: typer.Context,
        reason: str | None = typer.Option(
            None, "--reason", help="Why (strict mode asks for it), e.g. 'in a meeting'."
        ),
    ) -> None:
        """Skip the break that is due now (in strict mode, say why)."""
        _answer(ctx, "skipped", reason)

    @group.command("short")
    @handle_errors
    def short_cmd(ctx: typer.Context) -> None:
        """Busy? Take a 1-minute break for the one due now: stand, 10 shoulder circles, sit."""
        _answer(ctx, "short", None)

    @group.command("list")
    @handle_errors
    def list_cmd(
        ctx: typer.Context,
        days: int = typer.Option(7, "--days", min=1, max=3660, help="How many days back."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List the breaks logged in the last days, newest first, with their ids."""
        import json

        from rich.markup import escape
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
            # The reason is the user's own text: shown as typed, never read as markup.
            what = b.outcome if b.note is None else f"{b.outcome} — {escape(b.note)}"
            table.add_row(str(b.id), local_when(b.at, b.zone), what, session)
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


def _on_off(value: str, option: str) -> bool:
    from runback.errors import ValidationError

    clean = value.strip().lower()
    if clean not in ("on", "off"):
        raise ValidationError(option, [f"{value!r}: give on or off"])
    return clean == "on"


def _answer(ctx: typer.Context, outcome: str, reason: str | None) -> None:
    """Answer the break due now: skipped (with a reason) or a 1-minute break (taken, short)."""
    from runback.cli.common import console, fail, store
    from runback.services import breaks
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    due = breaks.next_break(s, user_id=LOCAL_USER_ID)
    now = s.clock.now()
    if due is None or due > now:
        fail("no break is due now: answer a break once it is due (see `runback remind status`)")
    assert due is not None
    prefs = breaks.get_prefs(s, user_id=LOCAL_USER_ID)
    if outcome == "skipped" and prefs.strict and not (reason or "").strip():
        import sys

        if not sys.stdin.isatty():
            fail(breaks.STRICT_SKIP_REASON + ": give --reason")
        reason = typer.prompt("Why skip this break?")
    short = outcome == "short"
    breaks.log_break(
        s, due, "taken" if short else "skipped", now, user_id=LOCAL_USER_ID, reason=reason,
        short=short,
    )  # fmt: skip
    when = f"{due.astimezone(_zone(s)):%H:%M}"
    if short:
        from runback.services.break_plan import SHORT_BREAK

        console().print(f"1-minute break for the {when} break: {SHORT_BREAK}", highlight=False)
    else:
        console().print(f"Skipped the {when} break.", highlight=False)


def _zone(s: Store) -> tzinfo:
    from runback.core.timezones import to_zone
    from runback.services.store import LOCAL_USER_ID

    return to_zone(s.user_zone(user_id=LOCAL_USER_ID))


def _show(ctx: typer.Context, json_out: bool, strict: str | None, focus: str | None) -> None:
    import dataclasses
    import json

    from rich.table import Table

    from runback.cli.common import console, store
    from runback.services import break_plan, breaks
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    if strict is not None:
        on = break_plan.set_strict(s, _on_off(strict, "--strict"), user_id=LOCAL_USER_ID)
        console().print(f"Strict mode: {'on' if on else 'off'}.")
    if focus is not None:
        on = break_plan.set_focus(s, _on_off(focus, "--focus"), user_id=LOCAL_USER_ID)
        console().print(f"Focus (breaks wait for a meeting's end): {'on' if on else 'off'}.")
    if strict is not None or focus is not None:
        return
    result = breaks.summary(s, user_id=LOCAL_USER_ID)
    plan = break_plan.day_plan(s, user_id=LOCAL_USER_ID)
    if json_out:
        data = dataclasses.asdict(result)
        data["moved"] = [
            {"at": b.at.isoformat(), "reason": b.reason, "long_sit": b.long_sit} for b in plan.moved
        ]
        print(json.dumps(data, indent=2))
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
    tz = _zone(s)
    for b in plan.moved:
        extra = " (a longer walk and an upper-back stretch)" if b.long_sit else ""
        console().print(
            f"{b.at.astimezone(tz):%H:%M} break: {b.reason}{extra}", highlight=False, soft_wrap=True
        )
