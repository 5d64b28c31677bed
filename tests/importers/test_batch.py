"""Reading a batch ahead keeps the order, each item's own result or error, and a bounded window."""

from __future__ import annotations

import threading
import time

import pytest

from runback.errors import DamagedFileError
from runback.importers.batch import read_ahead
from runback.importers.strava import ExportItem


def _items(count: int, running: list[int], peak: list[int]) -> list[ExportItem]:
    lock = threading.Lock()

    def load_for(i: int):  # type: ignore[no-untyped-def]
        def load() -> object:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.002 * (i % 3))  # finish out of order
            with lock:
                running[0] -= 1
            if i % 5 == 4:
                raise DamagedFileError(f"f{i}", "damaged")
            return i

        return load

    return [ExportItem(f"f{i}", load_for(i)) for i in range(count)]


def test_order_results_and_errors_are_kept() -> None:
    running, peak = [0], [0]
    seen: list[tuple[str, object]] = []
    for item in read_ahead(_items(30, running, peak), workers=2):
        try:
            seen.append((item.name, item.load()))
        except DamagedFileError as exc:
            seen.append((item.name, exc.reason))
    assert seen == [(f"f{i}", "damaged" if i % 5 == 4 else i) for i in range(30)]
    assert 1 <= peak[0] <= 2


def test_one_reader_reads_in_the_callers_thread() -> None:
    items = _items(3, [0], [0])
    assert list(read_ahead(items, workers=1)) == items
    with pytest.raises(DamagedFileError):
        [item.load() for item in read_ahead(_items(5, [0], [0]), workers=1)]
