"""Training load against hand-computed worked examples (docs/training-load.md)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from runback.core.load import (
    NUDGE,
    HeartRates,
    LoadPoint,
    daily_loads,
    estimated_heart_rates,
    load_summary,
    monotony,
    pain_trend,
    ramp_percent,
    rolling_mean,
    run_load,
    trimp_factor,
)
from runback.core.pain import PainPoint

TODAY = date(2026, 3, 1)
HR = HeartRates(rest=60, max=180)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def run(day: date, minutes: float, km: float, hr: float | None = None) -> LoadPoint:
    return LoadPoint(at(day), minutes * 60, km * 1000, hr)


def test_a_run_without_heart_rate_loads_its_minutes() -> None:
    assert run_load(run(TODAY, 45, 8), HR) == 45


def test_trimp_worked_example() -> None:
    # avg 120, rest 60, max 180: HRr = (120 - 60) / (180 - 60) = 0.5
    # weight = 0.5 x 0.64 x e^(1.92 x 0.5) = 0.32 x e^0.96 = 0.32 x 2.611696 = 0.835743
    assert trimp_factor(120, HR) == pytest.approx(0.835743, abs=1e-6)
    # 60 minutes: 60 x 0.835743 = 50.14
    assert run_load(run(TODAY, 60, 10, hr=120), HR) == pytest.approx(50.14, abs=0.01)


def test_trimp_clamps_the_reserve() -> None:
    assert trimp_factor(50, HR) == 0  # below rest: HRr 0
    # above max: HRr 1, weight 0.64 x e^1.92 = 0.64 x 6.820958 = 4.365413
    assert trimp_factor(200, HR) == pytest.approx(4.365413, abs=1e-6)
    with pytest.raises(ValueError):
        trimp_factor(120, HeartRates(rest=180, max=180))


def test_estimated_heart_rates() -> None:
    # Tanaka: 208 - 0.7 x 40 = 180
    assert estimated_heart_rates(40) == HeartRates(rest=60, max=180)
    assert estimated_heart_rates(None) == HeartRates(rest=60, max=190)


def test_daily_loads_add_up_each_local_day_and_fill_gaps() -> None:
    d0 = date(2026, 2, 1)
    rows = daily_loads(
        [run(d0, 30, 5), run(d0, 20, 3), run(d0 + timedelta(days=2), 40, 7)],
        "UTC",
        d0,
        d0 + timedelta(days=2),
        HR,
    )
    # day 0: 30 + 20 = 50 min, 5 + 3 = 8 km; day 1: nothing; day 2: 40 min, 7 km
    assert rows == [(d0, 50, 8), (d0 + timedelta(days=1), 0, 0), (d0 + timedelta(days=2), 40, 7)]


def test_a_late_run_counts_on_the_local_day() -> None:
    late = LoadPoint(datetime(2026, 2, 1, 23, 30, tzinfo=UTC), 1800, 5000)  # 00:30 in Berlin
    rows = daily_loads([late], "Europe/Berlin", date(2026, 2, 1), date(2026, 2, 2), HR)
    assert [load for _, load, _ in rows] == [0, 30]


def test_rolling_mean_counts_missing_days_as_zero() -> None:
    values = [10.0, 0.0, 20.0, 30.0]
    # last 7 ending at index 3: (10 + 0 + 20 + 30) / 7 = 60 / 7 = 8.571
    assert rolling_mean(values, 3, 7) == pytest.approx(60 / 7)
    # last 2 ending at index 3: (20 + 30) / 2 = 25
    assert rolling_mean(values, 3, 2) == 25


def test_ramp_percent() -> None:
    # 26 km after 20 km: (26 - 20) / 20 x 100 = 30 %
    assert ramp_percent(26, 20) == pytest.approx(30)
    assert ramp_percent(10, 20) == pytest.approx(-50)
    assert ramp_percent(10, 0) is None


def test_monotony_worked_example() -> None:
    # loads 30, 0, 30, 0, 30, 0, 60: mean = 150 / 7 = 21.4286
    # deviations: 8.571, -21.429, 8.571, -21.429, 8.571, -21.429, 38.571
    # squares: 73.47 x 3 + 459.18 x 3 + 1487.76 = 220.41 + 1377.55 + 1487.76 = 3085.71
    # variance = 3085.71 / 7 = 440.82, sd = 20.996; monotony = 21.4286 / 20.996 = 1.0206
    assert monotony([30, 0, 30, 0, 30, 0, 60]) == pytest.approx(1.0206, abs=1e-4)
    assert monotony([20] * 7) is None  # no variation: undefined, not infinite
    assert monotony([5]) is None


def pain(day: date, value: int) -> PainPoint:
    return PainPoint(at(day, 20), "UTC", value)


def test_pain_trend_compares_the_last_7_days_with_the_14_before() -> None:
    pains = [pain(TODAY - timedelta(days=k), 2) for k in range(7, 21)]  # the 14 days before: 2
    pains += [pain(TODAY - timedelta(days=k), 4) for k in (0, 2, 4)]  # last 7 days: 4
    pains.append(pain(TODAY - timedelta(days=2), 1))  # a day counts as its worst: still 4
    assert pain_trend(pains, "UTC", TODAY) == (4, 2, True)
    assert pain_trend(pains[:14], "UTC", TODAY) == (None, 2, False)


def steady_then_spike() -> list[LoadPoint]:
    """Return 28 days of 30 min / 5 km every other day, then a week of 60 min / 10 km daily."""
    runs = [run(TODAY - timedelta(days=k), 30, 5) for k in range(8, 36, 2)]
    runs += [run(TODAY - timedelta(days=k), 60, 10) for k in range(7)]
    return runs


def test_load_summary_worked_example() -> None:
    summary = load_summary(steady_then_spike(), [], "UTC", TODAY, HR, days=14)
    # acute: last 7 days, 7 x 60 min = 420; 420 / 7 = 60.0
    assert summary.acute == 60.0
    # chronic: last 28 days = the 7 spike days (420) + the runs 8..27 days back every other day
    # (k = 8, 10, ..., 26: 10 runs x 30 = 300) = 720; 720 / 28 = 25.71
    assert summary.chronic == pytest.approx(25.7)
    # ratio 60 / 25.714 = 2.33
    assert summary.ratio == pytest.approx(2.33)
    # km: last 7 days 7 x 10 = 70; the 7 before (k = 7..13, runs at 8, 10, 12): 15
    assert (summary.km_last_7, summary.km_prev_7) == (70, 15)
    # ramp (70 - 15) / 15 = 366.7 %
    assert summary.ramp_percent == pytest.approx(366.7)
    assert summary.monotony is None and summary.strain is None  # 60 every day: no variation
    assert summary.ramp_high and not summary.pain_rising and summary.nudge is None
    assert len(summary.days) == 14 and summary.days[-1].day == TODAY
    assert summary.days[-1].ratio == summary.ratio


def test_strain_is_the_weekly_total_times_monotony() -> None:
    runs = [run(TODAY - timedelta(days=k), m, 5) for k, m in enumerate((60, 0, 30, 0, 30, 0, 30))]
    summary = load_summary(runs, [], "UTC", TODAY, HR, days=7)
    # same loads as the monotony example: total 150, monotony 1.0206, strain 153.1
    assert summary.monotony == pytest.approx(1.02)
    assert summary.strain == pytest.approx(150 * 1.0206, abs=0.1)


def test_the_nudge_needs_a_high_ramp_and_rising_pain() -> None:
    pains = [pain(TODAY - timedelta(days=k), 2) for k in range(7, 21)]
    pains += [pain(TODAY - timedelta(days=k), 5) for k in range(7)]
    summary = load_summary(steady_then_spike(), pains, "UTC", TODAY, HR)
    assert summary.nudge == NUDGE
    # Falling pain, same load: no nudge.
    falling = [pain(TODAY - timedelta(days=k), 5) for k in range(7, 21)]
    falling += [pain(TODAY - timedelta(days=k), 2) for k in range(7)]
    assert load_summary(steady_then_spike(), falling, "UTC", TODAY, HR).nudge is None
    # Rising pain, steady load: no nudge.
    steady = [run(TODAY - timedelta(days=k), 30, 5) for k in range(0, 40, 2)]
    assert load_summary(steady, pains, "UTC", TODAY, HR).nudge is None


def test_the_nudge_is_gentle_and_never_diagnoses() -> None:
    assert "hold the volume this week" in NUDGE
    assert "keep the back-up work" in NUDGE
    assert "consider seeing a physio if it continues" in NUDGE
    for word in ("you have", "injury", "diagnos", "strain", "syndrome"):
        assert word not in NUDGE.lower()


def test_heart_rate_runs_are_counted() -> None:
    summary = load_summary([run(TODAY, 60, 10, hr=120)], [], "UTC", TODAY, HR, days=7)
    assert summary.heart_rate_runs == 1
    assert summary.days[-1].load == pytest.approx(50.1)
    assert math.isclose(summary.acute, round(50.14 / 7, 1))
