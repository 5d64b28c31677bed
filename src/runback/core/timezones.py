"""The user's local day: IANA zones, DST-safe day boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runback.errors import ConfigError

__all__ = ["day_bounds_utc", "event_day", "local_date", "system_zone_name", "to_zone"]


def to_zone(name: str) -> ZoneInfo:
    """Return the ZoneInfo for an IANA name, or a ConfigError that says what to use."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin'"
        ) from exc


def system_zone_name() -> str:
    """Return the machine's IANA zone name, or 'UTC' when it cannot be found."""
    import os
    from pathlib import Path

    tz = os.environ.get("TZ")
    if tz and "/" in tz:
        return tz.lstrip(":")
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


def local_date(at: datetime, zone: str) -> date:
    """Return the user's local calendar day for an aware instant."""
    return at.astimezone(to_zone(zone)).date()


def event_day(at: datetime, user_zone: str) -> date:
    """Return the day a session, run or pain entry counts on: its instant in the user's zone."""
    # The one definition of "the local day" for Today, streaks, stats, the heatmap and the
    # report. The user's current zone, not the zone stored with the row: Today lists the
    # sessions between the user's local midnights, so counting them anywhere else in another
    # zone makes "0 days" in stats next to 11 sessions in Today. A traveller's evening session
    # may move to the next day after flying east; that is the price of every screen agreeing.
    # Calendar days of the zone (never 24-hour blocks), so DST days of 23 or 25 hours are one day.
    return local_date(at, user_zone)


def day_bounds_utc(day: date, zone: str) -> tuple[datetime, datetime]:
    """Return [start, end) of a local day as UTC instants (23 or 25 hours long on DST days)."""
    tz = to_zone(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)
