"""The teaching player in headless Chromium: each phase of the three seed stretches on a phone
and a desktop, light and dark, saved as screenshots; the controls never move (marked `browser`).

Playwright's clock drives the page's timers, so every screenshot is taken at a known second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.web.browser import WAIT_MS, LiveServer, live_server
from tests.web.browser import shot as full_shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

START = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
# The page's clock runs from START while the page loads; it is paused well after that, since
# pausing "in the past" is an error (a cold browser on a busy machine takes seconds).
PAUSED_AT = START + timedelta(seconds=30)
SIZES = {"320": (320, 640), "390": (390, 844), "1280": (1280, 800)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server at a fixed clock for this module's tests."""
    with live_server(tmp_path_factory.mktemp("live"), start_at=START) as s:
        yield s


def _open(browser: Any, server: LiveServer, size: str, scheme: str) -> Iterator[Page]:
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=server.url,
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        color_scheme=scheme,
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    pg.set_default_timeout(WAIT_MS)
    pg.clock.install(time=START)
    yield pg
    context.close()
    assert not errors, f"browser errors: {errors}\nserver log:\n{server.output()}"


def shot(page: Page, name: str) -> None:
    """Save a screenshot from the top of the page (the sticky header stays at the top)."""
    page.evaluate("window.scrollTo(0, 0)")
    full_shot(page, name)


def _box(page: Page, selector: str) -> tuple[float, float]:
    """Return where the element is on the page (not the viewport, which a click may scroll)."""
    x, y = page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY]; }",
    )
    return round(x, 1), round(y, 1)


def _play_through(page: Page, name: str) -> dict[str, Any]:
    """Play back-up-basics, shooting each seed stretch's get-ready, hold and switch, then the end.

    Return where the dock and the pause button were in every phase shot.
    """
    page.goto("/player/back-up-basics")
    page.clock.pause_at(PAUSED_AT)
    data = json.loads(page.locator("#player-data").text_content() or "{}")
    phases = data["phases"]
    starts = [sum(p["duration_s"] for p in phases[:i]) for i in range(len(phases))]
    docks = {"ready": _box(page, ".pl-dock")}
    shot(page, f"{name}-ready")
    page.click("#pl-start")
    page.wait_for_selector("#player[data-state=running]")
    now = 0.0
    pauses: dict[str, tuple[float, float]] = {}
    figures: dict[str, Any] = {}
    for step in range(data["steps_total"]):
        mine = [p for p in phases if p["step"] == step]
        slug = mine[0]["exercise"]
        wanted = [("get-ready", "setup"), ("hold", "hold"), ("switch-sides", "transition")]
        for label, kind in wanted:
            phase = next((p for p in mine if p["kind"] == kind), None)
            if phase is None:
                continue
            at = starts[phase["index"]] + min(9.0, phase["duration_s"] / 2)
            page.clock.run_for(round((at - now) * 1000))
            now = at
            page.wait_for_selector(f"#player[data-phase='{phase['index']}']")
            if kind == "transition" and phase["title"] != "Switch sides":
                label = "again"  # a step without sides: the gap between reps
            key = f"{slug}-{label}"
            docks[key] = _box(page, ".pl-dock")
            pauses[key] = _box(page, "#pl-pause")
            if kind in ("setup", "hold"):
                figures[key] = page.locator(".pl-figure svg").first.bounding_box()
            shot(page, f"{name}-{key}")
    page.clock.run_for(round((sum(p["duration_s"] for p in phases) - now + 1) * 1000))
    page.wait_for_selector("#player[data-state=done][data-today='1']")
    docks["end"] = _box(page, ".pl-dock")
    shot(page, f"{name}-end")
    dock = page.locator(".pl-dock").bounding_box()
    return {"data": data, "docks": docks, "pauses": pauses, "figures": figures, "dock": dock}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_player_teaches_each_stretch_and_its_controls_stay_put(
    browser: Any, server: LiveServer, size: str, scheme: str
) -> None:
    for page in _open(browser, server, size, scheme):
        seen = _play_through(page, f"player-{size}-{scheme}")
        # The controls are in one place in every phase (the dock starts at one height).
        assert len(set(seen["docks"].values())) == 1, seen["docks"]
        assert len(set(seen["pauses"].values())) == 1, seen["pauses"]
        # On every screen size the controls are on the first screen, without scrolling.
        assert max(y for _, y in seen["pauses"].values()) + 48 <= SIZES[size][1]
        # The figure shows in get-ready and hold, down to 320 x 640, above the controls.
        top = seen["docks"]["ready"][1] - page.evaluate("scrollY")
        for key, box in seen["figures"].items():
            assert box is not None and box["height"] >= 60, (key, box)
            assert box["y"] + box["height"] <= top + 1, (key, box, top)
        # The end: time done, today's minutes against the target, streak and habit, no "0".
        assert page.locator("#pl-count").is_hidden()
        assert page.locator("#pl-cue").is_hidden()
        summary = page.locator("#pl-summary").inner_text()
        assert "Time done" in summary and " of " in page.locator("#pl-sum-today").inner_text()
        assert "day" in page.locator("#pl-sum-streak").inner_text()
        assert page.locator("#pl-sum-habit").inner_text().endswith("%")
        # The five ratings share one row inside the screen.
        boxes = [b.bounding_box() for b in page.locator(".pl-rating button").all()]
        assert len(boxes) == 5 and all(b is not None for b in boxes)
        assert len({round(b["y"]) for b in boxes if b}) == 1
        assert max(b["x"] + b["width"] for b in boxes if b) <= SIZES[size][0]
        page.click("button[data-enjoyment='4']")
        page.wait_for_selector("#player[data-state=rated]")
        assert page.locator("#pl-today").is_visible()


def test_a_hold_shows_side_note_and_cues_in_turn(browser: Any, server: LiveServer) -> None:
    for page in _open(browser, server, "390", "light"):
        page.goto("/player/desk-break")
        page.clock.pause_at(PAUSED_AT)
        data = json.loads(page.locator("#player-data").text_content() or "{}")
        page.click("#pl-start")
        noted = next(p for p in data["phases"] if p["note"] and p["kind"] == "hold")
        start = sum(p["duration_s"] for p in data["phases"][: noted["index"]])
        page.clock.run_for(round((start + 1) * 1000))
        page.wait_for_selector(f"#player[data-phase='{noted['index']}']")
        assert page.locator("#pl-note").inner_text() == f"Note: {noted['note']}"
        shot(page, "player-390-light-desk-break-note")
        if len(noted["cues"]) > 1 and noted["duration_s"] > 9:
            first = page.locator("#pl-cue").inner_text()
            page.clock.run_for(8000)
            assert page.locator("#pl-cue").inner_text() != first


def test_screenshots_exist() -> None:
    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    assert folder.is_dir()
