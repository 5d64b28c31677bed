"""Busy times: what the planner reads from the user's synced calendars, and what a sync writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select

from runback.core.busy import BusyBlock, EventStatus, Transparency
from runback.errors import NotFoundError
from runback.services.store import Store
from runback.storage.models import BusyBlockRow, CalendarSourceRow

__all__ = ["busy_between", "replace_source_blocks"]

_TRANSPARENCY: frozenset[str] = frozenset({"opaque", "transparent"})
_STATUS: frozenset[str] = frozenset({"confirmed", "tentative", "cancelled"})


def _block(row: BusyBlockRow) -> BusyBlock:
    transparency: Transparency = "transparent" if row.transparency == "transparent" else "opaque"
    status: EventStatus = row.status if row.status in _STATUS else "confirmed"  # type: ignore[assignment]
    return BusyBlock(row.start_at, row.end_at, transparency, status, row.all_day)


def busy_between(
    store: Store, *, user_id: int, start: datetime, end: datetime, blocking_only: bool = True
) -> list[BusyBlock]:
    """The user's busy times overlapping [start, end), from every calendar, sorted by start."""
    with store.tx() as session:
        rows = session.scalars(
            select(BusyBlockRow)
            .where(
                BusyBlockRow.user_id == user_id,
                BusyBlockRow.start_at < end,
                BusyBlockRow.end_at > start,
            )
            .order_by(BusyBlockRow.start_at)
        ).all()
        blocks = [_block(r) for r in rows]
    return [b for b in blocks if b.blocks] if blocking_only else blocks


def replace_source_blocks(
    store: Store, *, user_id: int, source_id: int, blocks: Iterable[BusyBlock]
) -> int:
    """Replace one calendar's busy times with a fresh sync's, in one transaction; count them."""
    with store.tx() as session:
        source = session.get(CalendarSourceRow, source_id)
        if source is None or source.user_id != user_id:
            raise NotFoundError(f"no calendar {source_id}")
        session.execute(delete(BusyBlockRow).where(BusyBlockRow.source_id == source_id))
        rows = [
            BusyBlockRow(
                user_id=user_id,
                source_id=source_id,
                start_at=b.start,
                end_at=b.end,
                transparency=b.transparency,
                status=b.status,
                all_day=b.all_day,
            )
            for b in blocks
        ]
        session.add_all(rows)
        return len(rows)
