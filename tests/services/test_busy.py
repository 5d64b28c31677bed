"""Busy times: a sync replaces one calendar's blocks whole; reads see only what blocks breaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from runback.core.busy import BusyBlock, merged
from runback.errors import NotFoundError
from runback.services.busy import busy_between, replace_source_blocks
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import CalendarSourceRow

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _source(store: Store, user_id: int = LOCAL_USER_ID) -> int:
    with store.tx() as session:
        row = CalendarSourceRow(
            user_id=user_id, kind="ics-file", name="work", location="/x.ics", created_at=T0
        )
        session.add(row)
        session.flush()
        return row.id


def test_replace_and_read(store: Store) -> None:
    sid = _source(store)
    h = timedelta(hours=1)
    blocks = [
        BusyBlock(T0, T0 + h),
        BusyBlock(T0 + 2 * h, T0 + 3 * h, transparency="transparent"),
        BusyBlock(T0 + 3 * h, T0 + 4 * h, status="tentative"),
        BusyBlock(T0, T0 + 24 * h, all_day=True),
    ]
    assert replace_source_blocks(store, user_id=LOCAL_USER_ID, source_id=sid, blocks=blocks) == 4
    got = busy_between(store, user_id=LOCAL_USER_ID, start=T0, end=T0 + 5 * h)
    assert got == [BusyBlock(T0, T0 + h)]
    every = busy_between(
        store, user_id=LOCAL_USER_ID, start=T0, end=T0 + 5 * h, blocking_only=False
    )
    assert len(every) == 4
    replace_source_blocks(store, user_id=LOCAL_USER_ID, source_id=sid, blocks=[])
    assert busy_between(store, user_id=LOCAL_USER_ID, start=T0, end=T0 + 5 * h) == []


def test_another_users_calendar_is_not_found(store: Store) -> None:
    sid = _source(store)
    with pytest.raises(NotFoundError):
        replace_source_blocks(store, user_id=LOCAL_USER_ID + 1, source_id=sid, blocks=[])


def test_merged_joins_overlaps() -> None:
    h = timedelta(hours=1)
    out = merged(
        [BusyBlock(T0 + h, T0 + 2 * h), BusyBlock(T0, T0 + h), BusyBlock(T0 + 3 * h, T0 + 4 * h)]
    )
    assert out == [BusyBlock(T0, T0 + 2 * h), BusyBlock(T0 + 3 * h, T0 + 4 * h)]


def test_naive_or_empty_blocks_are_refused() -> None:
    with pytest.raises(ValueError):
        BusyBlock(T0.replace(tzinfo=None), T0 + timedelta(hours=1))
    with pytest.raises(ValueError):
        BusyBlock(T0, T0)
