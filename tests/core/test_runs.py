"""The one rule of what a run is, the sport filters, and pace."""

from __future__ import annotations

import pytest

from runback.core.format import pace as format_pace
from runback.core.runs import (
    SPORT_LABELS,
    is_run,
    matches_filter,
    pace_s_per_km,
    parse_sport,
    parse_sport_filter,
)
from runback.core.vocab import RUN_SPORTS, SPORTS


def test_runs_are_running_trail_treadmill_and_track() -> None:
    assert {s for s in SPORTS if is_run(s)} == RUN_SPORTS
    assert {"running", "trail-running", "treadmill", "track"} == RUN_SPORTS
    assert not any(is_run(s) for s in ("cycling", "walking", "hiking", "swimming", "other"))
    assert set(SPORT_LABELS) == set(SPORTS)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (300.0, "5:00 /km"),
        (307.4, "5:07 /km"),
        (359.6, "6:00 /km"),
        (None, "—"),
        (612, "10:12 /km"),
    ],
)
def test_format_pace(seconds: float | None, text: str) -> None:
    assert format_pace(seconds) == text


def test_pace_only_for_runs_of_some_length() -> None:
    assert pace_s_per_km("running", 10_000, 3000) == 300.0
    assert pace_s_per_km("track", 400, 80) == 200.0
    assert pace_s_per_km("cycling", 30_000, 3600) is None
    assert pace_s_per_km("running", 5.7, 14) is None  # GPS noise, not a pace
    assert pace_s_per_km("running", 10_000, 0) is None
    assert pace_s_per_km("running", 10_000, None) is None


def test_filters() -> None:
    assert matches_filter("cycling", "all") and matches_filter("running", "all")
    assert matches_filter("treadmill", "runs") and not matches_filter("cycling", "runs")
    assert matches_filter("cycling", "other") and matches_filter("other", "other")
    assert not matches_filter("track", "other")
    assert matches_filter("hiking", "hiking") and not matches_filter("walking", "hiking")
    assert parse_sport_filter("Run") == "runs" and parse_sport_filter("trail_running") == (
        "trail-running"
    )
    with pytest.raises(ValueError, match="must be one of all, runs, other"):
        parse_sport_filter("bike")


def test_parse_sport_names_the_choices() -> None:
    assert parse_sport(" Trail Running ") == "trail-running"
    with pytest.raises(ValueError, match="running, trail-running, treadmill"):
        parse_sport("ride")
