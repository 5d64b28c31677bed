"""`runback remind`: the movement-break daemon, its systemd unit, status, pauses and settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from datetime import tzinfo

__all__ = ["register"]


NOTIFIERS = ("auto", "dbus", "terminal")
MAX_SPEED = 10_000.0
MAX_PAUSE_S = 30 * 86400.0
MAX_RUN_FOR_S = 366 * 86400.0


def _parse_duration(text: str, option: str = "duration", most_s: float = MAX_RUN_FOR_S) -> float:
    """Return seconds for '90', '90s', '45m', '8h': finite, positive and at most `most_s`."""
    import math

    from runback.errors import ConfigError

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    clean = text.strip().lower()
    try:
        if clean and clean[-1] in units:
            seconds = float(clean[:-1]) * units[clean[-1]]
        else:
            seconds = float(clean)
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not a duration like 90s, 45m or 8h") from None
    if not math.isfinite(seconds) or seconds <= 0 or seconds > most_s:
        raise ConfigError(
            f"{option} {text!r}: give a duration from 1s to {most_s / 86400:g} days, e.g. 8h"
        )
    return seconds


def register(app: typer.Typer) -> None:
    """Add the `remind` command group to the app."""
    remind = typer.Typer(
        help="Movement-break reminders: run the daemon, install it, pause it, configure it.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    app.add_typer(remind, name="remind")

    @remind.callback()
    def run(
        ctx: typer.Context,
        speed: float = typer.Option(1.0, "--speed", help="Run the clock N times faster (demos)."),
        notifier: str = typer.Option(
            "auto", "--notifier", help="auto | dbus | terminal: where reminders appear."
        ),
        run_for: str | None = typer.Option(
            None, "--run-for", help="Stop after this much clock time (e.g. 8h)."
        ),
        start_at: str | None = typer.Option(
            None, "--start-at", help="Start the clock at this ISO time (with --speed, demos)."
        ),
        record: bool = typer.Option(
            False, "--record", help="Keep what a demo (--speed, --start-at) logs in your data."
        ),
    ) -> None:
        """Run the reminder daemon: remind you to move while you sit."""
        if ctx.invoked_subcommand is not None:
            return
        from runback.cli.common import handle_errors

        handle_errors(_run_daemon)(ctx, speed, notifier, run_for, start_at, record)

    @remind.command("install")
    def install(
        ctx: typer.Context,
        enable: bool = typer.Option(True, "--enable/--no-enable", help="Enable and start it."),
    ) -> None:
        """Write (and enable) a systemd --user unit that runs `runback remind`."""
        import os

        from runback.cli.common import console
        from runback.remind.systemd import install_unit, unit_text

        text = unit_text(os.environ.get("RUNBACK_DATABASE_URL"), os.environ.get("RUNBACK_ZONE"))
        path, what = install_unit(text, enable=enable)
        console().print(f"{path}: {what}", highlight=False)

    @remind.command("status")
    def status(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """Show when the next break and pre-run reminder are due."""
        from runback.cli.common import handle_errors

        handle_errors(_status)(ctx, json_out)

    @remind.command("pause")
    def pause(
        ctx: typer.Context,
        how: str = typer.Argument(..., help="1h (or any span: 30m, 2h) or tomorrow."),
    ) -> None:
        """Hold reminders back for a while, or until tomorrow."""
        from datetime import timedelta

        from runback.cli.common import console, handle_errors, store
        from runback.services import breaks

        def go() -> None:
            from runback.services.store import LOCAL_USER_ID

            span: str | timedelta = (
                how
                if how in ("1h", "tomorrow")
                else timedelta(seconds=_parse_duration(how, "remind pause", MAX_PAUSE_S))
            )
            s = store(ctx)
            until = breaks.pause(s, span, user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
            zone = s.user_zone(user_id=LOCAL_USER_ID)
            console().print(f"Reminders paused until {until.astimezone(_tz(zone)):%a %H:%M}.")

        handle_errors(go)()

    @remind.command("resume")
    def resume(ctx: typer.Context) -> None:
        """End a pause now."""
        from runback.cli.common import console, handle_errors, store
        from runback.services import breaks
        from runback.services.store import LOCAL_USER_ID

        handle_errors(lambda: breaks.resume(store(ctx), user_id=LOCAL_USER_ID))()
        console().print("Reminders resumed.")

    @remind.command("config")
    def config(
        ctx: typer.Context,
        set_: list[str] = typer.Option(
            [], "--set", help='FIELD=VALUE, e.g. interval_min=45 or run_days={"tue":"18:30"}.'
        ),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show reminder settings, or change them with --set FIELD=VALUE."""
        from runback.cli.common import handle_errors

        handle_errors(_config)(ctx, set_, json_out)


def _tz(zone: str) -> tzinfo:
    from runback.core.timezones import to_zone

    return to_zone(zone)


def _config(ctx: typer.Context, pairs: list[str], json_out: bool) -> None:
    import json

    from runback.cli.common import console, store
    from runback.errors import ValidationError
    from runback.services import breaks
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    if pairs:
        changes: dict[str, object] = {}
        for pair in pairs:
            field, sep, value = pair.partition("=")
            if not sep:
                raise ValidationError("--set", [f"{pair!r}: write FIELD=VALUE"])
            try:
                changes[field.strip()] = json.loads(value)
            except json.JSONDecodeError:
                changes[field.strip()] = value
        prefs = breaks.set_prefs(s, changes, merge=True, user_id=LOCAL_USER_ID)
    else:
        prefs = breaks.get_prefs(s, user_id=LOCAL_USER_ID)
    data = prefs.model_dump(mode="json")
    if json_out:
        print(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        console().print(f"{key:20} {json.dumps(value)}", highlight=False)


def _status(ctx: typer.Context, json_out: bool) -> None:
    import json

    from runback.cli.common import console, store
    from runback.services import breaks
    from runback.services.store import LOCAL_USER_ID

    s = store(ctx)
    sched = breaks.schedule_for(s, user_id=LOCAL_USER_ID)
    now = s.clock.now()
    due = breaks.next_break(s, user_id=LOCAL_USER_ID)
    prerun = sched.next_prerun(now)
    paused = (
        sched.prefs.paused_until
        if sched.prefs.paused_until and sched.prefs.paused_until > now
        else None
    )
    if json_out:
        print(
            json.dumps(
                {
                    "next_break": due.isoformat() if due else None,
                    "next_prerun": prerun.isoformat() if prerun else None,
                    "paused_until": paused.isoformat() if paused else None,
                    "mode": sched.prefs.mode,
                    "enabled": sched.prefs.enabled,
                }
            )
        )
        return
    c = console()

    def fmt(t: object) -> str:
        from datetime import datetime

        assert isinstance(t, datetime)
        return f"{t.astimezone(sched.tz):%a %d %b %H:%M} ({sched.zone})"

    if not sched.prefs.enabled:
        c.print("Reminders are off (runback remind config --set enabled=true).")
    if paused:
        c.print(f"Paused until {fmt(paused)}.")
    c.print(f"Next break: {fmt(due) if due else 'none (no active hours set)'}")
    if prerun:
        c.print(f"Next pre-run reminder: {fmt(prerun)}")


def _run_daemon(
    ctx: typer.Context,
    speed: float,
    notifier_kind: str,
    run_for: str | None,
    start_at: str | None,
    record: bool,
) -> None:
    import math
    import os
    from datetime import UTC, datetime, timedelta

    from runback.cli.common import demo_store, err_console, store
    from runback.core.clock import Clock, ScaledClock, SystemClock
    from runback.errors import ConfigError
    from runback.remind.daemon import Daemon, StartAtClock, default_beeper
    from runback.remind.idle import detect_idle_source
    from runback.remind.launch import choose_launcher
    from runback.remind.notify import choose_notifier
    from runback.services import breaks
    from runback.services.calendar_fetch import fetcher_for
    from runback.services.demo import demo_line

    if not math.isfinite(speed) or speed <= 0 or speed > MAX_SPEED:
        raise ConfigError(f"--speed {speed:g}: give a number above 0 and at most {MAX_SPEED:g}")
    if notifier_kind not in NOTIFIERS:
        raise ConfigError(f"--notifier {notifier_kind!r}: choose one of {', '.join(NOTIFIERS)}")
    run_for_s = _parse_duration(run_for, "--run-for") if run_for else None
    clock: Clock
    if start_at:
        try:
            start = datetime.fromisoformat(start_at)
        except ValueError:
            raise ConfigError(
                f"--start-at {start_at!r}: use an ISO time like 2026-03-02T09:00+01:00"
            ) from None
        if start.tzinfo is None:
            raise ConfigError(f"--start-at {start_at!r}: add a UTC offset, e.g. +01:00")
        clock = ScaledClock(speed, base=StartAtClock(start.astimezone(UTC)))
    else:
        clock = ScaledClock(speed) if speed != 1 else SystemClock()
    err = err_console()
    demo = (speed != 1 or start_at is not None) and not record
    if demo:
        err.print(demo_line(speed, start_at), highlight=False, soft_wrap=True)
        s = demo_store(ctx, clock)
    else:
        s = store(ctx, clock)
    from runback.remind.lock import hold_daemon_lock
    from runback.services.store import LOCAL_USER_ID

    # One daemon per user (a demo runs on its own throw-away database, so it has its own lock).
    lock = hold_daemon_lock(s.settings.database_url, LOCAL_USER_ID, clock.now())
    ctx.call_on_close(lock.release)
    # The guided break started from a reminder logs where this daemon does, as fast.
    session_args = [] if speed == 1 else ["--speed", f"{min(speed, 1000):g}", "--record"]
    session_env = {**os.environ, "RUNBACK_DATABASE_URL": s.settings.database_url}
    notifier, notice = choose_notifier(notifier_kind)
    if notice:
        err.print(notice, highlight=False)
    idle = None
    if breaks.get_prefs(s, user_id=LOCAL_USER_ID).mode == "adaptive":
        idle = detect_idle_source()
        if idle is None:
            err.print(
                "no idle source (logind IdleHint or xprintidle): fixed mode, breaks on the clock",
                highlight=False,
            )
    until = clock.now() + timedelta(seconds=run_for_s) if run_for_s else None
    daemon = Daemon(
        store=s,
        notifier=notifier,
        idle=idle,
        clock=clock,
        beep=default_beeper(),
        # A demo's web player would log into the real database: terminals only.
        launcher=choose_launcher(s.settings, session_args, session_env, web=not demo),
        real_per_clock_s=1 / speed,
        out=lambda line: err.print(line, highlight=False),
        # A demo's throw-away database has no calendars of the user's to read.
        calendar_fetcher=None if demo else fetcher_for(s.settings),
    )
    try:
        daemon.run(until)
    except KeyboardInterrupt:
        pass
    finally:
        notifier.close()
        s.close()
