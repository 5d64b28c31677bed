"""The installable app offline (real Chromium): kept shell, a routine played, sent once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.web.browser import WAIT_MS, free_port, live_server, shot

pytestmark = pytest.mark.browser

START = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SLUG = "back-up-basics"


def test_install_go_offline_play_to_the_end_and_see_one_session(
    browser: Any, tmp_path: Path
) -> None:
    port = free_port()
    context = browser.new_context(
        base_url=f"http://127.0.0.1:{port}", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    with live_server(tmp_path, start_at=START, port=port) as server:
        page.goto("/")
        # Install criteria: a manifest with icons and standalone display, a service worker.
        href = page.locator("link[rel=manifest]").get_attribute("href")
        manifest = httpx.get(server.url + str(href)).json()
        assert manifest["display"] == "standalone"
        assert {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
        scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == server.url + "/"
        page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        # Opened once online at a fast clock, so that copy is the one kept.
        page.goto(f"/player/{SLUG}?speed=120")
        page.wait_for_selector("#player[data-state=ready]")
        page.wait_for_load_state("networkidle")
    # The server is gone and the phone is offline: the player still opens and plays.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#player[data-state=ready]")
    page.click("#pl-start")
    page.wait_for_selector("#player[data-kept='1'][data-state=done]", timeout=120_000)
    assert "sent when the phone is back online" in page.locator("#pl-status").inner_text()
    shot(page, "offline-player-kept-390")
    page.click("button[data-enjoyment='4']")
    page.wait_for_selector("#player[data-state=rated]")
    assert page.evaluate("() => window.runback.outbox.pending()") == 1
    assert page.locator("html").get_attribute("data-outbox") == "1"
    with live_server(tmp_path, start_at=START, port=port) as server:
        context.set_offline(False)
        page.wait_for_function("() => document.documentElement.dataset.outbox === '0'")
        # A second flush (another tab, a reload) sends nothing twice.
        page.evaluate("() => window.runback.outbox.flush()")
        page.goto("/")
        items = page.locator(".session-item")
        assert items.count() == 1
        assert "enjoyed 4/5" in items.first.inner_text()
        shot(page, "offline-today-after-sync-390")
        sessions = httpx.get(server.url + "/api/v1/sessions").json()
        assert len(sessions) == 1 and sessions[0]["completed"] is True
    context.close()
    assert not script_errors, script_errors
