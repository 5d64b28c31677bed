"""`runback setup`: the first-day profile, asked question by question or given as options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from runback.services.profile import ProfileView

__all__ = ["register"]

_CONTRA_HELP = "recent-surgery, hip-replacement, pregnancy, osteoporosis (comma-separated), or none"


def _days_text(view: ProfileView) -> str:
    return ", ".join(f"{d} {t:%H:%M}" for d, t in view.run_days.items()) or "none"


def _yn(value: bool) -> str:
    return "yes" if value else "no"


def _summary(out: Console, view: ProfileView) -> None:
    from rich.markup import escape

    from runback.core.profile import CONTRAINDICATION_LABELS

    p = view.profile
    hours = f"{p.sitting_hours:g} h a day" if p.sitting_hours is not None else "not given"
    born = f"{p.birth_year} (age {view.age} this year)" if p.birth_year else "not given"
    contra = ", ".join(CONTRAINDICATION_LABELS[c] for c in sorted(p.contraindications))
    rows = [
        ("Run days", _days_text(view)),
        ("Sitting", hours),
        ("History of back pain", _yn(p.back_pain_history)),
        ("Year of birth", born),
        ("History of cancer", _yn(p.cancer_history)),
        ("Steroids or lowered immunity", _yn(p.steroids_or_immunosuppression)),
        ("Some exercises may not suit", contra or "nothing reported"),
    ]
    for label, value in rows:
        out.print(f"{label + ':':<30} {escape(value)}", highlight=False)


def _advice(out: Console, view: ProfileView) -> None:
    from runback.core.profile import PHYSIO_ADVICE

    if view.profile.back_pain_history:
        out.print(f"\n{PHYSIO_ADVICE}", highlight=False, soft_wrap=True)
        out.print("When you have their programme: runback programme import FILE", highlight=False)
    if view.profile.contraindications:
        out.print(
            "\nPlans leave out exercises that may not suit what you reported, and routines "
            "flag them: check with your physio first.",
            highlight=False,
        )


def _ask(out: Console, question: str, key: str, default: str, this_year: int) -> Any:
    """Ask until the answer parses; return the value to merge (None: keep the current one)."""
    from rich.prompt import Prompt

    from runback.errors import ValidationError
    from runback.services.profile import parse_answers, parse_run_days

    while True:
        answer = Prompt.ask(question, default=default, console=out).strip()
        try:
            if key == "run_days":
                return parse_run_days(answer)
            parsed = parse_answers({key: answer}, this_year=this_year)
        except ValidationError as exc:
            out.print(f"[red]{'; '.join(exc.problems)}[/]", highlight=False)
            continue
        if key == "birth_year" and not answer:
            return None
        return getattr(parsed, key)


def _interactive(out: Console, view: ProfileView, this_year: int) -> dict[str, Any]:
    from runback.core.profile import CONTRAINDICATIONS

    p = view.profile
    contra = ", ".join(c for c in CONTRAINDICATIONS if c in p.contraindications) or "none"
    questions = [
        ("run_days", "On which days do you usually run, and when? (e.g. tue 18:30, sat 08:00)",
         _days_text(view)),
        ("sitting_hours", "About how many hours a day do you sit?",
         f"{p.sitting_hours:g}" if p.sitting_hours is not None else ""),
        ("back_pain_history", "Have you had back pain before? (yes/no)", _yn(p.back_pain_history)),
        ("birth_year", "Your year of birth (Enter to leave out)", str(p.birth_year or "")),
        ("cancer_history", "Have you ever had cancer? (yes/no)", _yn(p.cancer_history)),
        ("steroids_or_immunosuppression",
         "Do you take steroid tablets, or medicines that lower your immunity? (yes/no)",
         _yn(p.steroids_or_immunosuppression)),
        ("contraindications",
         f"Anything some exercises may not suit? {_CONTRA_HELP}", contra),
    ]  # fmt: skip
    return {key: _ask(out, q, key, default, this_year) for key, q, default in questions}


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("setup")
    @handle_errors
    def setup_cmd(
        ctx: typer.Context,
        run_days: str | None = typer.Option(
            None, "--run-days", help='Usual runs, e.g. "tue 18:30, sat 08:00", or none.'
        ),
        sitting_hours: str | None = typer.Option(
            None, "--sitting-hours", help="Hours a day you sit, e.g. 8."
        ),
        back_pain: bool | None = typer.Option(
            None, "--back-pain/--no-back-pain", help="You have had back pain before."
        ),
        birth_year: str | None = typer.Option(None, "--birth-year", help="Year of birth."),
        age: str | None = typer.Option(None, "--age", help="Age in years (instead of the year)."),
        cancer: bool | None = typer.Option(
            None, "--cancer/--no-cancer", help="You have had cancer."
        ),
        steroids: bool | None = typer.Option(
            None,
            "--steroids/--no-steroids",
            help="You take steroid tablets or medicines that lower immunity.",
        ),
        contraindications: str | None = typer.Option(
            None, "--contraindications", help=f"What some exercises may not suit: {_CONTRA_HELP}."
        ),
        skip: bool = typer.Option(False, "--skip", help="Skip the questions (ask them later)."),
        show: bool = typer.Option(False, "--show", help="Show your answers and change nothing."),
        json_out: bool = typer.Option(False, "--json", help="Print the profile as JSON."),
    ) -> None:
        """Answer a few first-day questions: run days, sitting, back-pain history, cautions.

        With no options it asks each question (Enter keeps the current answer); rerun it to
        change answers. Options answer without questions and change only what they give.
        """
        from runback.cli.common import console, fail, opened_store
        from runback.core.timezones import local_date
        from runback.errors import ValidationError
        from runback.services.profile import (
            parse_answers,
            parse_run_days,
            profile_view,
            save_profile,
            skip_profile,
        )
        from runback.services.store import LOCAL_USER_ID

        given: dict[str, Any] = {
            "sitting_hours": sitting_hours,
            "back_pain_history": back_pain,
            "birth_year": birth_year,
            "age": age,
            "cancer_history": cancer,
            "steroids_or_immunosuppression": steroids,
            "contraindications": contraindications,
        }
        given = {k: v for k, v in given.items() if v is not None}
        out = console()
        with opened_store(ctx) as st:
            user_id = LOCAL_USER_ID
            view = profile_view(st, user_id=user_id)
            this_year = local_date(st.clock.now(), st.user_zone(user_id=user_id)).year
            if show:
                pass
            elif skip:
                if given or run_days is not None:
                    fail("--skip: give either --skip or answers, not both")
                skip_profile(st, user_id=user_id)
                if not json_out:
                    out.print("Skipped. Run `runback setup` whenever you like.", highlight=False)
                view = profile_view(st, user_id=user_id)
            else:
                days = None
                try:
                    if given or run_days is not None:
                        answers = given
                        days = parse_run_days(run_days) if run_days is not None else None
                    else:
                        from rich.prompt import Confirm

                        if not json_out:
                            out.print(
                                "[bold]A few first-day questions[/] so runback can fit your "
                                "day and leave out what may not suit you.",
                                highlight=False,
                            )
                        if not Confirm.ask("Answer them now?", default=True, console=out):
                            skip_profile(st, user_id=user_id)
                            out.print("Skipped. Run `runback setup` whenever you like.")
                            return
                        answers = _interactive(out, view, this_year)
                        days = answers.pop("run_days")
                        answers = {k: v for k, v in answers.items() if v is not None}
                    merged = {**view.profile.model_dump(), **answers}
                    if "age" in answers:
                        merged.pop("birth_year", None)
                    profile = parse_answers(merged, this_year=this_year)
                except ValidationError as exc:
                    fail("; ".join(exc.problems))
                    return
                save_profile(st, profile, user_id=user_id, run_days=days)
                view = profile_view(st, user_id=user_id)
                if not json_out:
                    out.print("[green]Saved.[/]")
        if json_out:
            typer.echo(view.model_dump_json(indent=2))
            return
        _summary(out, view)
        _advice(out, view)
