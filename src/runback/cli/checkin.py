"""`runback checkin`: answer a pre-run or after-run check-in (a 0 counts), or see what is asked."""

from __future__ import annotations

import typer

__all__ = ["register"]

_KINDS = {"pre": "pre-run", "after": "after-run"}


def register(app: typer.Typer) -> None:
    """Add `runback checkin [pre|after]` to the app."""
    from runback.cli.common import handle_errors

    @app.command("checkin")
    @handle_errors
    def checkin(
        ctx: typer.Context,
        kind: str | None = typer.Argument(
            None, help="pre (before a run) or after (after a run); none: list what is asked now."
        ),
        pain: int | None = typer.Option(
            None, "--pain", help="How your back is now: 0 (no pain) to 10 (worst imaginable)."
        ),
        region: str = typer.Option(
            "lower-back",
            "--region",
            help="Where: lower-back, mid-back, upper-back, neck-shoulders or hips.",
        ),
        flags_csv: str | None = typer.Option(
            None,
            "--flags",
            help="The safety answers: none, or the ids answered yes, comma-separated.",
        ),
        same_as_last: bool = typer.Option(
            False, "--same-as-last", help="Nothing changed since the last safety answers."
        ),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Answer a check-in before or after a run, even when nothing hurts (a 0 is data)."""
        import json

        from runback.cli.common import console, fail, local_when, store
        from runback.cli.pain import (
            NOT_ANSWERED,
            _ask_flags,
            parse_flags,
            print_logged,
            stdin_is_terminal,
        )
        from runback.services.checkins import answer_checkin, due_checkins
        from runback.services.store import LOCAL_USER_ID

        s = store(ctx)
        out = console()
        if kind is None:
            if pain is not None or flags_csv is not None or same_as_last:
                fail("say which check-in: runback checkin pre or runback checkin after", 2)
            due = due_checkins(s, user_id=LOCAL_USER_ID)
            if json_out:
                print(json.dumps([c.model_dump(mode="json") for c in due], indent=2))
                return
            if not due:
                out.print("No check-in is asked for now.")
            zone = s.user_zone(user_id=LOCAL_USER_ID)
            for c in due:
                short = "pre" if c.kind == "pre-run" else "after"
                out.print(
                    f"{c.question} [bold]runback checkin {short} --pain N[/] "
                    f"[dim](until {local_when(c.closes_at, zone)})[/]",
                    highlight=False,
                )
            return
        full = _KINDS.get(kind)
        if full is None:
            fail(f"{kind!r}: say pre (before a run) or after (after a run)", 2)
        assert full is not None
        if pain is None:
            fail("--pain: give how your back is now, 0 (no pain) to 10; a 0 counts too", 2)
        assert pain is not None
        flags: list[str] = []
        if flags_csv is not None:
            try:
                flags = parse_flags(flags_csv)
            except typer.BadParameter as exc:
                fail(f"--flags {flags_csv!r}: {exc}", 2)
        answered = flags_csv is not None
        if answered and same_as_last:
            fail("give the answers (--flags) or --same-as-last, not both", 2)
        if not (answered or same_as_last):
            if json_out or not stdin_is_terminal():
                fail(NOT_ANSWERED, 2)
            flags = _ask_flags(out, [])
        logged = answer_checkin(
            s,
            user_id=LOCAL_USER_ID,
            kind=full,
            intensity=pain,
            region=region,
            red_flags=flags,
            same_as_last=same_as_last,
        )
        e = logged.entry
        linked = f", after run {e.run_id}" if e.run_id is not None else ""
        summary = f"Checked in ({full}): {e.region} {e.intensity}/10{linked} (entry {e.id})."
        print_logged(logged, summary, json_out=json_out)
