"""`runback today`, `stats` and `breaks` on a fake clock: the same answers at any hour and zone."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runback.core.clock import FakeClock
from runback.services.catalog import load_builtin
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.settings import Settings
from tests.conftest import Cli


def _session(store: Store, *, completed: bool, enjoyment: int | None = None) -> None:
    routine = load_builtin().routines["back-up-basics"]
    sid = start_session(store, routine, "after-run", user_id=LOCAL_USER_ID)
    finish_session(
        store,
        sid,
        completed=completed,
        enjoyment=enjoyment,
        steps_done=[s.exercise for s in routine.steps] if completed else [],
        user_id=LOCAL_USER_ID,
    )


def test_today_empty_suggests_a_session(cli: Cli) -> None:
    result = cli("today")
    assert result.exit_code == 0, result.output
    assert "No sessions yet today." in result.output
    assert "Streak: 0 days (longest 0 days)" in result.output
    assert "runback session" in result.output


def test_today_table_and_json(cli: Cli, store: Store) -> None:
    _session(store, completed=True, enjoyment=5)
    _session(store, completed=False)
    result = cli("today")
    assert result.exit_code == 0, result.output
    assert "Back-up basics" in result.output and "completed" in result.output
    assert "enjoyed 5/5" in result.output and "partial" in result.output
    assert "Streak: 1 day" in result.output

    result = cli("today", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["current_streak"] == 1 and data["practiced_today"] is True
    assert [s["completed"] for s in data["sessions"]] == [True, False]
    assert data["zone"] == "Europe/Berlin"


def test_today_bad_zone_is_a_clean_error(cli: Cli, db_url: str) -> None:
    cli.settings = Settings(database_url=db_url, zone="Mars/Olympus")
    result = cli("today")
    assert result.exit_code == 1
    assert "unknown time zone 'Mars/Olympus'" in result.output
    assert "Traceback" not in result.output


# Local wall times at which the suite once failed or could: office hours, after work, the last
# minutes of a Sunday, and the middle of a day whose clocks change (spring and autumn).
INSTANTS = {
    "weekday-0930": "2026-03-03T09:30",
    "weekday-1745": "2026-03-03T17:45",
    "sunday-2350": "2026-03-01T23:50",
}
DST_DAYS = {
    "Europe/Berlin": ("2026-03-29T12:00", "2026-10-25T12:00"),
    "America/Los_Angeles": ("2026-03-08T12:00", "2026-11-01T12:00"),
}
ZONES = ("Europe/Berlin", "America/Los_Angeles")  # one east and one west of UTC

CASES = [
    pytest.param(zone, local, id=f"{zone.split('/')[1]}-{name}")
    for zone in ZONES
    for name, local in [
        *INSTANTS.items(),
        ("dst-spring", DST_DAYS[zone][0]),
        ("dst-autumn", DST_DAYS[zone][1]),
    ]
]


@pytest.mark.parametrize(("zone", "local"), CASES)
def test_today_stats_and_breaks_agree_at_any_instant(
    zone: str, local: str, db_url: str, cli_env: dict[str, str]
) -> None:
    tz = ZoneInfo(zone)
    now = datetime.fromisoformat(local).replace(tzinfo=tz)
    settings = Settings(database_url=db_url, zone=zone)
    # Yesterday late in the evening, and today ten minutes ago: a two-day streak.
    yesterday = (now - timedelta(days=1)).replace(hour=22, minute=30)
    clock = FakeClock(yesterday)
    store = open_store(settings, clock)
    try:
        _session(store, completed=True)
        clock.advance((now - timedelta(minutes=10) - yesterday).total_seconds())
        _session(store, completed=True)
        clock.advance(10 * 60)
    finally:
        store.close()
    cli = Cli(settings, clock)

    today = json.loads(cli("today", "--json").output)
    assert today["date"] == now.date().isoformat()
    assert today["zone"] == zone
    assert len(today["sessions"]) == 1
    assert today["practiced_today"] is True and today["current_streak"] == 2

    stats = json.loads(cli("stats", "--json").output)
    assert stats["today"] == today["date"]
    assert stats["streaks"]["current"] == today["current_streak"] == 2
    assert stats["streaks"]["practice_days"] == 2

    breaks = json.loads(cli("breaks", "--json").output)
    assert breaks["today"]["due"] >= breaks["today"]["taken"] == 0

    table = cli("today")
    assert table.exit_code == 0, table.output
    assert f"{now:%A %d %B %Y}" in table.output
    assert "Streak: 2 days" in table.output


def test_moving_west_today_and_stats_agree_and_the_move_is_said_once(db_url: str) -> None:
    # Eleven sessions between 01:00 and 02:00 on Monday in Berlin: Sunday afternoon in LA.
    clock = FakeClock(datetime(2026, 1, 5, 1, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    berlin = open_store(Settings(database_url=db_url, zone="Europe/Berlin"), clock)
    try:
        for _ in range(11):
            _session(berlin, completed=True)
            clock.advance(5 * 60)
    finally:
        berlin.close()
    cli = Cli(Settings(database_url=db_url, zone="America/Los_Angeles"), clock)

    first = cli("today", "--json")
    assert first.exit_code == 0, first.output
    moved = (
        "Your time zone is now America/Los_Angeles (was Europe/Berlin): "
        "days are counted in the new zone."
    )
    assert " ".join(first.stderr.split()) == moved
    today = json.loads(first.stdout)
    assert today["date"] == "2026-01-04"
    assert len(today["sessions"]) == 11
    assert today["practiced_today"] is True and today["current_streak"] == 1

    second = cli("stats", "--json")
    assert second.stderr == ""  # said once: the new zone is stored now
    stats = json.loads(second.stdout)
    assert stats["today"] == today["date"]
    assert stats["streaks"]["practice_days"] == 1 and stats["streaks"]["current"] == 1
    assert stats["adherence"]["weeks"][-1]["days_done"] == 1
    text = cli("stats").stdout
    assert "Streak: 1 day of back-up work (longest 1, 1 days in all)" in text
