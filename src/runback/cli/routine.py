"""`runback routine ...`: list, show, create, import, export and delete routines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Mapping

    from runback.core.catalog import Catalog, Exercise, Routine

from runback.core.format import min_s

__all__ = ["register"]


def _emit_json(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _list_exercises(catalog: Catalog, json_out: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    from runback.cli.common import console

    exercises = sorted(catalog.exercises.values(), key=lambda e: e.slug)
    if json_out:
        _emit_json([e.model_dump(mode="json") for e in exercises])
        return
    table = Table(title="Exercises", title_justify="left")
    table.add_column("slug", no_wrap=True)  # the thing people copy: never break it
    for col in ("name", "areas", "position", "equipment", "hold"):
        table.add_column(col)
    for ex in exercises:
        hold = f"{ex.hold_s} s" + (" per side" if ex.sides != "none" else "")
        if ex.reps > 1:
            hold += f" x{ex.reps}"
        table.add_row(
            ex.slug, escape(ex.name), ", ".join(ex.areas), ex.position, ex.equipment, hold
        )
    console().print(table)


def _show_routine(catalog: Catalog, routine: Routine, flags: Mapping[str, str]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from runback.cli.common import console

    out = console()
    out.print(
        f"[bold]{escape(routine.name)}[/] ({routine.slug}, {routine.origin})", highlight=False
    )
    if routine.description:
        out.print(escape(routine.description), highlight=False)
    table = Table()
    for col in ("#", "exercise", "hold", "reps", "sides", "time"):
        table.add_column(col)
    steps = catalog.resolve(routine)
    for n, step in enumerate(steps, 1):
        sides: str = step.sides
        if step.sides != "none":
            sides = escape(f"{step.sides} ({' / '.join(step.exercise.side_labels)})")
        table.add_row(
            str(n),
            f"{escape(step.exercise.name)} [dim]{step.exercise.slug}[/]",
            f"{step.hold_s} s",
            str(step.reps),
            sides,
            min_s(step.duration_s()),
        )
    out.print(table)
    out.print(f"Total: {min_s(catalog.duration_s(routine))}", highlight=False)
    _show_care(out, flags, [s.exercise for s in steps])
    by_source: dict[str, list[str]] = {}
    for n, step in enumerate(steps, 1):
        by_source.setdefault(step.exercise.source, []).append(str(n))
    for source, numbers in by_source.items():
        label = "step" if len(numbers) == 1 else "steps"
        which = "" if len(by_source) == 1 else f" ({label} {', '.join(numbers)})"
        out.print(f"[dim]Source{which}: {escape(source)}[/]", highlight=False)


def _show_care(
    out: Any, flags: Mapping[str, str], exercises: list[Exercise], *, disclaimer: bool = True
) -> None:
    """Print the profile's "check first" flags (and the exercise disclaimer under a routine)."""
    from rich.markup import escape

    from runback.core.profile import EXERCISE_DISCLAIMER

    names = {e.slug: e.name for e in exercises}
    for slug, line in flags.items():
        out.print(f"  [yellow]⚠ {escape(names[slug])}:[/] {escape(line)}", highlight=False)
    if disclaimer:
        out.print(f"[dim]{escape(EXERCISE_DISCLAIMER)}[/]", highlight=False)


def _show_exercise(ex: Exercise, flags: Mapping[str, str]) -> None:
    from rich.markup import escape

    from runback.cli.common import console

    out = console()
    out.print(f"[bold]{escape(ex.name)}[/] ({ex.slug})", highlight=False)
    out.print(escape(ex.summary), highlight=False)
    per_side = f" per side ({' / '.join(ex.side_labels)})" if ex.sides != "none" else ""
    info = f"areas: {', '.join(ex.areas)} · {ex.position} · equipment: {ex.equipment}"
    out.print(escape(f"{info} · {ex.hold_s} s{per_side}"), highlight=False)
    for n, line in enumerate(ex.instructions, 1):
        out.print(f"  {n}. {escape(line)}", highlight=False)
    _show_care(out, flags, [ex], disclaimer=False)
    for line in ex.cautions:
        out.print(f"  [yellow]caution:[/] {escape(line)}", highlight=False)
    out.print(f"  [dim]source: {escape(ex.source)}[/]", highlight=False)


def _whole_seconds(text: str) -> int | None:
    """Return ASCII digits as a number, or None; "¹" passes isdigit() but int() refuses it."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return int(text)
    except ValueError:  # more digits than int() converts (4300)
        return None


def _parse_steps(specs: list[str]) -> list[dict[str, Any]]:
    from runback.cli.common import fail

    steps: list[dict[str, Any]] = []
    for spec in specs:
        slug, _, hold = spec.partition(":")
        step: dict[str, Any] = {"exercise": slug.strip()}
        if hold:
            seconds = _whole_seconds(hold)
            if seconds is None:
                fail(f"--step {spec!r}: the hold must be whole seconds, e.g. cat-cow:30")
            step["hold_s"] = seconds
        steps.append(step)
    return steps


def _prompt_steps(catalog: Catalog) -> list[dict[str, Any]]:
    import difflib

    from runback.cli.common import console

    out = console()
    out.print(
        "Add steps by exercise slug; leave empty to finish. (runback routine list --exercises)"
    )
    steps: list[dict[str, Any]] = []
    while True:
        slug = typer.prompt(f"Step {len(steps) + 1} exercise", default="", show_default=False)
        slug = slug.strip()
        if not slug:
            if steps:
                return steps
            out.print("A routine needs at least one step.")
            continue
        ex = catalog.exercises.get(slug)
        if ex is None:
            close = difflib.get_close_matches(slug, list(catalog.exercises), n=3, cutoff=0.5)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            out.print(f"No exercise {slug!r}.{hint}", highlight=False)
            continue
        hold: int = typer.prompt("  hold seconds", default=ex.hold_s, type=int)
        if not 5 <= hold <= 600:
            out.print("  The hold must be 5 to 600 seconds; using the default.")
            hold = ex.hold_s
        steps.append({"exercise": slug} | ({"hold_s": hold} if hold != ex.hold_s else {}))


def register(app: typer.Typer) -> None:
    """Add the `routine` command group to the app."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="List, show, create, import and export routines.", no_args_is_help=True
    )
    app.add_typer(group, name="routine")

    @group.command("list")
    @handle_errors
    def list_cmd(
        ctx: typer.Context,
        exercises: bool = typer.Option(False, "--exercises", help="List exercises instead."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List routines (built-in and your own) or, with --exercises, every exercise."""
        from rich.markup import escape
        from rich.table import Table

        from runback.cli.common import console, store
        from runback.services.catalog import load_builtin
        from runback.services.routines import list_routines
        from runback.services.store import LOCAL_USER_ID

        if exercises:
            _list_exercises(load_builtin(), json_out)
            return
        items = list_routines(store(ctx), user_id=LOCAL_USER_ID)
        if json_out:
            _emit_json([i.model_dump() for i in items])
            return
        table = Table(title="Routines", title_justify="left")
        table.add_column("slug", no_wrap=True)
        for col in ("name", "origin", "steps", "time"):
            table.add_column(col)
        for i in items:
            table.add_row(i.slug, escape(i.name), i.origin, str(i.steps), min_s(i.duration_s))
        console().print(table)

    @group.command("show")
    @handle_errors
    def show_cmd(
        ctx: typer.Context,
        slug: str = typer.Argument(..., help="Routine (or exercise) slug."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show a routine's steps and total time, or an exercise's instructions."""
        from runback.cli.common import store
        from runback.errors import NotFoundError
        from runback.services.profile import exercise_flags
        from runback.services.routines import get_routine, user_catalog
        from runback.services.store import LOCAL_USER_ID

        s = store(ctx)
        catalog = user_catalog(s, user_id=LOCAL_USER_ID)
        try:
            routine = get_routine(s, slug, user_id=LOCAL_USER_ID)
        except NotFoundError:
            if slug not in catalog.exercises:
                raise
            ex = catalog.exercises[slug]
            if json_out:
                _emit_json(ex.model_dump(mode="json"))
            else:
                _show_exercise(ex, exercise_flags(s, [ex], user_id=LOCAL_USER_ID))
            return
        if json_out:
            _emit_json(
                routine.model_dump(mode="json") | {"duration_s": catalog.duration_s(routine)}
            )
        else:
            steps = [st.exercise for st in catalog.resolve(routine)]
            _show_routine(catalog, routine, exercise_flags(s, steps, user_id=LOCAL_USER_ID))

    @group.command("new")
    @handle_errors
    def new_cmd(
        ctx: typer.Context,
        name: str | None = typer.Option(None, "--name", help="Routine name."),
        step: list[str] = typer.Option(
            [], "--step", help="Step as SLUG or SLUG:HOLD_SECONDS; repeat for more steps."
        ),
        slug: str | None = typer.Option(None, "--slug", help="Slug (default: from the name)."),
        description: str = typer.Option("", "--description", help="One-line description."),
    ) -> None:
        """Create a routine from catalog exercises, by prompts or with --name and --step."""
        from runback.cli.common import console, store
        from runback.services.catalog import load_builtin
        from runback.services.routines import save_routine
        from runback.services.store import LOCAL_USER_ID

        if name is None:
            name = typer.prompt("Routine name").strip()
        steps = _parse_steps(step) if step else _prompt_steps(load_builtin())
        s = store(ctx)
        routine = save_routine(
            s, name, steps, slug=slug, description=description, user_id=LOCAL_USER_ID
        )
        console().print(
            f"Created {routine.slug!r} with {len(routine.steps)} step(s), "
            f"{min_s(load_builtin().duration_s(routine))}. "
            f"See it with: runback routine show {routine.slug}",
            highlight=False,
        )

    @group.command("import")
    @handle_errors
    def import_cmd(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="Routine TOML file (docs/routine-format.md)."),
        replace: bool = typer.Option(False, "--replace", help="Update a routine you already have."),
    ) -> None:
        """Import a routine from a TOML file; a bad file is refused and changes nothing."""
        from runback.cli.common import console, store
        from runback.services.routines import import_routine
        from runback.services.store import LOCAL_USER_ID

        result = import_routine(store(ctx), file, replace=replace, user_id=LOCAL_USER_ID)
        console().print(
            f"{result.action.capitalize()} {result.routine.slug!r} ({result.routine.name}): "
            f"{len(result.routine.steps)} step(s), {min_s(result.duration_s)}.",
            highlight=False,
        )

    @group.command("export")
    @handle_errors
    def export_cmd(
        ctx: typer.Context,
        slug: str = typer.Argument(..., help="Routine slug."),
        out: Path | None = typer.Option(None, "--out", help="Write to this file, not stdout."),
    ) -> None:
        """Export a routine as TOML that `runback routine import` accepts."""
        from runback.cli.common import err_console, store
        from runback.files import write_atomic
        from runback.services.routines import export_routine
        from runback.services.store import LOCAL_USER_ID

        text = export_routine(store(ctx), slug, user_id=LOCAL_USER_ID)
        if out is None:
            typer.echo(text, nl=False)
            return
        write_atomic(out, text)
        err_console().print(f"Wrote {out}", highlight=False)

    @group.command("delete")
    @handle_errors
    def delete_cmd(
        ctx: typer.Context,
        slug: str = typer.Argument(..., help="Slug of one of your routines."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    ) -> None:
        """Delete one of your own routines (not one a slot or your programme still uses)."""
        from runback.cli.common import confirm_delete, console, store
        from runback.services.routines import check_deletable, delete_routine, get_routine
        from runback.services.store import LOCAL_USER_ID

        s = store(ctx)
        routine = get_routine(s, slug, user_id=LOCAL_USER_ID)
        check_deletable(s, slug, user_id=LOCAL_USER_ID)  # refused before asking, not after
        confirm_delete(f"routine {routine.name!r}", yes)
        delete_routine(s, slug, user_id=LOCAL_USER_ID)
        console().print(f"Deleted {slug!r}.", highlight=False)
