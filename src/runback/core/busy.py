"""Busy times from the user's own calendars: only free/busy is kept, never a title (pure).

A calendar event becomes a `BusyBlock` with its start, end, transparency and status. Whether it
blocks breaks is decided here once: an all-day event, a "free" (transparent) event, and a
tentative or cancelled one do not block; everything else does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = ["BusyBlock", "EventStatus", "Transparency", "blocking", "merged"]

Transparency = Literal["opaque", "transparent"]
EventStatus = Literal["confirmed", "tentative", "cancelled"]


@dataclass(frozen=True, order=True)
class BusyBlock:
    """One event's free/busy: aware UTC start and end, and whether it blocks."""

    start: datetime
    end: datetime
    transparency: Transparency = "opaque"
    status: EventStatus = "confirmed"
    all_day: bool = False

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("busy times need timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("a busy time must end after it starts")

    @property
    def blocks(self) -> bool:
        """Whether this event keeps breaks out: busy, confirmed, and not all day."""
        return self.transparency == "opaque" and self.status == "confirmed" and not self.all_day

    @property
    def length(self) -> timedelta:
        """How long the event lasts."""
        return self.end - self.start


def blocking(blocks: Iterable[BusyBlock]) -> list[BusyBlock]:
    """The events that keep breaks out, sorted by start."""
    return sorted(b for b in blocks if b.blocks)


def merged(blocks: Iterable[BusyBlock]) -> list[BusyBlock]:
    """Blocking events with overlapping or touching ones joined, sorted by start."""
    out: list[BusyBlock] = []
    for b in blocking(blocks):
        if out and b.start <= out[-1].end:
            if b.end > out[-1].end:
                out[-1] = BusyBlock(out[-1].start, b.end)
        else:
            out.append(BusyBlock(b.start, b.end))
    return out
