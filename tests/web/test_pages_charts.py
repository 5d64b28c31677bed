"""The server-side SVG charts: well-formed, accessible, and drawing what they are given."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from runback.web.charts import Bar, HeatCell, bar_chart, calendar_heatmap, combo_chart, nice_max

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse an SVG string (it must be well-formed XML)."""
    return ET.fromstring(svg)


def _year(end: date, levels: dict[date, int]) -> list[HeatCell]:
    first = end - timedelta(days=364)
    first -= timedelta(days=first.weekday())
    days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    return [HeatCell(d, levels.get(d, 0), f"{d.isoformat()}: tip", dot=d == end) for d in days]


def test_heatmap_places_each_day_by_week_and_weekday() -> None:
    end = date(2026, 1, 7)  # a Wednesday
    cells = _year(end, {end: 4, end - timedelta(days=1): 1})
    root = parse(calendar_heatmap(cells))
    rects = root.findall(f"{NS}rect")
    assert len(rects) == len(cells) == 52 * 7 + 3
    by_day = {c.get("data-date"): c for c in rects}
    assert by_day["2026-01-07"].get("class") == "cell l4"
    assert by_day["2026-01-06"].get("class") == "cell l1"
    assert by_day["2026-01-05"].get("class") == "cell l0"
    # Monday is the top row, and the last column holds the last week.
    assert by_day["2026-01-05"].get("y") == "18"
    assert by_day["2026-01-07"].get("y") == str(18 + 2 * 16)
    assert by_day["2026-01-07"].get("x") == by_day["2026-01-05"].get("x") == str(34 + 52 * 16)
    assert by_day["2026-01-07"].findtext(f"{NS}title") == "2026-01-07: tip"
    assert len(root.findall(f"{NS}circle")) == 1
    assert root.findtext(f"{NS}title") == "Back-up work, last 12 months"
    assert root.findtext(f"{NS}desc") == "2 active days between 2025-01-06 and 2026-01-07."
    labels = [t.text for t in root.findall(f"{NS}text")]
    assert "Jan" in labels and "Dec" in labels


def test_heatmap_escapes_text() -> None:
    cells = [HeatCell(date(2026, 6, 29), 9, "<b>&")]
    root = parse(calendar_heatmap(cells, title="<i>", summary="a & b"))
    assert root.findtext(f"{NS}title") == "<i>"
    assert root.findtext(f"{NS}desc") == "a & b"
    rect = root.find(f"{NS}rect")
    assert rect is not None
    assert rect.get("class") == "cell l4"  # levels are clamped to 0..4
    assert rect.findtext(f"{NS}title") == "<b>&"


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.7, 1), (3, 5), (7, 10), (12, 20), (21, 25), (101, 200)]
)
def test_nice_max(value: float, top: float) -> None:
    assert nice_max(value) == pytest.approx(top)


def test_bar_chart_scales_bars_and_draws_the_target() -> None:
    bars = [Bar("W1", 50), Bar("W2", 100, note="5 of 5"), Bar("W3", 0)]
    root = parse(bar_chart(bars, title="Weekly adherence", unit="%", top=100, target=80))
    rects = root.findall(f"{NS}rect")
    heights = [float(r.get("height") or 0) for r in rects]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert heights[2] == 0
    assert rects[1].findtext(f"{NS}title") == "W2: 100% (5 of 5)"
    target = root.find(f"{NS}line[@class='target']")
    assert target is not None
    assert target.findtext(f"{NS}title") == "target 80%"


def test_bar_chart_without_data_says_so() -> None:
    root = parse(bar_chart([], title="Weekly distance", unit=" km"))
    assert root.findtext(f"{NS}desc") == "No data yet."


def test_combo_chart_leaves_gaps_for_weeks_without_pain() -> None:
    labels = ["a", "b", "c", "d", "e"]
    root = parse(
        combo_chart(
            labels,
            [10, 20, 0, 30, 15],
            [3, 2, None, 4, 5],
            title="Pain vs back-up work",
            bar_name="back-up min",
            line_name="pain",
        )
    )
    lines = root.findall(f"{NS}polyline")
    assert [len((p.get("points") or "").split()) for p in lines] == [2, 2]
    dots = root.findall(f"{NS}circle[@class='dot']")
    assert [d.findtext(f"{NS}title") for d in dots] == [
        "a: pain 3",
        "b: pain 2",
        "d: pain 4",
        "e: pain 5",
    ]
    assert "average 3.5" in (root.findtext(f"{NS}desc") or "")


def test_combo_chart_refuses_mismatched_series() -> None:
    with pytest.raises(ValueError, match="same length"):
        combo_chart(["a"], [1, 2], [None], title="t", bar_name="b", line_name="l")


def test_load_chart_draws_bars_lines_sparse_labels_and_a_legend() -> None:
    from runback.web.charts import load_chart

    labels = [f"d{i}" for i in range(84)]
    bars = [30.0 if i % 2 else 0.0 for i in range(84)]
    acute = [15.0] * 84
    root = parse(
        load_chart(
            labels,
            bars,
            [("7-day average (acute)", acute, "#1e6b38"), ("28-day", [10.0] * 84, "#1d3557")],
            title="Training load per day",
            bar_name="minutes run",
        )
    )
    assert len(root.findall(f"{NS}rect[@class='bar bar-light']")) == 42  # no empty bars
    assert len(root.findall(f"{NS}polyline")) == 2
    texts = [t.text for t in root.findall(f"{NS}text")]
    # Every 28th day from the last one is labelled: d83, d55, d27.
    assert [t for t in texts if t and t.startswith("d")] == ["d83", "d55", "d27"]
    assert {"minutes run", "7-day average (acute)", "28-day"} <= set(texts)
    assert "now 15" in (root.findtext(f"{NS}desc") or "")
    with pytest.raises(ValueError):
        load_chart(["a"], [1.0, 2.0], [], title="t", bar_name="b")
