"""`runback progress`: streaks, weekly adherence, back-up work before runs, pain, and a heatmap."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from runback.core.consistency import Heatmap
    from runback.core.load import LoadSummary
    from runback.core.patterns import Patterns
    from runback.services.progress import Stats

__all__ = ["heatmap_text", "load_text", "register"]

# Shade glyphs carry the minutes even without colour (NO_COLOR, pipes); colours echo GitHub's.
_GLYPHS = ("·", "░", "▒", "▓", "█")
_GREENS = ("grey35", "color(28)", "color(34)", "color(40)", "color(46)")
_RUN_STYLE = "bold dodger_blue1"
_PAIN_STYLE = "bold red"
_PAIN_MARK = 4  # pain at or above this shows red
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def heatmap_text(hm: Heatmap) -> Text:
    """Render the heatmap as rows Mon..Sun by week columns with month labels above."""
    from rich.text import Text

    columns = (len(hm.days) + 6) // 7
    labels = [" "] * (columns + 3)
    last_end = -1
    for col in range(columns):
        week = hm.days[col * 7 : col * 7 + 7]
        first_of_month = next((d.day for d in week if d.day.day == 1), None)
        if first_of_month is not None and col > last_end:
            name = first_of_month.strftime("%b")
            labels[col : col + 3] = list(name)
            last_end = col + len(name)
    text = Text("    " + "".join(labels).rstrip() + "\n")
    for row in range(7):
        text.append(f"{_DAY_NAMES[row]} ")
        for col in range(columns):
            i = col * 7 + row
            if i >= len(hm.days):
                break
            day = hm.days[i]
            style = _GREENS[day.level]
            if day.max_pain is not None and day.max_pain >= _PAIN_MARK:
                style = _PAIN_STYLE
            elif day.run:
                style = _RUN_STYLE
            text.append(_GLYPHS[day.level], style=style)
        text.append("\n")
    text.append("    less ")
    for level, glyph in enumerate(_GLYPHS):
        text.append(glyph, style=_GREENS[level])
    text.append(" more back-up work   ")
    text.append("█", style=_RUN_STYLE)
    text.append(" run day   ")
    text.append("█", style=_PAIN_STYLE)
    text.append(f" pain {_PAIN_MARK}+")
    return text


_BAR_WIDTH = 30


def _num(x: float | None, fmt: str = ".1f", none: str = "–") -> str:
    return none if x is None else format(x, fmt)


def load_text(load: LoadSummary) -> Text:
    """Render the training load: today's numbers, then one bar per week of the total load."""
    from rich.text import Text

    from runback.core.load import weekly_totals

    ramp = "–" if load.ramp_percent is None else f"{load.ramp_percent:+.0f}%"
    text = Text(
        f"  acute (7-day mean) {load.acute:.1f} · chronic (28-day mean) {load.chronic:.1f} · "
        f"ratio {_num(load.ratio, '.2f')}\n"
        f"  distance {load.km_prev_7:.1f} → {load.km_last_7:.1f} km (last 7 days against the 7 "
        f"before: {ramp}) · monotony {_num(load.monotony, '.2f')} · "
        f"strain {_num(load.strain, '.0f')}\n"
    )
    weeks = weekly_totals(load.days)
    top = max([w[1] for w in weeks] + [1.0])
    for monday, total, km, ratio in weeks:
        bar = "█" * round(total / top * _BAR_WIDTH)
        text.append(f"  {monday:%d %b} ")
        text.append(f"{bar:<{_BAR_WIDTH}}", style="green")
        text.append(f" {total:5.0f} load  {km:5.1f} km  ratio {_num(ratio, '.2f')}\n")
    text.append("  load: minutes run (heart rate, when stored, weighs each minute)", style="dim")
    return text


def _patterns_print(out: Console, patterns: Patterns) -> None:
    out.print(
        f"[bold]Personal patterns[/] (your log since {patterns.first:%d %b %Y}; shown with at "
        f"least {patterns.min_days} days in each group):"
    )
    shown = patterns.shown
    for p in shown:
        out.print(f"  • {p.text}", highlight=False)
    if not shown and patterns.patterns:
        out.print(f"  {patterns.patterns[0].text}", highlight=False)


def _print(out: Console, stats: Stats) -> None:
    from rich.table import Table

    st = stats.streaks
    out.print(
        f"[bold]Streak:[/] {st.current} day{'s' if st.current != 1 else ''} of back-up work "
        f"(longest {st.longest}, {st.practice_days} days in all)"
    )
    habit = stats.habit
    breaks = "" if habit.breaks_percent is None else f", breaks {habit.breaks_percent}%"
    # Beside the streak: a strength that a missed day only dents.
    out.print(f"[bold]Habit strength:[/] routine {habit.routine_percent}%{breaks}")
    adh = stats.adherence
    out.print(
        f"[bold]Weekly target:[/] {adh.target} of 7 days — met in {adh.weeks_met} of the last "
        f"{adh.weeks_finished} finished weeks"
    )
    table = Table(
        title=f"Last {stats.weeks} weeks",
        title_justify="left",
        caption="pain: the mean of each day's worst pain",
        caption_justify="left",
    )
    for col, just in (
        ("week of", "left"),
        ("back-up days", "left"),
        ("runs", "right"),
        ("km", "right"),
        ("pain", "right"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for week, load in zip(adh.weeks, stats.weekly_load, strict=True):
        bar = "■" * week.days_done + "□" * (week.days_so_far - week.days_done)
        mark = " [green]✓[/]" if week.met else ""
        table.add_row(
            week.week_start.strftime("%a %d %b %Y"),
            f"{bar} {week.days_done}/{week.days_so_far}{mark}",
            str(load.runs),
            f"{load.km:.1f}",
            f"{load.mean_pain:.1f}" if load.mean_pain is not None else "-",
        )
    out.print(table)
    br = stats.before_run
    if br.run_days and br.share is not None:
        out.print(
            f"[bold]Before runs:[/] back-up work done before the run on {br.prepared_days} of "
            f"{br.run_days} run days ({br.share:.0%})"
        )
    else:
        out.print("[bold]Before runs:[/] no runs in this period")
    out.print()
    out.print(f"[bold]Training load[/] (last {len(stats.load.days) // 7} weeks)")
    out.print(load_text(stats.load))
    if stats.load.nudge:
        out.print(f"[yellow]{stats.load.nudge}[/]", highlight=False)
    out.print()
    _patterns_print(out, stats.patterns)
    out.print()
    out.print("[bold]Last 12 months[/]")
    out.print(heatmap_text(stats.heatmap))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("progress")
    @handle_errors
    def progress(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
        weeks: int = typer.Option(12, "--weeks", help="How many weeks the weekly numbers cover."),
    ) -> None:
        """Show streaks, weekly adherence, training load, personal patterns and a heatmap."""
        from runback.cli.common import console, store
        from runback.services.progress import gather_stats
        from runback.services.store import LOCAL_USER_ID

        result = gather_stats(store(ctx), weeks=weeks, user_id=LOCAL_USER_ID)
        if json_out:
            print(result.model_dump_json(indent=2))
            return
        _print(console(), result)

    # The old name, kept hidden for one release (docs/names.md): `runback stats` still works.
    app.command("stats", hidden=True)(progress)
