"""`runback export`, `runback restore` and `runback backup`: your data out, back in, and copied."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register"]


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    from runback.cli.common import handle_errors

    @app.command("export")
    @handle_errors
    def export(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="The zip to write (JSON + one CSV per table)."),
        user: int | None = typer.Option(
            None, "--user", help="Export one user's data only (hosted mode); default: everyone."
        ),
        force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
        json_out: bool = typer.Option(False, "--json", help="Print the row counts as JSON."),
    ) -> None:
        """Export all your data to a zip: a JSON document for restore, CSVs for spreadsheets."""
        import json

        from runback.cli.common import console, opened_store
        from runback.services.backup import export_to_zip

        with opened_store(ctx) as st:
            counts = export_to_zip(st, file, user_id=user, now=st.clock.now(), overwrite=force)
        if json_out:
            print(json.dumps({"file": str(file), "rows": counts}))
        else:
            console().print(f"Exported to {file}: {_counts_line(counts)}", highlight=False)

    @app.command("restore")
    @handle_errors
    def restore(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="A zip made by `runback export`."),
        json_out: bool = typer.Option(False, "--json", help="Print the row counts as JSON."),
    ) -> None:
        """Restore an export into an empty database (RUNBACK_DATABASE_URL); never merges."""
        import json

        from runback.cli.common import console, opened_store
        from runback.services.backup import restore_from_zip

        with opened_store(ctx) as st:
            result = restore_from_zip(st, file)
        if json_out:
            print(json.dumps({"file": str(file), "rows": result.counts}))
        else:
            console().print(
                f"Restored {file} (exported {result.exported_at}): {_counts_line(result.counts)}",
                highlight=False,
            )

    @app.command("backup")
    @handle_errors
    def backup(
        ctx: typer.Context,
        file: Path | None = typer.Argument(
            None, help="Where to write the copy; default: backups/ beside the database."
        ),
        force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
        json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Copy the live SQLite database safely (even while runback runs) and check the copy."""
        import json

        from runback.cli.common import cli_state, console
        from runback.services.backup import backup_sqlite, sqlite_path

        state = cli_state(ctx)
        url = state.settings.database_url
        if file is None:
            stamp = state.clock.now().strftime("%Y%m%d-%H%M%S")
            file = sqlite_path(url).parent / "backups" / f"runback-{stamp}.db"
        result = backup_sqlite(url, file, overwrite=force)
        if json_out:
            print(
                json.dumps(
                    {"file": str(result.path), "bytes": result.size_bytes, "check": "ok"},
                )
            )
        else:
            console().print(
                f"Backed up to {result.path} ({result.size_bytes / 1024:.0f} KiB, "
                f"integrity check: {result.integrity})",
                highlight=False,
            )
