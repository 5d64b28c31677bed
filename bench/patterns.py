"""Time the personal patterns in-process: the simulated runner and a 3-year generated history.

Usage: .venv/bin/python bench/patterns.py [--repeat R]

Writes each history into a fresh SQLite file (tests/simulated_runner.py), then reports the
median of R calls of: the bootstrap of one shown pattern, `gather_patterns` computed afresh
(the cache emptied before each call), `gather_patterns` while the data is unchanged (a cache
hit), and the whole `gather_stats` that Progress renders.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main"]


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _one_by_one(a: list[float], b: list[float], rng: random.Random) -> list[float]:
    """Return 1000 resampled differences drawn value by value (the bootstrap before the change)."""
    na, nb = len(a), len(b)
    return sorted(
        sum(rng.choices(a, k=na)) / na - sum(rng.choices(b, k=nb)) / nb for _ in range(1000)
    )


def _history(label: str, days: int, folder: Path, repeat: int) -> None:
    """Write `days` days of the simulated runner into a fresh file and print the medians."""
    from tests.simulated_runner import simulate_runner

    from runback.core.clock import FakeClock
    from runback.core.timezones import local_date
    from runback.services import patterns as service
    from runback.services.progress import gather_stats
    from runback.services.store import LOCAL_USER_ID, open_store
    from runback.settings import Settings

    clock = FakeClock(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    url = f"sqlite:///{folder / f'{days}.db'}"
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), clock)
    zone = store.user_zone(user_id=LOCAL_USER_ID)
    simulate_runner(store, local_date(clock.now(), zone), zone=zone, days=days)
    clear = getattr(service, "clear_cache", lambda: None)  # absent before the cache

    def fresh() -> object:
        clear()
        return service.gather_patterns(store, user_id=LOCAL_USER_ID)

    shown = len(service.gather_patterns(store, user_id=LOCAL_USER_ID).shown)
    computed = _median_ms(fresh, repeat)
    again = _median_ms(lambda: service.gather_patterns(store, user_id=LOCAL_USER_ID), repeat)
    stats = _median_ms(lambda: gather_stats(store, user_id=LOCAL_USER_ID), repeat)
    print(
        f"{label} ({shown} patterns shown): gather_patterns computed {computed:.1f} ms, "
        f"unchanged data {again:.1f} ms; gather_stats {stats:.1f} ms"
    )
    store.close()


def main() -> int:
    """Seed both histories and print the medians in milliseconds."""
    from runback.core.patterns import bootstrap_interval

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(1)
    a = [float(rng.randint(0, 10)) for _ in range(40)]
    b = [float(rng.randint(0, 10)) for _ in range(40)]
    boot = _median_ms(lambda: bootstrap_interval(a, b, random.Random(0)), args.repeat)
    plain = _median_ms(lambda: _one_by_one(a, b, random.Random(0)), args.repeat)
    print(
        f"bootstrap, 40 vs 40 days, 1000 resamples: {boot:.2f} ms "
        f"(resampling value by value: {plain:.2f} ms)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        _history("simulated runner, 12 weeks", 84, Path(tmp), args.repeat)
        _history("generated, 3 years", 1095, Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
