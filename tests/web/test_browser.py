"""The web app in real headless Chromium against a real uvicorn server (marked `browser`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.browser import LiveServer, answer_safety_questions, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server for this module's tests (each test uses its own routine or data)."""
    with live_server(tmp_path_factory.mktemp("live")) as s:
        yield s


def test_complete_a_routine_fast_and_see_it_on_today_and_progress(page: Page) -> None:
    page.goto("/player/desk-break?speed=80&context=desk-break")
    player = page.locator("#player")
    assert player.get_attribute("data-state") == "ready"
    assert page.locator("#player-plain").is_hidden()
    shot(page, "player-ready")
    page.click("#pl-start")
    page.wait_for_selector("#player[data-state=running]")
    shot(page, "player-running")
    page.wait_for_selector("#player[data-state=done]")
    shot(page, "player-finished")
    page.click("button[data-enjoyment='4']")
    page.wait_for_selector("#player[data-state=rated]")
    assert page.locator("#pl-done").is_visible()

    page.goto("/")
    assert page.locator("#streak-current").inner_text() == "1"
    item = page.locator(".session-item", has_text="Desk break")
    assert "completed" in item.inner_text() and "enjoyed 4/5" in item.inner_text()
    shot(page, "today")

    page.goto("/progress")
    assert page.locator("#streak-current").inner_text() == "1"
    # Today's calendar cell is shaded (the last cell drawn is today).
    last_cell = page.locator("#chart-heatmap rect.cell").last
    assert last_cell.get_attribute("class") != "cell l0"
    shot(page, "progress")


def test_reload_mid_session_resumes_where_it_was(page: Page) -> None:
    page.goto("/player/back-up-basics?speed=40")
    page.click("#pl-start")
    page.wait_for_function("() => Number(document.querySelector('#player').dataset.phase) >= 3")
    page.keyboard.press(" ")  # pause: the position is saved on pause
    page.wait_for_selector("#player[data-state=paused]")
    phase = int(page.locator("#player").get_attribute("data-phase") or "0")
    session = page.locator("#player").get_attribute("data-session")
    page.wait_for_load_state("networkidle")
    page.reload()
    player = page.locator("#player")
    assert player.get_attribute("data-resumed") == "1"
    assert player.get_attribute("data-session") == session
    assert int(player.get_attribute("data-phase") or "-1") == phase
    assert page.locator("#pl-start").inner_text() == "Resume session"
    shot(page, "player-resume")
    page.click("#pl-start")
    page.keyboard.press("s")  # skip a step with the keyboard
    page.wait_for_selector("#player[data-state=done]")
    assert player.get_attribute("data-session") == session
    page.click("button[data-enjoyment='']")
    page.wait_for_selector("#player[data-state=rated]")


def test_upload_a_gpx_and_see_the_run(page: Page, fixtures_dir: Path) -> None:
    page.goto("/runs")
    page.set_input_files(
        "#upload-form input[type=file]", str(fixtures_dir / "gpx/cerknicko-jezero.gpx")
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-form[data-state=done]")
    result = page.locator("#upload-results li.result-imported")
    assert "cerknicko-jezero.gpx" in result.inner_text()
    assert "4.58 km" in page.locator("#runs-list").inner_text()
    shot(page, "runs")


def test_pain_form_shows_emergency_advice_for_a_red_flag(page: Page) -> None:
    page.goto("/pain")
    page.select_option("select[name=region]", "lower-back")
    page.click(".scale-step:has(input[value='6'])")
    answer_safety_questions(page, yes=["saddle-numbness"])
    page.click("#pain-form button[type=submit]")
    advice = page.locator(".advice-emergency")
    advice.wait_for()
    assert "Get emergency care now" in advice.inner_text()
    assert advice.get_attribute("role") == "alert"
    shot(page, "pain-emergency")
    # The warning sign stays until the user says a professional has checked them; the tests
    # after this one plan and play stretches again.
    page.goto("/")
    page.click("#checked-button")
    page.wait_for_selector("#checked-button", state="detached")


def test_routines_page_filters_and_builds(page: Page) -> None:
    page.goto("/routines")
    page.select_option("select[name=position]", "floor")
    page.click("form.filters button")
    assert "position=floor" in page.url
    shot(page, "routines")
    page.goto("/routines/new")
    page.fill("input[name=name]", "Browser routine")
    page.locator("select[name=step_exercise]").first.select_option(index=1)
    page.click("#routine-form button[type=submit]")
    page.wait_for_url("**/routines/browser-routine?saved=1")
    assert page.locator("h1").inner_text() == "Browser routine"


def test_plan_on_the_routines_page_save_it_and_play_it(page: Page) -> None:
    page.goto("/routines")
    page.fill("#quick-plan input[name=minutes]", "2")
    page.select_option("#quick-plan select[name=where]", "desk")
    page.click("#quick-plan button[type=submit]")
    page.wait_for_selector("#plan-result")
    page.check("#plan-form input[name=areas][value=lower-back]")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url("**areas=lower-back**")
    assert "Total: 2 min 00 s" in page.locator("#plan-total").inner_text()
    steps = page.locator("#plan-steps .plan-step")
    assert steps.count() >= 1
    assert all(steps.nth(i).locator(".why").inner_text() for i in range(steps.count()))
    shot(page, "plan")
    page.fill("#plan-save input[name=slug]", "browser-plan")
    page.click("#plan-save-routine")
    page.wait_for_url("**/routines/browser-plan?saved=1")
    page.goto("/player/browser-plan?speed=80")
    page.click("#pl-start")
    page.wait_for_selector("#player[data-state=done]")
    page.click("button[data-enjoyment='5']")
    page.wait_for_selector("#player[data-state=rated]")
    shot(page, "plan-played")
    page.goto("/")
    item = page.locator(".session-item", has_text="2-minute plan")
    assert "completed" in item.inner_text() and "enjoyed 5/5" in item.inner_text()
