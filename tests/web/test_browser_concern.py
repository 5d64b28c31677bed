"""Chromium: the emergency panel with its call link on a phone, kept on Today until checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.web.browser import LiveServer, answer_safety_questions, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server for this module's tests."""
    with live_server(tmp_path_factory.mktemp("live")) as s:
        yield s


def _page(browser: Any, server: LiveServer, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(
        base_url=server.url, viewport={"width": width, "height": height}, device_scale_factor=1
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
    assert not errors, errors


def test_the_emergency_panel_has_a_tappable_call_link_on_a_phone(
    browser: Any, server: LiveServer
) -> None:
    for pg in _page(browser, server, 390, 844):
        pg.goto("/pain")
        pg.click(".scale-step:has(input[value='5'])")
        answer_safety_questions(pg, yes=["wiping-numbness"])
        pg.click("#pain-form button[type=submit]")
        panel = pg.locator("#concern")
        panel.wait_for()
        call = pg.locator("#call-emergency")
        assert call.get_attribute("href") == "tel:112"
        assert call.is_visible()
        box = call.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] <= 390  # thumb-sized
        pg.goto("/")
        assert pg.locator("#concern[data-level=emergency]").is_visible()
        call = pg.locator("#call-emergency")
        box = call.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844  # on the first screen
        assert pg.locator("#start-suggested").count() == 0
        assert pg.locator("#today-due").get_attribute("data-kind") == "care"
        pg.screenshot(path=_path("today-emergency-phone"))  # the first screen, as a phone sees it
        shot(pg, "today-emergency-phone-full")
        pg.click("#checked-button")
        pg.wait_for_url("**/pain?done=checked")
        assert pg.locator("#concern").count() == 0
        pg.goto("/")
        assert pg.locator("#start-suggested").is_visible()


def test_the_emergency_panel_on_a_laptop(browser: Any, server: LiveServer) -> None:
    for pg in _page(browser, server, 1280, 800):
        pg.goto("/pain")
        pg.click(".scale-step:has(input[value='4'])")
        answer_safety_questions(pg, yes=["chest-breathless"])
        pg.click("#pain-form button[type=submit]")
        pg.locator("#concern").wait_for()
        pg.goto("/")
        assert pg.locator("#call-emergency").get_attribute("href") == "tel:112"
        pg.screenshot(path=_path("today-emergency-laptop"))
        pg.goto("/player/back-up-basics")
        assert pg.locator("#concern").is_visible()
        pg.screenshot(path=_path("player-emergency-laptop"))
        pg.goto("/pain")
        shot(pg, "pain-form-with-concern")
        pg.click("#checked-button")
        pg.wait_for_url("**/pain?done=checked")


def _path(name: str) -> str:
    from tests.web.browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")
