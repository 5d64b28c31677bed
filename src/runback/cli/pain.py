"""`runback pain`: log back pain (asked step by step, or from flags) and show what to do next."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from runback.core.triage import Advice
    from runback.services.concerns import Concern
    from runback.services.pain import PainEntry, PainLogged

__all__ = [
    "parse_flags",
    "print_advice",
    "print_concern",
    "print_logged",
    "register",
    "stdin_is_terminal",
]

# A seam: tests drive the questions through CliRunner's input, which is not a terminal.
stdin_is_terminal: Callable[[], bool] = lambda: sys.stdin.isatty()  # noqa: E731

NOT_ANSWERED = (
    "the safety questions were not answered: add --flags none (or the ids answered yes, "
    "comma-separated; --questions lists them), or --same-as-last if nothing changed"
)

MAX_ID = 2**31 - 1  # the id columns' range on PostgreSQL (integer), the stricter database

_REGION_HELP = (
    "Where it hurts: lower-back, mid-back, upper-back (between the shoulder blades), "
    "neck-shoulders or hips."
)
_REGION_LABELS = {
    "lower-back": "lower back",
    "mid-back": "middle of the back",
    "upper-back": "upper back, between the shoulder blades",
    "neck-shoulders": "neck and shoulders",
    "hips": "hips",
}
_STYLE = {
    "emergency": "bold red",
    "urgent": "bold yellow",
    "see-physio": "bold cyan",
    "self-care": "green",
}
_TITLE = {
    "emergency": "EMERGENCY",
    "urgent": "See a doctor soon",
    "see-physio": "See a physio or osteopath",
    "self-care": "Looking after your back",
}


def print_advice(out: Console, advice: Advice) -> None:
    """Print the advice as a panel coloured by how urgent it is."""
    from rich.markup import escape
    from rich.panel import Panel

    style = _STYLE[advice.level]
    lines = [f"[{style}]{escape(advice.headline)}[/]", ""]
    lines += [f"• {escape(step)}" for step in advice.steps]
    if advice.reasons:
        lines += ["", "[bold]Why:[/]"] + [f"• {escape(r)}" for r in advice.reasons]
    lines += ["", f"[dim]{escape(advice.disclaimer)}[/]"]
    out.print(Panel("\n".join(lines), title=_TITLE[advice.level], border_style=style))


def print_logged(logged: PainLogged, summary: str, *, json_out: bool) -> None:
    """Print an entry just stored: JSON, or the summary line and its advice (emergency first)."""
    from runback.cli.common import console, err_console

    advice = logged.advice
    if json_out:
        if advice.level == "emergency":
            # Scripts read stdout; a person watching still needs to see this.
            err_console().print(f"[bold red]EMERGENCY: {advice.headline}[/]")
        print(logged.model_dump_json(indent=2))
        return
    out = console()
    if advice.level == "emergency":
        out.print(f"[bold red]{advice.headline}[/]\n")
    out.print(summary, highlight=False)
    print_advice(out, advice)


def print_concern(out: Console, concern: Concern) -> None:
    """Print an open concern: since when, the signs, the advice and how to close it."""
    from rich.markup import escape

    style = _STYLE[concern.level]
    since = f"{concern.opened_on:%a %d %b %Y}"
    out.print(
        f"[{style}]Open warning sign since {since}:[/] {escape('; '.join(concern.labels))}",
        highlight=False,
    )
    if concern.level == "emergency":
        out.print(f"[{style}]Emergency number: {concern.emergency_number}[/]", highlight=False)
    out.print(
        "Once a professional has checked you: [bold]runback pain checked[/] (--on DATE)",
        highlight=False,
    )


def parse_flags(text: str) -> list[str]:
    """Return the flag ids of a --flags value: "none", or ids separated by commas."""
    from runback.core.triage import validate_flags

    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts == ["none"]:
        return []
    if not parts or "none" in parts:
        raise typer.BadParameter("give none, or the ids answered yes separated by commas")
    return validate_flags(parts)


def _choice(answer: str) -> int | None:
    """Return the menu number typed, or None; "¹" passes isdigit() but not int(), so try int()."""
    if not (answer.isascii() and answer.isdigit()):
        return None
    try:
        return int(answer)
    except ValueError:  # more digits than int() converts (4300)
        return None


def _ask_region(out: Console) -> str:
    from rich.prompt import Prompt

    from runback.core.vocab import PAIN_REGIONS

    for i, region in enumerate(PAIN_REGIONS, 1):
        out.print(f"  {i}. {region:<15} [dim]{_REGION_LABELS.get(region, '')}[/]")
    while True:
        answer = Prompt.ask("Where does it hurt? (number or name)", console=out).strip()
        number = _choice(answer)
        if number is not None and 1 <= number <= len(PAIN_REGIONS):
            return PAIN_REGIONS[number - 1]
        if answer in PAIN_REGIONS:
            return answer
        out.print(f"[red]Please answer 1-{len(PAIN_REGIONS)} or one of the names above.[/]")


def _ask_intensity(out: Console) -> int:
    from rich.prompt import IntPrompt

    while True:
        value = IntPrompt.ask(
            "How strong is it, from 0 (none) to 10 (worst imaginable)?", console=out
        )
        if 0 <= value <= 10:
            return value
        out.print("[red]Please give a whole number from 0 to 10.[/]")


def _ask_flags(out: Console, already: list[str]) -> list[str]:
    """Ask each red-flag question; stop at the first emergency "yes" so advice comes at once."""
    from rich.prompt import Confirm

    from runback.core.triage import QUESTIONS

    out.print("\n[bold]A few safety questions[/] (answer y or n):")
    flags = list(already)
    for q in QUESTIONS:
        if q.id in flags:
            continue
        if Confirm.ask(q.question, default=False, console=out):
            flags.append(q.id)
            if q.level == "emergency":
                break
    return flags


def _ask_stops(out: Console) -> bool:
    from rich.prompt import Confirm

    return Confirm.ask("Does the pain stop your day-to-day activities?", default=False, console=out)


def _print_history(out: Console, entries: list[PainEntry]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from runback.core.timezones import to_zone

    if not entries:
        out.print("No pain logged in the last 28 days.")
        return
    table = Table(title="Pain log, last 28 days")
    for col in ("id", "when", "region", "pain", "run", "red flags", "notes"):
        table.add_column(col)
    for e in entries:
        when = e.at.astimezone(to_zone(e.zone)).strftime("%a %d %b %H:%M")
        table.add_row(
            str(e.id),
            when,
            e.region,
            f"{e.intensity}/10",
            str(e.run_id) if e.run_id is not None else "-",
            ", ".join(e.red_flags) or "-",
            escape(e.notes),
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the command group to the app: `runback pain` alone logs pain, as it always did."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="Log back pain and get advice; edit or delete an entry logged by mistake.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    app.add_typer(group, name="pain")

    @group.callback()
    @handle_errors
    def pain(
        ctx: typer.Context,
        region: str | None = typer.Option(None, "--region", help=_REGION_HELP),
        intensity: int | None = typer.Option(
            None, "--intensity", help="0 (no pain) to 10 (worst imaginable)."
        ),
        run: int | None = typer.Option(
            None, "--run", help="Link to this run id (default: the latest run in the last 24 h)."
        ),
        no_run: bool = typer.Option(False, "--no-run", help="Do not link the entry to any run."),
        flag: list[str] = typer.Option(
            [], "--flag", help="A red-flag question answered yes (repeatable); see --questions."
        ),
        flags_csv: str | None = typer.Option(
            None,
            "--flags",
            help="The safety answers at once: none, or the ids answered yes, comma-separated.",
        ),
        same_as_last: bool = typer.Option(
            False, "--same-as-last", help="Nothing changed since the last safety answers."
        ),
        stops: bool | None = typer.Option(
            None,
            "--stops-activities/--not-stopping",
            help="Whether the pain stops your day-to-day activities (asked when missing).",
        ),
        notes: str | None = typer.Option(None, "--notes", help="Anything worth remembering."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
        history: bool = typer.Option(
            False, "--history", help="List the last 28 days of pain and today's advice."
        ),
        questions: bool = typer.Option(
            False, "--questions", help="List the red-flag questions and their ids."
        ),
    ) -> None:
        """Log back pain and get advice on when to see someone (asks when flags are missing)."""
        if ctx.invoked_subcommand is not None:
            return
        import json

        from runback.cli.common import console, err_console, fail, store

        out = console()
        if questions:
            from runback.services.pain import red_flag_questions

            qs = red_flag_questions()
            if json_out:
                print(json.dumps([q.model_dump() for q in qs], indent=2))
            else:
                for q in qs:
                    out.print(f"[{_STYLE[q.level]}]{q.level:<10}[/] {q.id:<18} {q.question}")
            return

        from runback.services.store import LOCAL_USER_ID

        s = store(ctx)
        if history:
            from runback.services.pain import current_advice, pain_history

            entries = pain_history(s, user_id=LOCAL_USER_ID)
            advice = current_advice(s, user_id=LOCAL_USER_ID)
            if json_out:
                data = {
                    "entries": [e.model_dump(mode="json") for e in entries],
                    "advice": advice.model_dump(mode="json"),
                }
                print(json.dumps(data, indent=2))
            else:
                from runback.services.concerns import open_concern

                _print_history(out, entries)
                print_advice(out, advice)
                concern = open_concern(s, user_id=LOCAL_USER_ID)
                if concern is not None:
                    print_concern(out, concern)
            return

        if run is not None and no_run:
            fail("give --run ID or --no-run, not both")
        if run is not None and not 1 <= run <= MAX_ID:
            fail(f"--run {run}: there is no such run; `runback runs` lists the run ids")
        from runback.services.pain import last_answers
        from runback.services.store import LOCAL_USER_ID

        flags = list(flag)
        if flags_csv is not None:
            try:
                flags += parse_flags(flags_csv)
            except typer.BadParameter as exc:
                fail(f"--flags {flags_csv!r}: {exc}", 2)
        answered = bool(flag) or flags_csv is not None
        if same_as_last and answered:
            fail("give the answers (--flags) or --same-as-last, not both", 2)
        terminal = stdin_is_terminal()
        if not (answered or same_as_last or terminal):
            fail(NOT_ANSWERED, 2)
        if json_out and (region is None or intensity is None or not (answered or same_as_last)):
            fail("--json needs --region, --intensity and --flags or --same-as-last (it never asks)")
        if same_as_last:
            last = last_answers(s, user_id=LOCAL_USER_ID)
            if last is None:
                fail("--same-as-last: there are no earlier answers; answer with --flags", 2)
            assert last is not None
            from runback.cli.common import local_when

            said = ", ".join(last.red_flags) or "no warning signs"
            err_console().print(
                f"Same as your answers of {local_when(last.at, last.zone)}: {said}",
                highlight=False,
            )
        if region is None:
            region = _ask_region(out)
        if intensity is None:
            intensity = _ask_intensity(out)
        if not (answered or same_as_last):
            flags = _ask_flags(out, flags)
        from runback.core.triage import QUESTIONS

        emergency = any(q.level == "emergency" and q.id in flags for q in QUESTIONS)
        if stops is None:
            stops = False if (emergency or not terminal) else _ask_stops(out)
        if notes is None and terminal and not emergency and not json_out:
            from rich.prompt import Prompt

            notes = Prompt.ask("Notes (optional)", default="", console=out)
        assert region is not None and intensity is not None

        from runback.services.pain import log_pain

        logged = log_pain(
            s,
            region=region,
            intensity=intensity,
            run_id=run,
            link_run=not no_run,
            red_flags=flags,
            notes=notes or "",
            stops_activities=stops,
            same_as_last=same_as_last,
            user_id=LOCAL_USER_ID,
        )
        e = logged.entry
        linked = f", linked to run {e.run_id}" if e.run_id is not None else ", no run linked"
        print_logged(
            logged,
            f"Logged {e.region} pain {e.intensity}/10{linked} (entry {e.id}).",
            json_out=json_out,
        )

    @group.command("delete")
    @handle_errors
    def delete_cmd(
        ctx: typer.Context,
        entry_id: int = typer.Argument(..., help="The entry id (see `runback pain --history`)."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask first."),
    ) -> None:
        """Delete a pain entry; the advice and statistics leave it out from then on."""
        from runback.cli.common import confirm_delete, console, local_when, opened_store
        from runback.services.pain import delete_pain, get_pain
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            e = get_pain(st, entry_id, user_id=LOCAL_USER_ID)
            what = f"{e.region} pain {e.intensity}/10, {local_when(e.at, e.zone)}"
            confirm_delete(f"pain entry {entry_id} ({what})", yes)
            delete_pain(st, entry_id, user_id=LOCAL_USER_ID)
        console().print(f"Deleted pain entry {entry_id}.", highlight=False)

    @group.command("edit")
    @handle_errors
    def edit_cmd(
        ctx: typer.Context,
        entry_id: int = typer.Argument(..., help="The entry id (see `runback pain --history`)."),
        region: str | None = typer.Option(None, "--region", help=_REGION_HELP),
        intensity: int | None = typer.Option(
            None, "--intensity", help="0 (no pain) to 10 (worst imaginable)."
        ),
        notes: str | None = typer.Option(None, "--notes", help="Replace the notes."),
        flag: list[str] = typer.Option(
            [], "--flag", help="Red flags answered yes, replacing the entry's (repeatable)."
        ),
        no_flags: bool = typer.Option(False, "--no-flags", help="Clear the entry's red flags."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Change a pain entry's region, intensity, notes or red flags; the advice is redone."""
        from runback.cli.common import fail, opened_store
        from runback.services.pain import update_pain
        from runback.services.store import LOCAL_USER_ID

        if flag and no_flags:
            fail("give --flag or --no-flags, not both")
        flags = [] if no_flags else (list(flag) or None)
        if region is None and intensity is None and notes is None and flags is None:
            fail("nothing to change: give --region, --intensity, --notes, --flag or --no-flags")
        with opened_store(ctx) as st:
            changed = update_pain(
                st,
                entry_id,
                user_id=LOCAL_USER_ID,
                region=region,
                intensity=intensity,
                notes=notes,
                red_flags=flags,
            )
        e = changed.entry
        summary = f"Changed entry {e.id}: {e.region} pain {e.intensity}/10."
        print_logged(changed, summary, json_out=json_out)

    @group.command("checked")
    @handle_errors
    def checked_cmd(
        ctx: typer.Context,
        on: str | None = typer.Option(
            None, "--on", help="The day you were checked, YYYY-MM-DD (default: today)."
        ),
    ) -> None:
        """Say a professional has checked the warning signs you reported: they stop showing."""
        from datetime import date

        from runback.cli.common import console, fail, opened_store
        from runback.services.concerns import confirm_checked
        from runback.services.store import LOCAL_USER_ID

        day = None
        if on is not None:
            try:
                day = date.fromisoformat(on)
            except ValueError:
                fail(f"--on {on!r}: give the day as YYYY-MM-DD, e.g. 2026-03-30", 2)
        with opened_store(ctx) as st:
            closed = confirm_checked(st, user_id=LOCAL_USER_ID, on=day)
        console().print(
            f"Noted: checked{f' on {day:%d %b %Y}' if day else ' today'}. "
            f"The warning signs reported on {closed.opened_on:%d %b %Y} no longer show; "
            "answer the safety questions again if anything changes.",
            highlight=False,
        )

    @group.command("emergency-number")
    @handle_errors
    def emergency_number_cmd(
        ctx: typer.Context,
        number: str | None = typer.Argument(None, help="The number you would dial, e.g. 112."),
        reset: bool = typer.Option(
            False, "--reset", help="Go back to the usual one for your zone."
        ),
    ) -> None:
        """Show or set the emergency number the advice offers (default: from your time zone)."""
        from runback.cli.common import console, fail, opened_store
        from runback.services.concerns import emergency_number, set_emergency_number
        from runback.services.store import LOCAL_USER_ID

        if number is not None and reset:
            fail("give a number or --reset, not both", 2)
        with opened_store(ctx) as st:
            if number is None and not reset:
                shown = emergency_number(st, user_id=LOCAL_USER_ID)
            else:
                shown = set_emergency_number(st, number, user_id=LOCAL_USER_ID)
        console().print(f"Emergency number: {shown}", highlight=False)
