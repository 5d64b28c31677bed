"""The Settings calendar feed with "reachable on my home network" on, in real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from runback.services import accounts
from runback.services.home_network import set_feed_on_home_network
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from runback.web.lan import lan_address
from tests.web.browser import LiveServer, live_server, phone_page, shot

pytestmark = pytest.mark.browser

START = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server started with the setting on, as `runback serve` starts it (all interfaces)."""
    if lan_address() is None:
        pytest.skip("this machine is on no network: no LAN address to show")
    folder: Path = tmp_path_factory.mktemp("lan")
    st = open_store(Settings(database_url=f"sqlite:///{folder / 'runback.db'}"))
    try:
        set_feed_on_home_network(st, True, user_id=LOCAL_USER_ID)
        accounts.new_calendar_token(st, user_id=LOCAL_USER_ID)
    finally:
        st.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RUNBACK_HOST", "0.0.0.0")  # the app reads it; uvicorn still binds loopback
        with live_server(folder, start_at=START) as s:
            yield s


def test_the_feed_section_shows_the_lan_address_and_a_qr_code(
    browser: Any, server: LiveServer
) -> None:
    lan = lan_address()
    for page in phone_page(browser, server):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/settings#calendar")
        assert page.locator("#calendar-url").inner_text().startswith(f"http://{lan}:")
        webcal = page.locator("#calendar-webcal").get_attribute("href", timeout=1000)
        assert webcal is not None and webcal.startswith(f"webcal://{lan}:")
        assert page.locator("#calendar-qr svg").count() == 1
        assert page.locator("#home-network-on").is_checked()
        assert "same Wi-Fi" in page.locator("#home-network").inner_text()
        page.locator("#calendar").scroll_into_view_if_needed()
        page.locator("#calendar").screenshot(
            path=str(Path(__file__).resolve().parents[2] / "test-artifacts/screenshots"
                     / "settings-home-network-390.png")
        )  # fmt: skip
        shot(page, "settings-home-network-390-full")
