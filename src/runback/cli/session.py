"""`runback session`: a guided routine with a countdown, cues and keys; stored as it goes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from runback.core.vocab import Context

if TYPE_CHECKING:
    from runback.core.catalog import ResolvedStep
    from runback.core.engine import Engine
    from runback.services.store import Store

__all__ = ["register"]


class _Stopped(Exception):
    """SIGTERM or SIGHUP arrived: save the partial session and exit."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("session")
    @handle_errors
    def session(
        ctx: typer.Context,
        routine: str = typer.Argument(
            "back-up-basics", help="Routine slug (see `runback routine list`)."
        ),
        context: Context | None = typer.Option(
            None,
            "--context",
            help="When you are doing it (default: from the routine and the time of day).",
        ),
        speed: float = typer.Option(
            1.0, "--speed", min=0.01, max=1000.0, help="Run the clock N times faster (demo)."
        ),
        voice: bool = typer.Option(False, "--voice", help="Speak cues (needs espeak-ng)."),
        enjoyment: int | None = typer.Option(
            None, "--enjoyment", min=1, max=5, help="How it felt, 1–5 (skips the question)."
        ),
        no_sound: bool = typer.Option(False, "--no-sound", help="No beeps or bell."),
        record: bool = typer.Option(
            False, "--record", help="Keep a sped-up (--speed) session in your history."
        ),
        ready: int | None = typer.Option(
            None,
            "--ready",
            min=0,
            max=60,
            help="Seconds added to every get-ready (default: your player setting).",
        ),
        no_figure: bool = typer.Option(
            False, "--no-figure", help="No drawing of the exercise (braille), text only."
        ),
    ) -> None:
        """Run a guided routine (default Back-up basics) with a countdown and cues."""
        run_session(
            ctx, routine, context, speed, voice, enjoyment, no_sound, record, ready, not no_figure
        )


def run_session(
    ctx: typer.Context,
    slug: str,
    context: str | None,
    speed: float,
    voice: bool,
    enjoyment: int | None,
    no_sound: bool,
    record: bool = True,
    ready: int | None = None,
    figures: bool = True,
) -> None:
    """Play a routine on this terminal and store it, also when interrupted."""
    import contextlib
    import signal
    import sys

    from runback.cli.common import cli_state, console, demo_store, store
    from runback.cli.player import KeyReader, Player
    from runback.core.clock import ScaledClock
    from runback.core.engine import Engine
    from runback.core.phases import expand
    from runback.services import sessions
    from runback.services.player import resolve_for_player
    from runback.services.routines import get_routine, user_catalog
    from runback.services.store import LOCAL_USER_ID
    from runback.sound import SilentSounder, Sounder

    out = console()
    if speed != 1.0 and not record:
        from runback.services.demo import demo_line

        out.print(demo_line(speed), highlight=False, soft_wrap=True)
        st = demo_store(ctx)
    else:
        st = store(ctx)
    routine = get_routine(st, slug, LOCAL_USER_ID)
    steps, new = resolve_for_player(
        st, user_catalog(st, LOCAL_USER_ID), routine, user_id=LOCAL_USER_ID, ready_s=ready
    )
    flags = _first_screen(out, st, steps)
    base = cli_state(ctx).clock
    clock = ScaledClock(speed, base=base) if speed != 1.0 else base
    engine = Engine(expand(steps), clock)
    cues = SilentSounder() if no_sound else Sounder(voice=voice)
    interactive = sys.stdin.isatty()

    sid = sessions.start_session(
        st, LOCAL_USER_ID, routine, context, steps_total=len(steps), planned_s=engine.planned_s
    )

    def save(e: Engine) -> None:
        sessions.record_progress(
            st,
            LOCAL_USER_ID,
            sid,
            steps_done=e.steps_done,
            steps_skipped=e.steps_skipped,
            active_s=e.active_s,
            done_s=e.done_s,
            state=e.snapshot(),
        )

    def on_signal(signum: int, _frame: Any) -> None:
        raise _Stopped(signum)

    watched = [signal.SIGTERM, signal.SIGHUP]
    previous = {s: signal.signal(s, on_signal) for s in watched}
    keys = KeyReader(sys.stdin.fileno()) if interactive else None
    status = 0
    ended = False
    try:
        player = Player(
            engine,
            title=routine.name,
            console=out,
            cues=cues,
            keys=keys,
            speed=speed,
            on_progress=save,
            new_exercises=new,
            figures=figures,
            flags=flags,
        )
        if keys is not None:
            with keys:
                player.run()
        else:
            player.run()
        # A rating given up front is stored with the finish: one transaction, never half of it.
        _finish(st, sid, engine, completed=engine.completed, rating=enjoyment)
        ended = True
        rating = enjoyment
        if rating is None and interactive and (engine.completed or engine.steps_done):
            rating = _ask_enjoyment()
        if rating is not None and enjoyment is None:
            sessions.rate_session(st, LOCAL_USER_ID, sid, rating)
    except KeyboardInterrupt:
        status = 130
    except _Stopped as exc:
        status = 128 + exc.signum
    finally:
        # Nothing may interrupt saving what was done.
        for s in (signal.SIGINT, *watched):
            signal.signal(s, signal.SIG_IGN)
        if not ended:
            engine.quit()
            _finish(st, sid, engine, completed=False, rating=enjoyment)
        # After saving: a hung-up terminal (SIGHUP) may refuse to be restored.
        if keys is not None:
            with contextlib.suppress(Exception):
                keys.restore()
        if isinstance(cues, Sounder):
            cues.close(timeout=0.5)
        for s, handler in previous.items():
            signal.signal(s, handler)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
        _summary(out, engine, sid, status)
        if not status:
            _today_line(out, st)
    if status:
        raise typer.Exit(status)


def _first_screen(out: Any, st: Store, steps: list[ResolvedStep]) -> dict[str, str]:
    """Print the exercise disclaimer and the profile's flags; return the flags by slug."""
    from rich.markup import escape

    from runback.core.profile import EXERCISE_DISCLAIMER
    from runback.services.profile import exercise_flags
    from runback.services.store import LOCAL_USER_ID

    out.print(EXERCISE_DISCLAIMER, style="dim", highlight=False, soft_wrap=True)
    flags = exercise_flags(st, [s.exercise for s in steps], user_id=LOCAL_USER_ID)
    named = {s.exercise.slug: s.exercise.name for s in steps}
    for slug, line in flags.items():
        out.print(
            f"[yellow]⚠ {escape(named[slug])}: {escape(line)}[/]", highlight=False, soft_wrap=True
        )
    return flags


def _finish(
    st: Store, sid: int, engine: Engine, *, completed: bool, rating: int | None = None
) -> None:
    from runback.services import sessions
    from runback.services.store import LOCAL_USER_ID

    sessions.finish_session(
        st,
        LOCAL_USER_ID,
        sid,
        completed=completed,
        enjoyment=rating,
        steps_done=engine.steps_done,
        steps_skipped=engine.steps_skipped,
        active_s=engine.active_s,
        done_s=engine.done_s,
    )


def _ask_enjoyment() -> int | None:
    """Ask how the session felt; Enter (or end of input) skips."""
    while True:
        try:
            answer = input("How did that feel? 1 (meh) – 5 (great), Enter to skip: ").strip()
        except EOFError:
            return None
        if not answer:
            return None
        if answer in {"1", "2", "3", "4", "5"}:
            return int(answer)
        print("Please type a number from 1 to 5, or just Enter.")


def _today_line(out: Any, st: Store) -> None:
    """Print today's minutes against the target, the streak and the habit's strength."""
    from runback.services.store import LOCAL_USER_ID
    from runback.services.today import today

    t = today(st, LOCAL_USER_ID)
    days = "day" if t.current_streak == 1 else "days"
    out.print(
        f"Today: {t.minutes_done:g} of {t.minutes_target} min · streak {t.current_streak} {days}"
        f" · habit strength {t.habit.routine_percent}%",
        highlight=False,
    )


def _summary(out: Any, engine: Engine, sid: int, status: int) -> None:
    done, total = len(engine.steps_done), engine.steps_total
    minutes, seconds = divmod(round(engine.active_s), 60)
    if engine.completed and engine.all_steps_done:
        head = "Session complete"
    elif engine.completed:
        head = "Session finished"  # with skipped steps, which "complete" would not mean
    elif status:
        head = "Session stopped: partial session saved"
    else:
        head = "Session ended early: saved"
    skipped = f", {len(engine.steps_skipped)} skipped" if engine.steps_skipped else ""
    out.print(
        f"[bold]{head}[/] (#{sid}): {done}/{total} steps done{skipped}, {minutes} min {seconds} s.",
        highlight=False,
    )
