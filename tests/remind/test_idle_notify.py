"""Idle sources and the terminal notifier."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from runback.remind.idle import parse_logind
from runback.remind.notify import Notice, TerminalNotifier
from runback.remind.systemd import unit_text

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_logind_idle_hint() -> None:
    since = int(datetime(2026, 1, 5, 9, 55, tzinfo=UTC).timestamp() * 1e6)
    assert parse_logind(f"IdleHint=yes\nIdleSinceHint={since}\n", NOW) == 300
    assert parse_logind("IdleHint=no\nIdleSinceHint=0\n", NOW) == 0
    assert parse_logind("IdleHint=yes\nIdleSinceHint=0\n", NOW) is None
    assert parse_logind("", NOW) is None


def test_terminal_notifier_without_a_keyboard_only_prints() -> None:
    out = io.StringIO()
    n = TerminalNotifier(out=out, inp=io.StringIO("s\n"))  # not a tty
    n.notify(Notice("Time to move", "stand up", (("start", "Start"), ("skip", "Skip"))))
    assert "Time to move — stand up" in out.getvalue()
    assert "[s]" not in out.getvalue()
    assert n.wait_action(0) is None


def test_unit_text_quotes_paths() -> None:
    text = unit_text("sqlite:////home/a b/runback.db", "Europe/Berlin")
    assert 'Environment="RUNBACK_DATABASE_URL=sqlite:////home/a b/runback.db"' in text
    assert 'Environment="RUNBACK_ZONE=Europe/Berlin"' in text


def test_unit_text_escapes_percent_signs() -> None:
    text = unit_text("postgresql://me:p%40ss@db/runback", "Europe/Berlin")
    assert 'Environment="RUNBACK_DATABASE_URL=postgresql://me:p%%40ss@db/runback"' in text
    assert "p%40ss" not in text


def test_terminal_notifier_reads_the_number_from_a_terminal() -> None:
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        inp = os.fdopen(follower, "r", closefd=False)
        out = io.StringIO()
        n = TerminalNotifier(out=out, inp=inp)
        actions = (("start", "Start"), ("snooze", "Snooze 5 min"), ("skip", "Skip"))
        n.notify(Notice("Time to move", "stand up", actions))
        assert "[1] Start  [2] Snooze 5 min  [3] Skip" in out.getvalue()
        os.write(leader, b"2\n")
        assert n.wait_action(5) == "snooze"
        assert n.wait_action(0) is None
        inp.close()
    finally:
        os.close(leader)
        os.close(follower)


def test_start_opens_a_terminal_or_else_the_web_player() -> None:
    from runback.remind.launch import choose_launcher, player_url
    from runback.settings import Settings

    settings = Settings(database_url="sqlite://", host="127.0.0.1", port=9999)
    here = choose_launcher(settings, tty=True, environ={})
    assert here is not None and here.wait and here.command[-4:] == [
        "session", "desk-break", "--context", "desk-break",
    ]  # fmt: skip
    found = {"xterm": "/usr/bin/xterm"}
    window = choose_launcher(settings, tty=False, which=found.get, environ={"DISPLAY": ":0"})
    assert window is not None and window.command[:2] == ["/usr/bin/xterm", "-e"]
    assert not window.wait
    web = choose_launcher(settings, tty=False, which=found.get, environ={})
    assert web is not None and web.url == player_url(settings)
    assert web.url == "http://127.0.0.1:9999/player/desk-break?context=desk-break"
    assert choose_launcher(settings, tty=False, which=found.get, environ={}, web=False) is None
