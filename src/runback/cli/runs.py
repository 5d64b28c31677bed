"""`runback import` (activity files, folders, Strava exports) and `runback runs`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from runback.services.run_import import ImportReport
    from runback.services.runs import Run

__all__ = ["register"]


def _print_report(report: ImportReport) -> None:
    from rich.markup import escape
    from rich.table import Table

    from runback.cli.common import console

    table = Table(title="Import", show_lines=False)
    table.add_column("file", overflow="fold")
    table.add_column("result")
    table.add_column("why", overflow="fold")
    styles = {"imported": "green", "duplicate": "yellow", "skipped": "red"}
    for r in report.results:
        why = r.reason or ""
        if r.note:
            why = f"{why}; {r.note}" if why else r.note
        status = f"[{styles[r.status]}]{r.status}[/]"
        table.add_row(escape(r.name), status, escape(why))
    out = console()
    out.print(table)
    out.print(
        f"{report.count('imported')} imported, {report.count('duplicate')} duplicates, "
        f"{report.count('skipped')} skipped"
        + (f", {len(report.ignored)} other files ignored" if report.ignored else "")
    )


def _print_runs(runs: list[Run], zone: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    from runback.cli.common import console
    from runback.core.format import clock_time, km, pace
    from runback.core.timezones import to_zone

    tz = to_zone(zone)
    count = sum(1 for r in runs if r.is_run)
    others = len(runs) - count
    title = f"{count} run{'' if count == 1 else 's'}"
    if others:
        title += f" · {others} other activit{'y' if others == 1 else 'ies'}"
    table = Table(title=f"{title} (times in {zone})")
    columns = ("id", "start", "km", "time", "pace", "avg bpm", "sport", "name or file")
    for name in columns:
        right = name in ("id", "km", "time", "avg bpm")
        # Dates and times never wrap; long names do.
        table.add_column(
            name,
            overflow="fold",
            justify="right" if right else "left",
            no_wrap=name != "name or file",
        )
    for run in runs:
        table.add_row(
            str(run.id),
            run.start.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            km(run.distance_m, unit=""),
            clock_time(run.moving_s or run.elapsed_s),
            pace(run.pace_s_per_km) if run.is_run else "[dim]not a run[/]",
            str(run.avg_hr) if run.avg_hr is not None else "–",
            run.sport,
            escape(run.name or Path(run.source_file).name),
        )
    console().print(table)


def _describe(run: Run, zone: str) -> str:
    from rich.markup import escape

    from runback.core.timezones import to_zone

    start = run.start.astimezone(to_zone(zone)).strftime("%Y-%m-%d %H:%M")
    what = "run" if run.is_run else "activity"
    named = f' "{escape(run.name)}"' if run.name else ""
    return f"{what} {run.id}{named}: {start}, {run.distance_m / 1000:.2f} km, {run.sport}"


def _sport_filter(value: str) -> str:
    from runback.cli.common import fail
    from runback.core.runs import parse_sport_filter

    try:
        return parse_sport_filter(value)
    except ValueError as exc:
        fail(f"--sport: {exc}")
        raise  # fail() exits; this line only tells mypy


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""

    from runback.importers.formats import extensions_text

    @app.command(
        "import",
        help=f"Import runs from {extensions_text()} files (also .gz), folders and Strava exports.",
    )
    def import_(
        ctx: typer.Context,
        paths: list[Path] = typer.Argument(..., help="Files, folders or Strava export zips."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON result per file."),
    ) -> None:
        """Import runs from .fit/.gpx/.tcx files (also .gz), folders and Strava exports."""
        import json

        from runback.importers import sandbox

        # The parsing worker (a fresh interpreter importing every parser) starts now, while
        # this process imports the services and opens the database, not after.
        sandbox.warm()
        from runback.cli.common import err_console, handle_errors, opened_store
        from runback.services.run_import import import_paths
        from runback.services.store import LOCAL_USER_ID

        @handle_errors
        def run() -> ImportReport:
            with opened_store(ctx) as s:
                if json_out:
                    return import_paths(s, paths, user_id=LOCAL_USER_ID)
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

                with Progress(
                    TextColumn("importing"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.description}", style="dim"),
                    console=err_console(),
                    transient=True,
                ) as bar:
                    task = bar.add_task("", total=None)

                    def progress(done: int, total: int, name: str) -> None:
                        bar.update(task, completed=done, total=total, description=Path(name).name)

                    return import_paths(s, paths, progress=progress, user_id=LOCAL_USER_ID)

        report = run()
        if json_out:
            typer.echo(json.dumps(report.to_json(), indent=1))
        else:
            _print_report(report)
        # Exit 0 whenever the batch ran, even with skipped files (the table says which and why);
        # 1 only when files were given and not one could be read as an activity.
        readable = report.count("imported") + report.count("duplicate")
        if report.results and readable == 0:
            raise typer.Exit(1)

    group = typer.Typer(
        help="List imported runs and other activities; fix a sport or delete one.",
        invoke_without_command=True,
    )
    app.add_typer(group, name="runs")

    @group.callback(invoke_without_command=True)
    def runs(
        ctx: typer.Context,
        sport: str = typer.Option(
            "all",
            "--sport",
            help="all, runs, other (every activity that is not a run), or one sport: running, "
            "trail-running, treadmill, track, cycling, walking, hiking, swimming.",
        ),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List imported runs and other activities, oldest first, with id, pace and sport."""
        if ctx.invoked_subcommand is not None:
            return
        import json

        from runback.cli.common import handle_errors, opened_store
        from runback.services.runs import list_runs
        from runback.services.store import LOCAL_USER_ID

        wanted = _sport_filter(sport)

        @handle_errors
        def fetch() -> tuple[list[Run], str]:
            with opened_store(ctx) as s:
                return list_runs(s, sport=wanted, user_id=LOCAL_USER_ID), s.user_zone(
                    user_id=LOCAL_USER_ID
                )

        found, zone = fetch()
        if json_out:
            typer.echo(json.dumps([r.to_json() for r in found], indent=1))
        else:
            _print_runs(found, zone)

    @group.command("delete")
    def delete_cmd(
        ctx: typer.Context,
        run_id: int = typer.Argument(..., help="The run's id, as `runback runs` shows it."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    ) -> None:
        """Delete a run or other activity; pain entries stay, no longer linked to it."""
        from runback.cli.common import console, handle_errors, store
        from runback.services.runs import delete_run, get_run
        from runback.services.store import LOCAL_USER_ID

        @handle_errors
        def run() -> None:
            s = store(ctx)
            found = get_run(s, user_id=LOCAL_USER_ID, run_id=run_id)
            what = _describe(found, s.user_zone(user_id=LOCAL_USER_ID))
            if not yes:
                typer.confirm(f"Delete {what}? Its pain entries stay", abort=True)
            delete_run(s, user_id=LOCAL_USER_ID, run_id=run_id)
            console().print(f"Deleted {what}.", highlight=False)

        run()

    @group.command("edit")
    def edit_cmd(
        ctx: typer.Context,
        run_id: int = typer.Argument(..., help="The run's id, as `runback runs` shows it."),
        sport: str | None = typer.Option(
            None,
            "--sport",
            help="The right sport: running, trail-running, treadmill, track, cycling, walking, "
            "hiking, swimming or other.",
        ),
        name: str | None = typer.Option(None, "--name", help='A new name ("" clears it).'),
        json_out: bool = typer.Option(False, "--json", help="Print the changed run as JSON."),
    ) -> None:
        """Fix a run's sport (e.g. a ride detected as a run) or its name."""
        import json

        from runback.cli.common import console, fail, handle_errors, opened_store
        from runback.core.runs import parse_sport
        from runback.services.runs import edit_run
        from runback.services.store import LOCAL_USER_ID

        if sport is None and name is None:
            fail("give --sport or --name (or both): nothing to change")
        if sport is not None:
            try:
                sport = parse_sport(sport)
            except ValueError as exc:
                fail(f"--sport: {exc}")

        @handle_errors
        def run() -> tuple[Run, str]:
            with opened_store(ctx) as s:
                changed = edit_run(s, user_id=LOCAL_USER_ID, run_id=run_id, sport=sport, name=name)
                return changed, s.user_zone(user_id=LOCAL_USER_ID)

        changed, zone = run()
        if json_out:
            typer.echo(json.dumps(changed.to_json(), indent=1))
        else:
            console().print(f"Changed: {_describe(changed, zone)}.", highlight=False)
