"""Check-in windows: pre-run on run days until just after the planned time; after-run 1-3 h."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from runback.core.checkins import RunSpan, windows_for_day

TUE = date(2026, 1, 6)  # a Tuesday; Berlin is UTC+1 in January


def test_a_run_day_without_an_imported_run_asks_before_and_after_the_planned_time() -> None:
    found = windows_for_day(TUE, "Europe/Berlin", {"tue": time(18, 30)}, [])
    assert [w.kind for w in found] == ["pre-run", "after-run"]
    pre, after = found
    planned = datetime(2026, 1, 6, 17, 30, tzinfo=UTC)
    assert pre.opens_at == datetime(2026, 1, 5, 23, 0, tzinfo=UTC)  # local midnight
    assert pre.closes_at == planned + timedelta(minutes=30)
    assert (after.opens_at, after.closes_at) == (
        planned + timedelta(hours=1),
        planned + timedelta(hours=3),
    )
    assert after.run_id is None


def test_an_imported_run_near_the_planned_time_replaces_the_planned_after_run_window() -> None:
    start = datetime(2026, 1, 6, 17, 40, tzinfo=UTC)
    run = RunSpan(7, start, start + timedelta(minutes=50))
    found = windows_for_day(TUE, "Europe/Berlin", {"tue": time(18, 30)}, [run])
    after = [w for w in found if w.kind == "after-run"]
    assert len(after) == 1 and after[0].run_id == 7
    assert after[0].opens_at == run.end + timedelta(hours=1)
    assert after[0].closes_at == run.end + timedelta(hours=3)


def test_an_unplanned_run_gets_an_after_run_window_and_no_pre_run() -> None:
    start = datetime(2026, 1, 7, 6, 0, tzinfo=UTC)  # Wednesday, not a run day
    found = windows_for_day(
        date(2026, 1, 7), "Europe/Berlin", {"tue": time(18, 30)}, [RunSpan(3, start, start)]
    )
    assert [(w.kind, w.run_id) for w in found] == [("after-run", 3)]


def test_no_run_day_and_no_run_asks_nothing() -> None:
    assert windows_for_day(date(2026, 1, 7), "Europe/Berlin", {"tue": time(18, 30)}, []) == []


def test_the_planned_time_is_wall_clock_across_dst() -> None:
    # Sunday 29 March 2026: Berlin moves to UTC+2 at 02:00.
    found = windows_for_day(date(2026, 3, 29), "Europe/Berlin", {"sun": time(9, 0)}, [])
    assert found[0].closes_at == datetime(2026, 3, 29, 7, 30, tzinfo=UTC)
    assert found[0].opens_at == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
