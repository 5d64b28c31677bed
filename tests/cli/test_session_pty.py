"""`runback session` end to end in a real pseudo-terminal: runs, keys, Ctrl-C and SIGTERM."""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from runback.services.sessions import SessionPublic, list_sessions
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings

# Sessions at 60-500x real speed in a real terminal: run alone (the `realtime` pass).
pytestmark = pytest.mark.realtime

RUNBACK = Path(sys.executable).parent / "runback"
STEPS = ["hip-table-stretch", "seated-upper-back-stretch", "roll-down"]


@pytest.fixture
def spawn(cli_env: dict[str, str]) -> Iterator[type[pexpect.spawn]]:
    children: list[pexpect.spawn] = []

    def start(*args: str) -> pexpect.spawn:
        env = {**cli_env, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40"}
        child = pexpect.spawn(
            str(RUNBACK),
            list(args),
            env=env,
            dimensions=(40, 100),
            timeout=30,
            encoding="utf-8",
            # A signal can cut a multi-byte character of the live display in half; a real
            # terminal shows a replacement mark there, and so does the test.
            codec_errors="replace",
        )
        children.append(child)
        return child

    yield start  # type: ignore[misc]
    for child in children:
        if child.isalive():
            child.terminate(force=True)
        child.close()


def _sessions(db_url: str) -> list[SessionPublic]:
    store = open_store(Settings(database_url=db_url, zone="Europe/Berlin"))
    try:
        return list_sessions(store, user_id=LOCAL_USER_ID)
    finally:
        store.close()


def _wait_exit(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, f"killed by signal {child.signalstatus}"
    return int(child.exitstatus)


def test_full_session_is_stored_completed(spawn: type[pexpect.spawn], db_url: str) -> None:
    child = spawn(
        "session", "--speed", "60", "--record", "--enjoyment", "4", "--context", "after-run"
    )
    child.expect("GET READY")
    child.expect("Table hip and lower-back stretch")
    child.expect("space/p pause")  # keys are live on a terminal
    child.expect("Session complete")
    assert _wait_exit(child) == 0
    [s] = _sessions(db_url)
    assert s.completed and s.enjoyment == 4 and s.context == "after-run"
    assert s.steps_done == STEPS and s.steps_skipped == [] and s.ended_at is not None
    # 285 s of routine, and 10 s more to read each of the three exercises new to this user.
    assert s.active_s == pytest.approx(285 + 30, abs=2) and s.state is None


@pytest.mark.parametrize(
    ("send", "code"), [("intr", 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_interrupt_keeps_partial_session(
    spawn: type[pexpect.spawn], db_url: str, send: object, code: int
) -> None:
    child = spawn("session", "--speed", "60", "--record", "--no-sound")
    child.expect("step 2/3")  # the first step is done and saved
    if send == "intr":
        child.sendintr()
    else:
        assert isinstance(send, int)
        child.kill(send)
    child.expect("partial session saved")
    assert _wait_exit(child) == code
    [s] = _sessions(db_url)
    assert not s.completed and s.ended_at is not None and s.state is None
    # A slow machine may let the second step finish before the signal lands.
    assert s.steps_done[:1] == ["hip-table-stretch"] and len(s.steps_done) < 3
    assert 130 <= s.active_s < 270


def test_skip_key_and_enjoyment_question(spawn: type[pexpect.spawn], db_url: str) -> None:
    child = spawn("session", "--speed", "60", "--record", "--no-sound")
    child.expect("step 1/3")
    child.send("s")
    child.expect("step 2/3")
    child.expect("How did that feel")
    child.sendline("9")  # out of range: asked again
    child.expect("number from 1 to 5")
    child.sendline("5")
    child.expect("Session finished")
    assert _wait_exit(child) == 0
    [s] = _sessions(db_url)
    # A skipped step: not completed; the other two held (120 of 240 s) still count.
    assert not s.completed and s.enjoyment == 5 and s.done_s == 120
    assert s.steps_skipped == ["hip-table-stretch"]
    assert s.steps_done == ["seated-upper-back-stretch", "roll-down"]


def test_pause_then_quit_key(spawn: type[pexpect.spawn], db_url: str) -> None:
    child = spawn(
        "session", "desk-break", "--speed", "60", "--record", "--no-sound", "--enjoyment", "2"
    )
    child.expect("step 1/3")
    child.send(" ")
    child.expect("PAUSED")
    child.send("q")
    child.expect("ended early")
    assert _wait_exit(child) == 0
    [s] = _sessions(db_url)
    assert s.routine_slug == "desk-break" and not s.completed
    assert s.steps_done == [] and s.enjoyment == 2
    assert s.active_s < 10


def test_unknown_routine_is_a_clear_error(spawn: type[pexpect.spawn], db_url: str) -> None:
    child = spawn("session", "back-up-basic", "--no-sound")
    assert _wait_exit(child) == 1
    text = re.sub(r"\x1b\[[0-9;]*m", "", child.before)
    assert "no routine 'back-up-basic'; did you mean 'back-up-basics'" in text
    assert _sessions(db_url) == []


def test_runs_without_a_terminal(cli_env: dict[str, str], db_url: str) -> None:
    import subprocess

    proc = subprocess.run(
        [str(RUNBACK), "session", "desk-break", "--speed", "200", "--record", "--no-sound"],
        env=cli_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Session complete" in proc.stdout
    # The end says where today stands: minutes against the target, streak, habit strength.
    assert "Today: " in proc.stdout and " min · streak 1 day · habit strength " in proc.stdout
    [s] = _sessions(db_url)
    assert s.completed and s.enjoyment is None


def test_a_sped_up_session_is_a_demo_unless_recorded(cli_env: dict[str, str], db_url: str) -> None:
    import subprocess

    def run(*extra: str) -> str:
        proc = subprocess.run(
            [str(RUNBACK), "session", "desk-break", "--speed", "500", "--no-sound", *extra],
            env=cli_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    out = run()
    assert out.splitlines()[0] == (
        "Demo at 500× speed on a throw-away database: nothing is recorded. Add --record to keep it."
    )
    assert _sessions(db_url) == []
    assert "throw-away" not in run("--record")
    [s] = _sessions(db_url)
    assert s.completed and s.routine_slug == "desk-break"
