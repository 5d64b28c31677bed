"""`runback plan`: a routine that fits the minutes you have, where you are, and what you enjoy."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("plan")
    @handle_errors
    def plan_cmd(
        ctx: typer.Context,
        minutes: float = typer.Option(..., "--minutes", "-m", help="Time you have, in minutes."),
        areas: str = typer.Option(
            "", "--areas", "-a", help="Comma-separated areas, e.g. lower-back,hips (empty: any)."
        ),
        where: str = typer.Option(
            "anywhere", "--where", "-w", help="desk (no floor work), home, or anywhere (standing)."
        ),
        equipment: str | None = typer.Option(
            None,
            "--equipment",
            help="Comma-separated: chair,table,wall,mat (default: the place's).",
        ),
        seed: int | None = typer.Option(None, "--seed", help="Vary the mix (default: today's)."),
        save: str | None = typer.Option(None, "--save", help="Save as a routine with this slug."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Plan a routine that fits MINUTES exactly, and explain every choice."""
        from runback.cli.common import console, store
        from runback.services.plans import make_plan, save_plan
        from runback.services.store import LOCAL_USER_ID

        s = store(ctx)
        made = make_plan(
            s,
            minutes,
            [a.strip() for a in areas.split(",") if a.strip()],
            where,
            [e.strip() for e in equipment.split(",") if e.strip()] if equipment else None,
            seed,
            user_id=LOCAL_USER_ID,
        )
        routine = made.routine
        if save:
            routine = save_plan(s, made, save, user_id=LOCAL_USER_ID)
        if json_out:
            import json

            typer.echo(
                json.dumps(
                    {
                        "routine": routine.model_dump(mode="json"),
                        "duration_s": made.duration_s,
                        "budget_s": made.budget_s,
                        "why": [p.why for p in made.steps],
                        "uncovered": made.uncovered,
                        "left_out": made.left_out,
                        "saved": save,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        from rich.markup import escape
        from rich.table import Table

        out = console()
        out.print(f"[bold]{escape(routine.name)}[/]", highlight=False)
        table = Table()
        for col in ("#", "exercise", "hold", "time", "why"):
            table.add_column(col)
        for n, p in enumerate(made.steps, 1):
            st = p.step
            hold = f"{st.hold_s} s" + (f" x{st.reps}" if st.reps > 1 else "")
            hold += " per side" if st.sides != "none" else ""
            rest = f" + {st.rest_s} s rest" if st.rest_s else ""
            table.add_row(
                str(n),
                f"{escape(st.exercise.name)} [dim]{st.exercise.slug}[/]",
                hold,
                f"{st.duration_s()} s{rest}",
                escape(p.why),
            )
        out.print(table)
        m, sec = divmod(made.duration_s, 60)
        out.print(f"Total: {m} min {sec:02d} s (asked for {minutes:g} min)", highlight=False)
        if made.uncovered:
            out.print(f"Not covered here: {', '.join(made.uncovered)}", highlight=False)
        for line in made.left_out:
            out.print(f"[yellow]{escape(line)}[/]", highlight=False)
        if save:
            out.print(f"Saved as {save!r}: runback session {save}", highlight=False)
