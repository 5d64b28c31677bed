"""`runback import` (activity files, folders, Strava exports) and `runback runs`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from runback.services.runs import ImportReport, Run

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


def _print_runs(runs: list[Run]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from runback.cli.common import console

    table = Table(title=f"{len(runs)} runs")
    for name in ("start (UTC)", "elapsed", "km", "ascent m", "sport", "name", "source file"):
        table.add_column(name, overflow="fold")
    for run in runs:
        minutes, seconds = divmod(round(run.elapsed_s), 60)
        table.add_row(
            run.start.strftime("%Y-%m-%d %H:%M"),
            f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}",
            f"{run.distance_m / 1000:.2f}",
            "" if run.ascent_m is None else f"{run.ascent_m:.0f}",
            run.sport,
            escape(run.name or ""),
            escape(run.source_file),
        )
    console().print(table)


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""

    @app.command("import")
    def import_(
        ctx: typer.Context,
        paths: list[Path] = typer.Argument(..., help="Files, folders or Strava export zips."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON result per file."),
    ) -> None:
        """Import runs from .fit/.gpx/.tcx files (also .gz), folders and Strava exports."""
        import json

        from runback.cli.common import err_console, handle_errors, opened_store
        from runback.services.runs import import_paths
        from runback.services.store import LOCAL_USER_ID

        @handle_errors
        def run() -> ImportReport:
            with opened_store(ctx) as s:
                if json_out:
                    return import_paths(s, LOCAL_USER_ID, paths)
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

                    return import_paths(s, LOCAL_USER_ID, paths, progress=progress)

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

    @app.command("runs")
    def runs(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List imported runs, oldest first."""
        import json

        from runback.cli.common import handle_errors, opened_store
        from runback.services.runs import list_runs
        from runback.services.store import LOCAL_USER_ID

        @handle_errors
        def fetch() -> list[Run]:
            with opened_store(ctx) as s:
                return list_runs(s, LOCAL_USER_ID)

        found = fetch()
        if json_out:
            typer.echo(json.dumps([r.to_json() for r in found], indent=1))
        else:
            _print_runs(found)
