"""Streaks on PostgreSQL, read from the day rollups, equal the core functions on random data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from runback.core.clock import FakeClock
from runback.core.streaks import counts_as_practice, current_streak, longest_streak, practice_days
from runback.services.rollups import check_rollups
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.services.streaks import Streaks, streaks
from runback.services.today import today as today_view
from runback.settings import Settings
from runback.storage.models import SessionRow, UserRow
from tests.pg import PgServer, pg_server_or_skip

pytestmark = pytest.mark.postgres

# Zones far ahead of and behind UTC (a session can land on the user's tomorrow), DST at
# midnight (Santiago), half-hour DST (Lord Howe) and a quarter-hour offset (Kathmandu).
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
NOW = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # Europe's spring-forward day

# (started, zone, planned_s, done_s, steps_done): planned_s None is a row from before 0003.
Session = tuple[datetime, str, float | None, float, list[str] | None]
sessions = st.lists(
    st.tuples(
        # Mostly the last few weeks (streaks that touch today), sometimes much older.
        st.one_of(
            st.integers(min_value=-21 * 24 * 60, max_value=2 * 24 * 60),
            st.integers(min_value=-800 * 24 * 60, max_value=0),
        ).map(lambda m: NOW + timedelta(minutes=m)),
        st.sampled_from(ZONES),
        st.sampled_from([None, 0.0, 240.0, 170.0, 0.3]),
        # Exactly half, just under, float noise, everything, nothing.
        st.sampled_from([0.0, 85.0, 119.99, 120.0, 0.15, 0.1 + 0.05, 240.0])
        | st.floats(min_value=0, max_value=300, allow_nan=False),
        st.sampled_from([[], ["cat-cow"], ["cat-cow", "bird-dog"], None]),
    ),
    max_size=40,
)


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    """Start one PostgreSQL server for this module (skip when none is installed)."""
    yield from pg_server_or_skip()


@pytest.fixture(scope="module")
def pg_store(pg: PgServer) -> Iterator[Store]:
    """Return a store on a fresh PostgreSQL database, user zone Europe/Berlin."""
    url = pg.create_database()
    clock = FakeClock(NOW)
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), clock)
    yield store
    store.close()
    pg.drop_database(url)


def _expected(rows: list[Session], today: date, user_zone: str = "Europe/Berlin") -> Streaks:
    days = practice_days(
        (
            at
            for at, _zone, planned, done, steps in rows
            if counts_as_practice(planned_s=planned, done_s=done, steps_done=steps)
        ),
        user_zone,
    )
    return Streaks(today in days, current_streak(days, today), longest_streak(days))


def _set_zone(store: Store, zone: str) -> None:
    with store.tx() as s:
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.zone = zone


def _store_sessions(store: Store, rows: list[Session]) -> None:
    with store.tx() as s:
        s.execute(delete(SessionRow))
        if rows:
            s.execute(
                insert(SessionRow),
                [
                    {
                        "user_id": LOCAL_USER_ID,
                        "routine_slug": "back-up-basics",
                        "routine_name": "Back-up basics",
                        "started_at": at,
                        "ended_at": at + timedelta(minutes=8),
                        "zone": zone,
                        "steps_total": 5,
                        "steps_done": steps,
                        "steps_skipped": [],
                        "completed": False,
                        "context": "other",
                        "active_s": 60.0,
                        "planned_s": planned,
                        "done_s": done,
                    }
                    for at, zone, planned, done, steps in rows
                ],
            )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=sessions,
    today_offset=st.integers(min_value=-2, max_value=2),
    user_zone=st.sampled_from(ZONES),
)
def test_sql_streaks_equal_the_core_functions(
    pg_store: Store, rows: list[Session], today_offset: int, user_zone: str
) -> None:
    _store_sessions(pg_store, rows)
    _set_zone(pg_store, user_zone)
    today = date(2026, 3, 29) + timedelta(days=today_offset)
    assert streaks(pg_store, today, user_id=LOCAL_USER_ID) == _expected(rows, today, user_zone)
    # The rollups the bulk insert and the zone change left are those a rebuild makes.
    assert check_rollups(pg_store).wrong_days == 0


def test_a_three_year_streak_and_a_gap(pg_store: Store) -> None:
    rows: list[Session] = [
        (NOW - timedelta(days=d), "Europe/Berlin", 240.0, 240.0, ["cat-cow"])
        for d in range(3 * 365)
        if d != 400
    ]
    _store_sessions(pg_store, rows)
    _set_zone(pg_store, "Europe/Berlin")
    today = date(2026, 3, 29)
    assert streaks(pg_store, today, user_id=LOCAL_USER_ID) == Streaks(True, 400, 3 * 365 - 401)
    summary = today_view(pg_store, user_id=LOCAL_USER_ID)
    assert summary.practiced_today and summary.current_streak == 400
    assert summary.longest_streak == 3 * 365 - 401 and len(summary.sessions) == 1


def test_a_session_on_the_users_tomorrow_keeps_yesterdays_streak(pg_store: Store) -> None:
    # Today is Mar 28 for a user in Pago Pago (UTC-11); a session stamped on the 30th (a clock
    # set wrong, an import) must not hide the streak that ends yesterday.
    at = datetime(2026, 3, 29, 10, 30, tzinfo=UTC)  # 23:30 on the 28th in Pago Pago
    rows: list[Session] = [
        (at - timedelta(days=2), "Pacific/Pago_Pago", 240.0, 120.0, None),
        (at - timedelta(days=1), "Pacific/Pago_Pago", None, 0.0, ["cat-cow"]),
        (at + timedelta(days=1, hours=2), "Pacific/Kiritimati", 240.0, 240.0, ["cat-cow"]),
    ]
    _store_sessions(pg_store, rows)
    _set_zone(pg_store, "Pacific/Pago_Pago")
    expected = Streaks(False, 2, 2)
    assert _expected(rows, date(2026, 3, 28), "Pacific/Pago_Pago") == expected
    assert streaks(pg_store, date(2026, 3, 28), user_id=LOCAL_USER_ID) == expected


def test_no_sessions_no_streak(pg_store: Store) -> None:
    _store_sessions(pg_store, [])
    assert streaks(pg_store, date(2026, 3, 29), user_id=LOCAL_USER_ID) == Streaks(False, 0, 0)
