"""The routine builder in real headless Chromium: rows are added, moved and removed in the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.web.browser import WAIT_MS, LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PICKS = ["cat-cow", "chin-tuck", "glute-bridge", "pelvic-tilt", "wall-angels", "leg-swings"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server for this module's tests."""
    with live_server(tmp_path_factory.mktemp("live-builder")) as s:
        yield s


def chosen(page: Page) -> list[str]:
    """Return the exercise picked in each row, in page order."""
    values: list[str] = page.eval_on_selector_all(
        "#step-rows select[name=step_exercise]", "els => els.map(e => e.value)"
    )
    return values


def focused_row(page: Page) -> int:
    """Return the 1-based row holding keyboard focus (0 if focus is outside the rows)."""
    index: int = page.evaluate(
        "() => { const rows = [...document.querySelectorAll('#step-rows > .step-row')];"
        " return rows.findIndex(r => r.contains(document.activeElement)) + 1; }"
    )
    return index


def test_build_a_five_step_routine_with_the_row_buttons(page: Page) -> None:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto("/routines/new")
    page.wait_for_selector("#routine-form[data-enhanced='1']")
    rows = page.locator("#step-rows > .step-row")
    page.fill("input[name=name]", "Built by buttons")

    # Remove the starting rows down to one, then add rows until there are six.
    while rows.count() > 1:
        rows.last.get_by_role("button", name=f"Remove step {rows.count()}").click()
    assert rows.count() == 1
    page.get_by_role("button", name="Remove step 1").click()  # the last row stays, emptied
    assert rows.count() == 1
    for n in range(2, len(PICKS) + 1):
        page.get_by_role("button", name="Add a step").click()
        assert rows.count() == n
        assert focused_row(page) == n  # focus lands in the new row's first control
    for i, slug in enumerate(PICKS):
        rows.nth(i).locator("select[name=step_exercise]").select_option(slug)
    rows.nth(2).locator("input[name=step_hold_s]").fill("40")
    assert chosen(page) == PICKS

    # Move step 4 (pelvic-tilt) up; its values travel with it and the numbers follow.
    page.get_by_role("button", name="Move step 4 up").click()
    assert chosen(page) == [
        "cat-cow",
        "chin-tuck",
        "pelvic-tilt",
        "glute-bridge",
        "wall-angels",
        "leg-swings",
    ]
    assert focused_row(page) == 3
    assert rows.nth(3).locator("input[name=step_hold_s]").input_value() == "40"
    assert rows.nth(2).locator(".step-num").inner_text() == "Step 3"
    page.wait_for_function(
        "() => document.getElementById('step-status').textContent === 'Step 4 moved up to step 3.'"
    )
    # Remove step 2 (chin-tuck).
    page.get_by_role("button", name="Remove step 2").click()
    order = ["cat-cow", "pelvic-tilt", "glute-bridge", "wall-angels", "leg-swings"]
    assert chosen(page) == order
    assert focused_row(page) == 2
    # The ends cannot move further, and every button is a big enough target.
    assert page.get_by_role("button", name="Move step 1 up").is_disabled()
    assert page.get_by_role("button", name="Move step 5 down").is_disabled()
    for button in page.locator("#routine-form button:visible:not([aria-hidden])").all():
        box = button.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, button.inner_text()
    # On a phone the fields of a row stack under the exercise, within the screen.
    exercise_box = rows.nth(0).locator(".step-exercise").bounding_box()
    hold_box = rows.nth(0).locator("input[name=step_hold_s]").bounding_box()
    assert exercise_box and hold_box and hold_box["y"] > exercise_box["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert posts == []  # nothing was sent so far: the buttons acted in the page
    shot(page, "routine-builder")

    # Enter in the name field saves (the form's default button is a "save" one).
    page.locator("input[name=name]").press("Enter")
    page.wait_for_url("**/routines/built-by-buttons?saved=1")
    names = page.locator("ol.steps > li.step > strong").all_inner_texts()
    assert names == [
        "Cat-cow",
        "Pelvic tilts",
        "Glute bridge",
        "Wall angels",
        "Leg swings",
    ]
    assert "40 s" in page.locator("ol.steps > li.step").nth(2).inner_text()
    shot(page, "routine-builder-saved")


def test_without_javascript_the_buttons_post_and_rerender(
    browser: Browser, server: LiveServer
) -> None:
    context = browser.new_context(
        base_url=server.url, viewport={"width": 412, "height": 915}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto("/routines/new")
        rows = page.locator("#step-rows > .step-row")
        start = rows.count()
        # No name yet: the row buttons skip the browser's "required" check (formnovalidate).
        rows.nth(0).locator("select[name=step_exercise]").select_option("cat-cow")
        page.get_by_role("button", name="Add a step").click()
        page.wait_for_load_state()
        assert rows.count() == start + 1
        assert rows.nth(0).locator("select[name=step_exercise]").input_value() == "cat-cow"
        page.get_by_role("button", name="Move step 1 down").click()
        page.wait_for_load_state()
        assert rows.nth(1).locator("select[name=step_exercise]").input_value() == "cat-cow"
        assert "Step 1 moved down to step 2." in page.locator("#step-status").inner_text()
        shot(page, "routine-builder-no-js")
    finally:
        context.close()
