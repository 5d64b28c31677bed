"""The login check's read: one row by user id or by login key, on a connection of its own."""

from __future__ import annotations

from runback.services.logins import end_login, open_login
from runback.services.store import LOCAL_USER_ID, Store


def test_reads_by_id_and_by_login(store: Store) -> None:
    stamps = store.stamps()
    me = stamps.read(LOCAL_USER_ID)
    assert me is not None and me.id == LOCAL_USER_ID and me.email is None
    assert stamps.read(LOCAL_USER_ID + 99) is None
    key = open_login(store, user_id=LOCAL_USER_ID)
    assert stamps.read_login(key) == me
    end_login(store, key)
    assert stamps.read_login(key) is None  # a login that ended names nobody


def test_sees_writes_made_through_the_pool(store: Store) -> None:
    from runback.services.pain import log_pain

    stamps = store.stamps()
    before = stamps.read(LOCAL_USER_ID)
    log_pain(store, region="mid-back", intensity=2, user_id=LOCAL_USER_ID)
    after = stamps.read(LOCAL_USER_ID)
    assert before is not None and after is not None
    assert after.data_version > before.data_version  # autocommit: no stale snapshot


def test_a_closed_connection_is_replaced(store: Store) -> None:
    stamps = store.stamps()
    assert stamps.read(LOCAL_USER_ID) is not None
    stamps._local.conn.close()  # as if the database had dropped it
    assert stamps.read(LOCAL_USER_ID) is not None


def test_close_ends_every_connection(store: Store) -> None:
    stamps = store.stamps()
    stamps.read(LOCAL_USER_ID)
    conn = stamps._local.conn
    stamps.close()
    import sqlite3

    import pytest

    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")
    assert stamps.read(LOCAL_USER_ID) is not None  # and it opens a new one when asked again
