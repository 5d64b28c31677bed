"""Minutes of back-up work held on a day, against the daily minutes target.

The minutes are hold time counted down (sessions.done_s; skipped steps hold none), summed over
the sessions started between the user's local midnights (in the user's current zone), the day
Today lists them on.
"""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, computed_field
from sqlalchemy import func, select

from runback.core.model import Model
from runback.core.timezones import day_bounds_utc, local_date
from runback.services.store import Store
from runback.storage.models import SessionRow

__all__ = ["DailyMinutes", "minutes_today"]


class DailyMinutes(Model):
    """Minutes held on one local day and the user's daily target."""

    model_config = ConfigDict(frozen=True)

    day: date
    done: float
    target: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def met(self) -> bool:
        """Return True once the day's target is reached."""
        return self.done >= self.target

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float:
        """Return how much of the target is done, 0 to 1 (for a progress bar)."""
        return min(1.0, self.done / self.target) if self.target > 0 else 1.0


def _target(store: Store, user_id: int) -> int:
    # Targets belong to accounts (profile settings), imported here only as stats does.
    from runback.services.accounts import get_targets

    return get_targets(store, user_id=user_id).minutes_per_day


def minutes_today(store: Store, *, user_id: int, today: date | None = None) -> DailyMinutes:
    """Return the minutes held on `today` (the user's local day by default) and the target."""
    zone = store.user_zone(user_id=user_id)
    if today is None:
        today = local_date(store.clock.now(), zone)
    start, end = day_bounds_utc(today, zone)
    query = select(func.coalesce(func.sum(SessionRow.done_s), 0.0)).where(
        SessionRow.user_id == user_id,
        SessionRow.started_at >= start,
        SessionRow.started_at < end,
    )
    with store.factory() as s:
        seconds = float(s.scalar(query) or 0.0)
    return DailyMinutes(day=today, done=round(seconds / 60, 1), target=_target(store, user_id))
