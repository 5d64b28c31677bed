"""Read a batch of activities a few at a time: each read runs in its own sandbox worker."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runback.importers.activity import Activity
    from runback.importers.strava import ExportItem

__all__ = ["read_ahead", "readers"]


def readers() -> int:
    """Return how many files to read at once: one per core, at least one."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def read_ahead(items: Sequence[ExportItem], workers: int | None = None) -> Iterator[ExportItem]:
    """Yield the items in order, each already read (or failed) by one of `workers` threads.

    A thread only waits on its sandbox worker (a separate process), so two threads keep two
    cores busy while the caller stores results in order. At most a few reads run ahead, so a
    huge history is not held in memory at once. A yielded item's load returns the activity or
    raises the read's error, as the item itself would have.
    """
    from runback.importers.strava import ExportItem

    count = workers or readers()
    if count <= 1 or len(items) <= 1:
        yield from items
        return
    window = count * 4
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="runback-read") as pool:
        pending: deque[tuple[ExportItem, Future[Activity]]] = deque()
        upcoming = iter(items)
        try:
            for item in upcoming:
                pending.append((item, pool.submit(item.load)))
                if len(pending) >= window:
                    done, future = pending.popleft()
                    future.exception()  # wait for it outside the caller's store work
                    yield ExportItem(done.name, future.result)
            while pending:
                done, future = pending.popleft()
                future.exception()
                yield ExportItem(done.name, future.result)
        finally:
            for _item, future in pending:
                future.cancel()
