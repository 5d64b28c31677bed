"""`runback today`: what you did today, your streak, and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from runback.services.today import TodaySummary

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("today")
    @handle_errors
    def today(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """Show today's sessions, your streak and what to do next."""
        from runback.cli.common import console, opened_store
        from runback.services.today import today_summary

        with opened_store(ctx) as st:
            summary = today_summary(st)
        if json_out:
            print(summary.model_dump_json(indent=2))
        else:
            _show(console(), summary)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _show(out: Console, summary: TodaySummary) -> None:
    from zoneinfo import ZoneInfo

    from rich.markup import escape
    from rich.table import Table

    out.print(f"[bold]Today[/] {summary.date:%A %d %B %Y} ({escape(summary.zone)})")
    if summary.sessions:
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="dim")
        for col in ("time", "routine", "context", "steps", "result"):
            table.add_column(col)
        zone = ZoneInfo(summary.zone)
        for s in summary.sessions:
            if s.completed:
                result = "[green]completed[/]"
            elif s.ended_at is None:
                result = "[yellow]in progress[/]"
            else:
                result = "[yellow]partial[/]"
            if s.enjoyment:
                result += f" · enjoyed {s.enjoyment}/5"
            table.add_row(
                f"{s.started_at.astimezone(zone):%H:%M}",
                escape(s.routine_name),
                s.context,
                f"{len(s.steps_done)}/{s.steps_total}",
                result,
            )
        out.print(table)
    else:
        out.print("[dim]No sessions yet today.[/]")
    out.print(
        f"Streak: [bold]{_days(summary.current_streak)}[/] "
        f"(longest {_days(summary.longest_streak)})",
        highlight=False,
    )
    for due in summary.slots:
        if due.status == "not-today":
            continue
        mark = {"done": "[green]✓[/]", "due": "[bold yellow]•[/]", "missed": "[red]✗[/]"}
        what = due.routine or (f"a {due.plan.minutes:g}-min plan" if due.plan else "")
        out.print(
            f" {mark.get(due.status, '[dim]·[/]')} {escape(due.label)}: {escape(what)} "
            f"[dim]({due.done}/{due.wanted}, {escape(due.reason)})[/]",
            highlight=False,
        )
    style = "green" if summary.practiced_today else "bold"
    out.print(f"Next: [{style}]{escape(summary.suggestion.text)}[/]", highlight=False)
