"""`runback today`: what you did today, your streak, what is due and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from runback.core.format import km

if TYPE_CHECKING:
    from rich.console import Console

    from runback.services.today import Suggestion, Today

__all__ = ["register", "suggestion_command"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("today")
    @handle_errors
    def today(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """Show today's sessions, streak, slots, breaks and runs, and what to do next."""
        from runback.cli.common import console, opened_store
        from runback.services.store import LOCAL_USER_ID
        from runback.services.today import today as today_view

        with opened_store(ctx) as st:
            view = today_view(st, user_id=LOCAL_USER_ID)
        if json_out:
            print(view.model_dump_json(indent=2))
        else:
            _show(console(), view)


def suggestion_command(s: Suggestion) -> str | None:
    """Return the terminal command that starts the suggested routine, or None when done."""
    if s.routine is None:
        return None
    command = "runback session"
    if s.routine != "back-up-basics":
        command += f" {s.routine}"
    if s.context and s.context != "other":
        command += f" --context {s.context}"
    return command


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _clock(at: object, zone: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert isinstance(at, datetime)
    return f"{at.astimezone(ZoneInfo(zone)):%H:%M}"


def _next(view: Today) -> str:
    from rich.markup import escape

    s = view.suggestion
    if s.kind == "care":
        return "[bold red]care first: no stretching or running until you have been checked.[/]"
    if s.kind == "done":
        return "[green]Done for today: nice work. Your back thanks you.[/]"
    name = view.routine_names.get(s.routine or "", s.routine or "")
    length = f" ({s.minutes} min)" if s.minutes else ""
    label = next((d.label for d in view.slots if d.slot == s.slot), s.slot or "")
    if s.kind == "slot":
        until = f", until {s.until:%H:%M}" if s.until else ""
        what = f"{label}: {name}{length}{until}"
    elif s.kind == "later":
        at = f" at {s.at:%H:%M}" if s.at else " later"
        what = f"today's back-up work is done; {label}: {name}{length}{at}"
    else:
        what = f"Do {name}{length}"
    return f"[bold]{escape(what)}[/]: {suggestion_command(s)}"


def _show(out: Console, view: Today) -> None:
    from rich.markup import escape
    from rich.table import Table

    out.print(f"[bold]Today[/] {view.date:%A %d %B %Y} ({escape(view.zone)})")
    if view.sessions:
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="dim")
        for col in ("time", "routine", "context", "steps", "result"):
            table.add_column(col)
        for s in view.sessions:
            if s.completed:
                result = "[green]completed[/]"
            elif s.ended_at is None:
                result = "[yellow]in progress[/]"
            else:
                result = "[yellow]partial[/]"
            if s.enjoyment:
                result += f" · enjoyed {s.enjoyment}/5"
            table.add_row(
                _clock(s.started_at, view.zone),
                escape(s.routine_name),
                s.context,
                f"{len(s.steps_done)}/{s.steps_total}",
                result,
            )
        out.print(table)
    else:
        out.print("[dim]No sessions yet today.[/]")
    out.print(
        f"Streak: [bold]{_days(view.current_streak)}[/] "
        f"(longest {_days(view.longest_streak)}) · "
        f"{view.minutes_done:g} of {view.minutes_target} min today",
        highlight=False,
    )
    habit = f"Habit strength: routine [bold]{view.habit.routine_percent} %[/]"
    if view.habit.breaks_percent is not None:
        habit += f", breaks [bold]{view.habit.breaks_percent} %[/]"
    out.print(habit, highlight=False)
    marks = {"done": "[green]✓[/]", "due": "[bold yellow]•[/]", "missed": "[red]✗[/]"}
    for due in view.slots:
        if due.status == "not-today":
            continue
        if due.routine:
            what = view.routine_names.get(due.routine, due.routine)
        else:
            what = f"a {due.plan.minutes:g}-min plan" if due.plan else ""
        count = f"{due.done} of {due.wanted} {'taken' if due.slot == 'desk-break' else 'done'}"
        what = f" {escape(what)}" if what else ""
        out.print(
            f" {marks.get(due.status, '[dim]·[/]')} {escape(due.label)}:{what} "
            f"[dim]({count}, {escape(due.reason)})[/]",
            highlight=False,
        )
    b = view.breaks
    if b.enabled:
        parts = [f"{b.taken} taken of {b.due} due so far ({b.planned} today)"]
        if b.away:
            parts.append(f"away from the keyboard {b.away}×")
        if b.longest_sit_min:
            parts.append(f"longest sit {b.longest_sit_min:.0f} min")
        if view.concern is not None and view.concern.blocking:
            parts.append("paused until a professional has checked the warning signs")
        elif b.next_due:
            why = f" ({b.next_reason})" if b.next_reason else ""
            parts.append(f"next {_clock(b.next_due, view.zone)}{why}")
        out.print("Breaks: " + " · ".join(parts), highlight=False)
        for m in b.moved:
            extra = ": walk longer, stretch your upper back" if m.long_sit else ""
            out.print(
                f"  [dim]{_clock(m.at, view.zone)} break {escape(m.reason)}{extra}[/]",
                highlight=False,
            )
    for r in view.runs:
        out.print(
            f"Run: {_clock(r.start, view.zone)} · {km(r.distance_m, 1)} · "
            f"{round((r.moving_s or r.elapsed_s) / 60)} min",
            highlight=False,
        )
    for c in view.checkins:
        short = "pre" if c.kind == "pre-run" else "after"
        out.print(f"{c.question} [bold]runback checkin {short} --pain N[/]", highlight=False)
    if view.pain_prompt and not any(c.kind == "after-run" for c in view.checkins):
        out.print("You ran recently: how does your back feel? [bold]runback pain[/]")
    if view.concern is not None:
        from runback.cli.pain import print_advice, print_concern

        if view.concern.blocking:
            print_advice(out, view.concern.advice)
        print_concern(out, view.concern)
    out.print(f"Next: {_next(view)}", highlight=False)
