"""The Store's read scope: one session and connection per scope, each row read once, no writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from runback.core.clock import FakeClock
from runback.services import breaks
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import UserRow


@dataclass
class Counted:
    """SQL statements and pool checkouts seen on an engine."""

    statements: list[str] = field(default_factory=list)
    checkouts: int = 0

    def users_reads(self) -> int:
        """Return how many statements read the users table."""
        return sum(1 for s in self.statements if s.lstrip().startswith("SELECT users."))


@pytest.fixture
def counted(store: Store) -> Iterator[Counted]:
    """Count what the store's engine runs from here on."""
    seen = Counted()

    def statement(*args: Any) -> None:
        seen.statements.append(str(args[2]))

    def checkout(*args: Any) -> None:
        seen.checkouts += 1

    engine: Engine = store.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    yield seen
    event.remove(engine, "before_cursor_execute", statement)
    event.remove(engine.pool, "checkout", checkout)


def test_a_scope_uses_one_connection_and_reads_the_user_once(
    store: Store, counted: Counted
) -> None:
    with store.reading() as view:
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Europe/Berlin"
        assert breaks.get_prefs(view, user_id=LOCAL_USER_ID).enabled
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Europe/Berlin"
        with view.factory() as s:
            user = s.get(UserRow, LOCAL_USER_ID)
            assert user is not None and user.zone == "Europe/Berlin"
    assert counted.checkouts == 1
    assert counted.users_reads() == 1


def test_without_a_scope_every_call_reads_again(store: Store, counted: Counted) -> None:
    store.user_zone(user_id=LOCAL_USER_ID)
    store.user_zone(user_id=LOCAL_USER_ID)
    assert counted.checkouts == 2 and counted.users_reads() == 2


def test_a_scope_refuses_writes_and_nested_scopes_share_it(store: Store, counted: Counted) -> None:
    with store.reading() as view:
        with pytest.raises(RuntimeError, match="outside the scope"):
            breaks.set_prefs(view, {"interval_min": 45}, user_id=LOCAL_USER_ID)
        with view.reading() as inner:
            assert inner is view
            inner.user_zone(user_id=LOCAL_USER_ID)
    assert counted.checkouts == 1
    # The refused write changed nothing; the store itself still writes.
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).interval_min != 45
    breaks.set_prefs(store, {"interval_min": 45}, user_id=LOCAL_USER_ID)
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).interval_min == 45


def test_a_new_scope_sees_what_was_written_since(store: Store) -> None:
    with store.reading() as view:
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Europe/Berlin"
    with store.tx() as s:
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.zone = "Asia/Tokyo"
    with store.reading() as view:
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Asia/Tokyo"


def test_the_connection_goes_back_to_the_pool(store: Store) -> None:
    pool: Any = store.engine.pool
    with store.reading() as view:
        view.user_zone(user_id=LOCAL_USER_ID)
        assert pool.checkedout() == 1
    assert pool.checkedout() == 0
    with pytest.raises(RuntimeError, match="boom"), store.reading() as view:
        view.user_zone(user_id=LOCAL_USER_ID)
        raise RuntimeError("boom")
    assert pool.checkedout() == 0


def test_a_scope_has_one_now(store: Store, clock: FakeClock) -> None:
    start = clock.now()
    with store.reading() as view:
        clock.advance(3600)
        # Every use case in the scope sees the same instant, so they agree on the day.
        assert view.clock.now() == start
        assert view.clock.monotonic() == clock.monotonic()
    with store.reading() as view:
        assert view.clock.now() == start + timedelta(hours=1)


def test_a_request_store_shares_rows_across_its_scopes_until_a_write(
    store: Store, counted: Counted
) -> None:
    request = store.for_request()
    pool: Any = store.engine.pool
    with request.reading() as view:  # the login check
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Europe/Berlin"
    assert pool.checkedout() == 0  # never held between scopes
    with request.reading() as view:  # the page
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Europe/Berlin"
        assert breaks.get_prefs(view, user_id=LOCAL_USER_ID).enabled
    assert counted.users_reads() == 1
    with request.tx() as s:
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.zone = "Asia/Tokyo"
    with request.reading() as view:  # what was read before the write is not trusted after it
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Asia/Tokyo"
    assert counted.users_reads() == 3  # the write's own read, then the fresh one
    # Another request starts with nothing: it reads the user itself.
    with store.for_request().reading() as view:
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Asia/Tokyo"
    assert counted.users_reads() == 4


def test_a_scope_looks_up_the_zone_once(store: Store) -> None:
    def no_more_reads() -> Any:
        raise AssertionError("the zone was looked up again")

    with store.for_request().reading() as view:
        zone = view.user_zone(user_id=LOCAL_USER_ID)
        view.factory = no_more_reads  # every later use case of Today asks again
        assert view.user_zone(user_id=LOCAL_USER_ID) == zone == "Europe/Berlin"


def test_a_failed_scope_forgets_its_rows_and_gives_the_connection_back(
    store: Store, counted: Counted
) -> None:
    request = store.for_request()
    pool: Any = store.engine.pool
    with pytest.raises(RuntimeError, match="boom"), request.reading() as view:
        view.user_zone(user_id=LOCAL_USER_ID)
        raise RuntimeError("boom")
    assert pool.checkedout() == 0
    with request.reading() as view:
        assert view.user_zone(user_id=LOCAL_USER_ID) == "Europe/Berlin"
    assert counted.users_reads() == 2
    with request.reading() as view, pytest.raises(RuntimeError, match="outside the scope"):
        breaks.set_prefs(view, {"interval_min": 45}, user_id=LOCAL_USER_ID)


def test_an_explicit_zone_moves_the_stored_zone_and_returns_the_change(store: Store) -> None:
    from runback.services.store import ZoneChange, apply_zone_setting

    assert store.zone_change is None  # the fixture's first open creates the user in Berlin
    assert apply_zone_setting(store, None) is None  # no RUNBACK_ZONE: the stored zone stays
    assert apply_zone_setting(store, "Europe/Berlin") is None
    moved = apply_zone_setting(store, "America/New_York")
    assert moved == ZoneChange(old="Europe/Berlin", new="America/New_York")
    assert store.user_zone(user_id=LOCAL_USER_ID) == "America/New_York"
    assert apply_zone_setting(store, "America/New_York") is None  # said once
