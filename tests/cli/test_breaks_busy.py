"""`runback breaks` around meetings: why a break moved, strict mode, skip with a reason, short."""

from __future__ import annotations

import json
from pathlib import Path

from runback.core.busy import BusyBlock
from runback.core.clock import FakeClock
from runback.services import breaks
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import Cli
from tests.remind.test_daemon import local
from tests.remind.test_daemon_busy import busy_calendar


def test_breaks_say_why_they_moved(cli: Cli, store: Store) -> None:
    busy_calendar(store, [BusyBlock(local(10), local(11, 30))])
    done = cli("breaks")
    assert done.exit_code == 0, done.output
    assert "09:55 break: moved before your 10:00 meeting" in done.output
    assert (
        "11:30 break: after your 10:00–11:30 meeting (a longer walk and an upper-back stretch)"
        in done.output
    )
    data = json.loads(cli("breaks", "--json").stdout)
    assert [m["reason"] for m in data["moved"]] == [
        "moved before your 10:00 meeting",
        "after your 10:00–11:30 meeting",
    ]


def test_strict_on_off_and_refusals(cli: Cli, store: Store, clock: FakeClock) -> None:
    assert "Strict mode: on." in cli("breaks", "--strict", "on").output
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).strict
    bad = cli("breaks", "--strict", "maybe")
    assert bad.exit_code == 1 and "--strict" in bad.output and "on or off" in bad.output
    clock.advance(31 * 60)  # 09:31
    # Not a terminal: strict mode needs the reason as an option, in one line.
    refused = cli("breaks", "skip")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "strict mode is on: say why you skip this break" in refused.output
    assert breaks.list_breaks(store, user_id=LOCAL_USER_ID) == []
    done = cli("breaks", "skip", "--reason", "on a call")
    assert done.exit_code == 0 and "Skipped the 09:30 break." in done.output
    (row,) = breaks.list_breaks(store, user_id=LOCAL_USER_ID)
    assert (row.outcome, row.reason) == ("skipped", "on a call")
    assert "Strict mode: off." in cli("breaks", "--strict", "off").output


def test_short_break_is_a_taken_short_one(cli: Cli, store: Store, clock: FakeClock) -> None:
    early = cli("breaks", "short")
    assert early.exit_code == 1 and "no break is due now" in early.output
    clock.advance(30 * 60)  # 09:30
    done = cli("breaks", "short")
    assert done.exit_code == 0, done.output
    assert "1-minute break for the 09:30 break: Stand up" in done.output
    (row,) = breaks.list_breaks(store, user_id=LOCAL_USER_ID)
    assert (row.outcome, row.short) == ("taken", True)


def test_focus_on_holds_the_break_to_the_meeting_end(cli: Cli, store: Store) -> None:
    busy_calendar(store, [BusyBlock(local(10), local(11, 30))])
    assert "Focus" in cli("breaks", "--focus", "on").output
    out = cli("breaks").output
    assert "09:55" not in out and "11:30 break: after your 10:00–11:30 meeting" in out


def test_today_says_why_the_next_break_moved(cli: Cli, store: Store, clock: FakeClock) -> None:
    busy_calendar(store, [BusyBlock(local(10), local(11, 30))])
    clock.advance(31 * 60)  # 09:31
    breaks.log_break(store, local(9, 30), "taken", local(9, 31), user_id=LOCAL_USER_ID)
    out = " ".join(cli("today").output.split())
    assert "next 09:55 (moved before your 10:00 meeting)" in out
    assert "11:30 break after your 10:00–11:30 meeting: walk longer, stretch your upper back" in out


def test_export_puts_breaks_after_the_meeting(cli: Cli, store: Store, tmp_path: Path) -> None:
    busy_calendar(store, [BusyBlock(local(10), local(11, 30))])
    out = tmp_path / "breaks.ics"
    done = cli("calendar", "export", str(out))
    assert done.exit_code == 0, done.output
    text = out.read_text()
    assert "UID:break-20260105-1130@runback" in text
    assert "UID:break-20260105-1000@runback" not in text
    assert "URL:http://127.0.0.1:8765/player/desk-break?context=desk-break" in text
