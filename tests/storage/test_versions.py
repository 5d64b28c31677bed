"""users.data_version moves with every write to that user's data, and only theirs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from runback.services.catalog import load_builtin
from runback.services.pain import log_pain
from runback.services.sessions import start_session
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import PainEntryRow, UserRow

AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _versions(store: Store) -> dict[int, int]:
    with store.factory() as s:
        return {r.id: r.data_version for r in s.execute(select(UserRow.id, UserRow.data_version))}


@pytest.fixture
def two(store: Store) -> int:
    """Add a second user; return their id."""
    with store.tx() as s:
        other = UserRow(email="b@example.org", zone="UTC", prefs={}, created_at=AT)
        s.add(other)
        s.flush()
        return other.id


def test_a_write_bumps_its_user_only(store: Store, two: int) -> None:
    before = _versions(store)
    log_pain(store, region="mid-back", intensity=3, user_id=LOCAL_USER_ID)
    after = _versions(store)
    assert after[LOCAL_USER_ID] > before[LOCAL_USER_ID]
    assert after[two] == before[two]
    start_session(store, load_builtin().routines["desk-break"], user_id=two)
    assert _versions(store)[two] > after[two]
    assert _versions(store)[LOCAL_USER_ID] == after[LOCAL_USER_ID]


def test_changing_the_user_row_bumps_it(store: Store, two: int) -> None:
    before = _versions(store)
    with store.tx() as s:
        row = s.get(UserRow, two)
        assert row is not None
        row.zone = "Europe/Berlin"
    assert _versions(store) == {**before, two: before[two] + 1}


def test_a_rolled_back_write_leaves_the_version(store: Store) -> None:
    before = _versions(store)
    with pytest.raises(RuntimeError), store.tx() as s:
        s.add(PainEntryRow(user_id=LOCAL_USER_ID, at=AT, zone="UTC", intensity=2, region="neck"))
        s.flush()
        raise RuntimeError("stop")
    assert _versions(store) == before


def test_bulk_statements_bump_too(store: Store, two: int) -> None:
    before = _versions(store)
    with store.tx() as s:
        s.execute(update(UserRow).where(UserRow.id == two).values(zone="Asia/Tokyo"))
    mid = _versions(store)
    assert mid == {**before, two: before[two] + 1}  # just the rows it updated
    with store.tx() as s:
        # Whose rows these are is not known up front: every user's views go stale.
        s.execute(delete(PainEntryRow).where(PainEntryRow.intensity > 100))
    assert all(v == mid[k] + 1 for k, v in _versions(store).items())


def test_reads_leave_the_version(store: Store) -> None:
    before = _versions(store)
    from runback.services.today import today

    today(store, user_id=LOCAL_USER_ID)
    with store.tx() as s:
        s.get(UserRow, LOCAL_USER_ID)
    assert _versions(store) == before


def test_logins_are_not_data_a_view_shows(store: Store) -> None:
    from runback.services.logins import end_login, open_login

    before = _versions(store)
    end_login(store, open_login(store, user_id=LOCAL_USER_ID))
    assert _versions(store) == before
