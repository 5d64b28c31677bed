"""`runback sessions`: list the sessions done, and edit or delete one logged by mistake."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from runback.core.vocab import Context

if TYPE_CHECKING:
    from runback.services.sessions import SessionPublic

__all__ = ["register", "session_words"]


def session_words(s: SessionPublic) -> str:
    """Describe a session in a few words: "Back-up basics, Mon 05 Jan 09:00"."""
    from runback.cli.common import local_when

    return f"{s.routine_name}, {local_when(s.started_at, s.zone)}"


def _result(s: SessionPublic) -> str:
    if s.completed:
        return "completed"
    if s.ended_at is None:
        return "not finished"
    return f"partial, {len(s.steps_done)}/{s.steps_total} steps"


def register(app: typer.Typer) -> None:
    """Add the command group to the app."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="List your recent sessions; edit or delete one logged by mistake.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    app.add_typer(group, name="sessions")

    @group.callback()
    @handle_errors
    def list_cmd(
        ctx: typer.Context,
        limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many to show."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List your recent sessions, newest first, with the ids to edit or delete them."""
        if ctx.invoked_subcommand is not None:
            return
        import json

        from rich.markup import escape
        from rich.table import Table

        from runback.cli.common import console, local_when, opened_store
        from runback.services.sessions import recent_sessions
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            found = recent_sessions(st, user_id=LOCAL_USER_ID, limit=limit)
        if json_out:
            print(json.dumps([s.model_dump(mode="json") for s in found], indent=2))
            return
        if not found:
            console().print("No sessions yet: start one with `runback session`.")
            return
        table = Table(title="Recent sessions")
        for col in ("id", "when", "routine", "result", "enjoyment", "context"):
            table.add_column(col, justify="right" if col == "id" else "left")
        for s in found:
            table.add_row(
                str(s.id),
                local_when(s.started_at, s.zone),
                escape(s.routine_name),
                _result(s),
                f"{s.enjoyment}/5" if s.enjoyment else "-",
                s.context,
            )
        console().print(table)

    @group.command("delete")
    @handle_errors
    def delete_cmd(
        ctx: typer.Context,
        session_id: int = typer.Argument(..., help="The session id (see `runback sessions`)."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask first."),
    ) -> None:
        """Delete a session; streaks and statistics leave it out from then on."""
        from runback.cli.common import confirm_delete, console, opened_store
        from runback.services.sessions import delete_session, get_session
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            found = get_session(st, LOCAL_USER_ID, session_id)
            confirm_delete(f"session {session_id} ({session_words(found)})", yes)
            delete_session(st, session_id, user_id=LOCAL_USER_ID)
        console().print(f"Deleted session {session_id}.", highlight=False)

    @group.command("edit")
    @handle_errors
    def edit_cmd(
        ctx: typer.Context,
        session_id: int = typer.Argument(..., help="The session id (see `runback sessions`)."),
        enjoyment: int | None = typer.Option(
            None, "--enjoyment", min=1, max=5, help="How it felt, 1–5."
        ),
        context: Context | None = typer.Option(None, "--context", help="When you did it."),
        started: str | None = typer.Option(
            None, "--started", help="When it started, local time, e.g. '2026-01-05 07:30'."
        ),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Change a session's enjoyment, context or start time."""
        from runback.cli.common import console, fail, opened_store, parse_local_time
        from runback.services.sessions import get_session, update_session
        from runback.services.store import LOCAL_USER_ID

        if enjoyment is None and context is None and started is None:
            fail("nothing to change: give --enjoyment, --context or --started")
        with opened_store(ctx) as st:
            found = get_session(st, LOCAL_USER_ID, session_id)
            when = parse_local_time(started, found.zone, "--started") if started else None
            changed = update_session(
                st,
                session_id,
                user_id=LOCAL_USER_ID,
                enjoyment=enjoyment,
                context=context,
                started_at=when,
            )
        if json_out:
            print(changed.model_dump_json(indent=2))
            return
        enjoyed = f"{changed.enjoyment}/5" if changed.enjoyment else "not rated"
        console().print(
            f"Changed session {session_id} ({session_words(changed)}): {enjoyed}, "
            f"{changed.context}.",
            highlight=False,
        )
