"""`runback slots`: the moments of your day (morning, desk breaks, around a run) and what is due."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from runback.core.slots import Slot

__all__ = ["describe", "register"]


def describe(slot: Slot) -> str:
    """Say in words what a slot holds and when, e.g. "desk-break 3×/day 09:00–17:30"."""
    if slot.routine is not None:
        what = slot.routine
    else:
        assert slot.plan is not None
        areas = ", ".join(slot.plan.areas) or "any area"
        what = f"plan {slot.plan.minutes:g} min ({slot.plan.where}): {areas}"
    if slot.start is not None and slot.end is not None:
        when = f"{slot.start:%H:%M}–{slot.end:%H:%M}"
        when += " on weekdays" if slot.weekdays_only else ""
    else:
        when = "before your run" if slot.name == "before-run" else "after your run"
    times = f"{slot.times}×" if slot.times > 1 else "once"
    return f"{what}, {times}, {when}"


def register(app: typer.Typer) -> None:
    """Add the command group to the app."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="Your day's slots: morning, desk breaks, before and after a run.",
        invoke_without_command=True,
    )
    app.add_typer(group, name="slots")

    @group.callback(invoke_without_command=True)
    @handle_errors
    def show_cmd(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show each slot, what it holds, and whether it is due, done or missed today."""
        from runback.services.store import LOCAL_USER_ID

        if ctx.invoked_subcommand is not None:
            return
        from runback.cli.common import console, opened_store
        from runback.services.slots import due_slots, get_slots

        with opened_store(ctx) as st:
            slots, due = get_slots(st, user_id=LOCAL_USER_ID), due_slots(st, user_id=LOCAL_USER_ID)
        if json_out:
            import json

            data = {
                "slots": [s.model_dump(mode="json") for s in slots],
                "due": [d.model_dump(mode="json") for d in due],
            }
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return
        from rich.markup import escape

        now = {d.slot: d for d in due}
        out = console()
        for slot in slots:
            d = now.get(slot.name)
            if not slot.enabled:
                today = "[dim]off[/]"
            elif d is None:
                today = ""
            else:
                today = f"[bold]{d.status}[/] ({escape(d.reason)})"
                if d.routine and d.routine != slot.routine:
                    today += f", programme: {escape(d.routine)}"
            out.print(f"{slot.name:<11} {escape(describe(slot))} · {today}", highlight=False)
        if "programme" in now:
            out.print(f"Physio programme: {escape(now['programme'].reason)}", highlight=False)

    @group.command("set")
    @handle_errors
    def set_cmd(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="morning, desk-break, before-run or after-run."),
        routine: str | None = typer.Option(None, "--routine", "-r", help="Routine slug to do."),
        plan_minutes: float | None = typer.Option(
            None, "--plan-minutes", "-m", help="Instead of a routine: plan this many minutes."
        ),
        areas: str | None = typer.Option(
            None, "--areas", "-a", help="With --plan-minutes: comma-separated areas."
        ),
        where: str | None = typer.Option(
            None, "--where", "-w", help="With --plan-minutes: desk, home or anywhere."
        ),
        times: int | None = typer.Option(None, "--times", help="Sessions wanted per day."),
        start: str | None = typer.Option(None, "--start", help="Window start, HH:MM."),
        end: str | None = typer.Option(None, "--end", help="Window end, HH:MM."),
        weekdays_only: bool | None = typer.Option(
            None, "--weekdays-only/--every-day", help="Only Monday to Friday, or every day."
        ),
    ) -> None:
        """Set what slot NAME holds (a routine or a plan) and when; this also turns it on."""
        from runback.cli.common import console, fail, opened_store
        from runback.services.slots import change_slot
        from runback.services.store import LOCAL_USER_ID

        if routine is not None and plan_minutes is not None:
            fail("give --routine or --plan-minutes, not both")
        if plan_minutes is None and (areas is not None or where is not None):
            fail("--areas and --where describe a plan: add --plan-minutes N")
        changes: dict[str, object] = {"enabled": True}
        if routine is not None:
            changes["routine"] = routine
        if plan_minutes is not None:
            changes["plan"] = {
                "minutes": plan_minutes,
                "areas": [a.strip() for a in (areas or "").split(",") if a.strip()],
                "where": where or "anywhere",
            }
        for key, value in (
            ("times", times),
            ("start", start),
            ("end", end),
            ("weekdays_only", weekdays_only),
        ):
            if value is not None:
                changes[key] = value
        with opened_store(ctx) as st:
            slot = change_slot(st, name, user_id=LOCAL_USER_ID, **changes)
        console().print(f"{slot.name}: {describe(slot)}", highlight=False, markup=False)

    def _toggle(ctx: typer.Context, name: str, enabled: bool) -> None:
        from runback.cli.common import console, opened_store
        from runback.services.slots import change_slot
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            slot = change_slot(st, name, enabled=enabled, user_id=LOCAL_USER_ID)
        state = "on" if enabled else "off"
        console().print(f"{slot.name} is {state}", highlight=False, markup=False)

    @group.command("disable")
    @handle_errors
    def disable_cmd(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="morning, desk-break, before-run or after-run."),
    ) -> None:
        """Turn slot NAME off (it keeps what it holds)."""
        _toggle(ctx, name, False)

    @group.command("enable")
    @handle_errors
    def enable_cmd(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="morning, desk-break, before-run or after-run."),
    ) -> None:
        """Turn slot NAME back on."""
        _toggle(ctx, name, True)
