"""`runback programme ...`: import a physio's programme, show it, export it, check adherence."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command group to the app."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="A physio's programme: import it, follow it, show adherence.",
        no_args_is_help=True,
    )
    app.add_typer(group, name="programme")

    @group.command("import")
    @handle_errors
    def import_cmd(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="Programme TOML (see docs/programme-format.md)."),
    ) -> None:
        """Check a programme file and make it the active programme."""
        from runback.cli.common import console, store
        from runback.core.programme import programme_routine_slug
        from runback.services.programmes import import_programme, read_programme_file
        from runback.services.store import LOCAL_USER_ID

        stored = import_programme(
            store(ctx), read_programme_file(file), str(file), user_id=LOCAL_USER_ID
        )
        p = stored.programme
        console().print(
            f"Imported {p.name!r}: {len(p.prescription)} exercises, {p.frequency()}. "
            f"Play it with: runback session {programme_routine_slug(p)}",
            highlight=False,
            markup=False,
        )

    @group.command("show")
    @handle_errors
    def show_cmd(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """Show the active programme."""
        from rich.markup import escape

        from runback.cli.common import console, fail, store
        from runback.services.programmes import active_programme
        from runback.services.store import LOCAL_USER_ID

        stored = active_programme(store(ctx), user_id=LOCAL_USER_ID)
        if stored is None:
            fail("no programme imported; use `runback programme import FILE`")
            return
        p = stored.programme
        if json_out:
            import json

            typer.echo(json.dumps(p.model_dump(mode="json"), indent=2, ensure_ascii=False))
            return
        out = console()
        by = f" by {p.clinician}" if p.clinician else ""
        out.print(f"[bold]{escape(p.name)}[/]{escape(by)}", highlight=False)
        review = f", review {p.review}" if p.review else ""
        out.print(f"{p.frequency()}, from {p.start}{review}", highlight=False)
        for n, item in enumerate(p.prescription, 1):
            dose = [f"{item.sets} set(s)"]
            if item.reps:
                dose.append(f"{item.reps} reps")
            if item.hold_s:
                dose.append(f"{item.hold_s} s hold")
            if item.sides:
                dose.append(item.sides)
            note = f" — {item.notes}" if item.notes else ""
            out.print(escape(f"  {n}. {item.exercise}: {', '.join(dose)}{note}"), highlight=False)
        if p.notes:
            out.print(escape(p.notes), highlight=False)

    @group.command("export")
    @handle_errors
    def export_cmd(
        ctx: typer.Context,
        out: Path | None = typer.Option(None, "--out", "-o", help="Write here, not stdout."),
    ) -> None:
        """Write the active programme as a programme file."""
        from runback.cli.common import store
        from runback.services.programmes import export_programme
        from runback.services.store import LOCAL_USER_ID

        text = export_programme(store(ctx), user_id=LOCAL_USER_ID)
        if out is None:
            typer.echo(text, nl=False)
        else:
            from runback.files import write_atomic

            write_atomic(out, text)

    @group.command("adherence")
    @handle_errors
    def adherence_cmd(
        ctx: typer.Context,
        weeks: int = typer.Option(1, "--weeks", min=1, max=52, help="Weeks to show."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show programme sessions done against prescribed, per week."""
        from runback.cli.common import console, store
        from runback.services.programmes import adherence
        from runback.services.store import LOCAL_USER_ID

        programme, rows = adherence(store(ctx), weeks, user_id=LOCAL_USER_ID)
        if json_out:
            import json

            typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
            return
        out = console()
        for n, week in enumerate(rows):
            when = "this week" if n == len(rows) - 1 else f"week of {week.week_start}"
            if week.prescribed == 0:
                until = f" to {programme.review}" if programme.review else ""
                out.print(
                    f"nothing prescribed {when} (the programme runs from {programme.start}{until})",
                    highlight=False,
                )
                continue
            out.print(f"{week.summary(programme)} {when}", highlight=False)
