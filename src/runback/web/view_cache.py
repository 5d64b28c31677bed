"""Finished responses of one user's views, kept while that user's data version holds.

A key names the view, the user, the user's `data_version` (bumped by every write to their data,
in any process: see storage/versions.py) and the minute: what a view shows also moves with the
clock (the next break, the slots of the day, the current sit), so an entry serves for the rest
of the minute it was made in, at most. Each worker keeps its own: nothing is shared but the
database, and a stale entry is impossible once the version moved, whichever worker wrote.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime

__all__ = ["ViewCache", "minute_of"]


def minute_of(at: datetime) -> int:
    """Return the minute an instant falls in, counted from the epoch (same in every zone)."""
    return int(at.timestamp() // 60)


class ViewCache:
    """A bounded map from view keys to response bodies; the least recently used goes first."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        # Misses are filled from the thread pool while hits are read on the event loop.
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        """Return the body stored under `key`, or None."""
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        """Store a body, dropping the least recently used entries beyond the bound."""
        if self._max <= 0:
            return
        with self._lock:
            self._items[key] = body
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
