"""The Clock seam: wall time (UTC) and a monotonic clock, swappable in tests and for --speed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FakeClock", "ScaledClock", "SystemClock"]


class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """Return the current wall time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Return seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait for the given number of (clock) seconds."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """Return time.monotonic()."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        if seconds > 0:
            time.sleep(seconds)


class ScaledClock:
    """A real clock running `speed` times faster (for demos, tests and benchmarks)."""

    def __init__(self, speed: float = 1.0, base: Clock | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._base = base or SystemClock()
        self._wall0 = self._base.now()
        self._mono0 = self._base.monotonic()

    def now(self) -> datetime:
        """Return the scaled wall time."""
        return self._wall0 + timedelta(seconds=self.monotonic() - self._mono0)

    def monotonic(self) -> float:
        """Return scaled monotonic seconds."""
        return self._mono0 + (self._base.monotonic() - self._mono0) * self.speed

    def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of scaled time."""
        self._base.sleep(seconds / self.speed)


class FakeClock:
    """A clock that only moves when told to; `sleep` advances it instantly."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._mono = 1000.0

    def now(self) -> datetime:
        """Return the fake current time."""
        return self._now.astimezone(UTC)

    def monotonic(self) -> float:
        """Return fake monotonic seconds."""
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def sleep(self, seconds: float) -> None:
        """Advance instantly instead of waiting."""
        if seconds > 0:
            self.advance(seconds)

    def jump(self, seconds: float) -> None:
        """Set the wall clock forward (or back, when negative) without moving monotonic time."""
        self._now += timedelta(seconds=seconds)
