"""Statements per hosted request: Today and /progress read a bounded number, whatever the history.

A cache miss (view cache off) for a user with months of sessions, runs, breaks and pain must
not issue a statement per row (N+1): the count is at most K and the same for 2 weeks and for
6 months of history. The user row comes from the login check, so the route never reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import insert

from runback.core.clock import FakeClock
from runback.services.store import Store
from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow
from tests.web.conftest import HostedClient, signup
from tests.web.test_login_scope import watch

Make = Callable[..., HostedClient]

# At most this many statements on PostgreSQL. Today: today's sessions, streaks, runs (today's
# and the pain prompt's last day), breaks, the open concern, the programme, habit strength's
# sessions and breaks; the page adds the profile. /progress: every session's day, the year's
# runs and pain, habit strength's sessions and breaks.
LIMITS = {"/api/v1/today": 10, "/": 11, "/progress": 10, "/api/v1/progress": 10}
SQLITE_EXTRA = 1  # its BEGIN (reads take the lock too there)


def _history(store: Store, clock: FakeClock, user_id: int, days: int) -> None:
    """Store `days` days of history before the clock's day: sessions, runs, breaks, pain."""
    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    sessions, runs, breaks, pains = [], [], [], []
    for d in range(1, days + 1):
        day = start - timedelta(days=d)
        at = day + timedelta(hours=7)
        sessions.append(
            {
                "user_id": user_id,
                "routine_slug": "desk-reset",
                "routine_name": "Desk reset",
                "started_at": at,
                "ended_at": at + timedelta(minutes=8),
                "zone": "UTC",
                "steps_total": 6,
                "steps_done": ["cat-cow", "hip-flexor-stretch"],
                "steps_skipped": [],
                "completed": True,
                "context": "desk",
                "active_s": 480.0,
            }
        )
        for b in range(4):
            due = day + timedelta(hours=9 + 2 * b)
            breaks.append(
                {"user_id": user_id, "due_at": due, "at": due, "zone": "UTC", "outcome": "taken"}
            )
        if d % 2:
            runs.append(
                {
                    "user_id": user_id,
                    "started_at": day + timedelta(hours=17),
                    "zone": "UTC",
                    "elapsed_s": 2400.0,
                    "moving_s": 2300.0,
                    "distance_m": 5000.0 + d,
                    "ascent_m": 40.0,
                    "sport": "running",
                    "name": "Evening run",
                    "source_format": "fit",
                    "source_file": f"run-{d}.fit",
                    "device": "test watch",
                    "content_hash": f"hash-{day:%Y-%m-%d}",
                    "imported_at": clock.now(),
                }
            )
            pains.append(
                {
                    "user_id": user_id,
                    "at": day + timedelta(hours=18),
                    "zone": "UTC",
                    "region": "lower_back",
                    "intensity": d % 6,
                    "red_flags": [],
                    "notes": "",
                }
            )
    with store.tx() as s:
        for row, values in (
            (SessionRow, sessions),
            (RunRow, runs),
            (BreakRow, breaks),
            (PainEntryRow, pains),
        ):
            s.execute(insert(row), values)


def _counts(c: HostedClient, store: Store) -> dict[str, tuple[int, int, int]]:
    """Return (statements, user-row reads, pool checkouts) of one uncached request per path."""
    out = {}
    for path in LIMITS:
        with watch(store.engine) as seen:
            assert c.get(path).status_code == 200, path
        out[path] = (len(seen.statements), seen.users_reads(), seen.checkouts)
    return out


def test_today_and_progress_read_a_bounded_number_of_statements_whatever_the_history(
    any_db_url: str, hosted_client: Make, clock: FakeClock
) -> None:
    c = hosted_client(any_db_url, view_cache_entries=0)
    user_id = signup(c, "history@example.org")
    store: Store = c.app.state.store  # type: ignore[attr-defined]
    _history(store, clock, user_id, 14)
    assert c.get("/api/v1/me").status_code == 200  # the login check's connection is made
    short = _counts(c, store)
    # The days 15 to 180 before today on top: six months in all.
    _history(store, FakeClock(clock.now() - timedelta(days=14)), user_id, 166)
    long = _counts(c, store)
    extra = SQLITE_EXTRA if store.engine.dialect.name == "sqlite" else 0
    for path, limit in LIMITS.items():
        statements, user_reads, checkouts = long[path]
        assert statements <= limit + extra, (path, statements)
        assert user_reads == 0, path  # the login check's row is the request's
        assert checkouts == 1, path  # one read scope, one connection
        # No statement per row: six months cost what two weeks did.
        assert long[path] == short[path], path


@pytest.mark.postgres
def test_the_user_row_from_the_login_check_is_never_written_back(
    pg_db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(pg_db_url, view_cache_entries=0)
    user_id = signup(c, "row@example.org")
    store: Store = c.app.state.store  # type: ignore[attr-defined]
    before = store.stamps().read(user_id)
    with watch(store.engine) as seen:
        for path in ("/", "/api/v1/today", "/progress", "/settings"):
            assert c.get(path).status_code == 200, path
    # Reads only: the row put in the session as if loaded has nothing to flush.
    assert not [s for s in seen.statements if not s.startswith("SELECT")], seen.statements
    after = store.stamps().read(user_id)
    assert before is not None and after is not None
    assert after.data_version == before.data_version
    assert after.row == before.row
