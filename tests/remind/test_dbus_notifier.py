"""The real daemon, on a private session bus, talks to a recording notification server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runback.core.clock import FakeClock
from runback.services import breaks
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings

# The daemon at 600x real speed, answered by a real bus: run alone (the `realtime` pass).
pytestmark = pytest.mark.realtime

SERVER = Path(__file__).with_name("notification_server.py")


def run_on_bus(record: Path, answers: str, args: list[str], env: dict[str, str]) -> str:
    if shutil.which("dbus-run-session") is None:
        pytest.fail("dbus-run-session missing: run `make system-deps` (Debian package dbus)")
    cmd = [
        "dbus-run-session", "--", sys.executable, str(SERVER), str(record), answers, "--",
        sys.executable, "-m", "runback", "remind", *args,
    ]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_daemon_sends_real_notifications_and_hears_actions(
    tmp_path: Path, cli_env: dict[str, str], db_url: str
) -> None:
    record = tmp_path / "notifications.jsonl"
    env = {k: v for k, v in cli_env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    log = run_on_bus(
        record,
        "snooze,skip",
        ["--notifier", "dbus", "--speed", "600", "--record",
         "--start-at", "2026-01-05T09:25:00+01:00", "--run-for", "20m"],
        env,
    )  # fmt: skip
    assert record.exists(), f"no notification arrived; daemon said:\n{log}"
    sent = [json.loads(line) for line in record.read_text().splitlines()]
    assert len(sent) == 2, log
    assert sent[0]["summary"].startswith("Time to move") and sent[0]["app"] == "runback"
    assert sent[0]["actions"] == ["start", "Start", "snooze", "Snooze 5 min", "skip", "Skip"]
    store = open_store(Settings(database_url=db_url, zone="Europe/Berlin"), FakeClock())
    try:
        rows = breaks.history(store, FakeClock().now().replace(year=2025), user_id=LOCAL_USER_ID)
    finally:
        store.close()
    assert [r.outcome for r in rows] == ["snoozed", "skipped"]
    assert "break due 09:30: snoozed" in log
    # The snooze runs from the answer, which arrives a real instant (minutes at 600x) later.
    assert re.search(r"break due 09:3[5-9]: skipped", log), log


def test_auto_falls_back_to_terminal_without_a_bus(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in cli_env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-m", "runback", "remind", "--speed", "3000", "--start-at",
         "2026-01-05T09:29:00+01:00", "--run-for", "2m"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no D-Bus session bus" in done.stderr
    assert "Time to move" in done.stdout
