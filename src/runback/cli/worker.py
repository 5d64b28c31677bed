"""`runback worker`: import the uploads of the web app (jobs in the database), on any host."""

from __future__ import annotations

from collections.abc import Callable

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""

    @app.command("worker")
    def worker(
        ctx: typer.Context,
        once: bool = typer.Option(
            False, "--once", help="Import every waiting upload, then exit (for scripts and tests)."
        ),
        poll: float = typer.Option(
            1.0, "--poll", min=0.05, max=60.0, help="Seconds between looks for new uploads."
        ),
    ) -> None:
        """Import uploaded files in the background until stopped (SIGTERM or Ctrl-C)."""
        import signal
        import threading

        from runback.cli.common import console, handle_errors, store
        from runback.services.jobs import work, worker_name

        stop = threading.Event()

        def stop_soon(_signum: int, _frame: object) -> None:
            # The file being imported is finished and its result written; then the loop ends.
            stop.set()

        @handle_errors
        def run() -> int:
            st = store(ctx)
            name = worker_name()
            if not once:
                console().print(f"runback worker {name}: importing uploads; stop with Ctrl-C")
            return work(
                st, stop=stop, once=once, poll_s=poll, worker=name, when_idle=_calendars(st)
            )

        previous = {s: signal.signal(s, stop_soon) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            done = run()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        console().print(f"{done} upload{'' if done == 1 else 's'} imported.")


def _calendars(store: object) -> Callable[[], object] | None:
    """Hosted mode: read every user's due calendars, looking at most once a minute."""
    import time

    from runback.services.calendars import sync_due_everyone
    from runback.services.store import Store

    assert isinstance(store, Store)
    if store.settings.mode != "hosted":
        return None  # local mode: the reminder daemon reads them
    last = [float("-inf")]

    def sync() -> int:
        # Real time: how often an idle worker looks, like its poll of the jobs table.
        if time.monotonic() - last[0] < 60:
            return 0
        last[0] = time.monotonic()
        return sync_due_everyone(store)

    return sync
