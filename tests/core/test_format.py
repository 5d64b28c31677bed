"""The one formatting module: durations, distances and paces as the CLI and pages show them."""

from __future__ import annotations

from runback.core import format as fmt


def test_durations() -> None:
    assert fmt.duration(None) == "—"
    assert fmt.duration(754) == "12:34"
    assert fmt.duration(3723) == "1:02:03"
    assert fmt.clock_time(754) == "0:12:34"
    assert fmt.minutes(0) == "0 min" and fmt.minutes(20) == "1 min" and fmt.minutes(245) == "4 min"
    assert fmt.min_s(285) == "4 min 45 s" and fmt.min_s(45) == "45 s"


def test_distances_and_paces() -> None:
    assert fmt.km(None) == "—"
    assert fmt.km(12345) == "12.35 km"
    assert fmt.km(12345, 1) == "12.3 km"
    assert fmt.km(12345, unit="") == "12.35"
    assert fmt.pace(None) == "—" and fmt.pace(307) == "5:07 /km"
