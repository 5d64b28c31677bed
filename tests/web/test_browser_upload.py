"""Uploading runs in headless Chromium: the page follows the import job to the end, on a phone
and a desktop, and without JavaScript it says to reload until the import is done."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import SHARED_FIXTURES
from tests.web.browser import WAIT_MS, LiveServer, live_server, shot
from tests.web.uploads import many_runs

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload, Page

pytestmark = pytest.mark.browser

REAL = ("fit/garmin-fenix-5-run.fit", "gpx/cerknicko-jezero.gpx", "gpx/route.gpx", "tcx/test.tcx")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start an empty local server."""
    with live_server(tmp_path_factory.mktemp("live-upload")) as s:
        yield s


def _payloads(names: tuple[str, ...]) -> list[FilePayload]:
    return [
        {
            "name": Path(n).name,
            "mimeType": "application/octet-stream",
            "buffer": (SHARED_FIXTURES / n).read_bytes(),
        }
        for n in names
    ]


def _generated(count: int, first_day: int) -> list[FilePayload]:
    runs = many_runs(first_day + count, 1000)[first_day:]
    return [{"name": n, "mimeType": t, "buffer": b} for _, (n, b, t) in runs]


def test_the_page_follows_the_import_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/runs")
    page.set_input_files("#upload-form input[type=file]", [*_payloads(REAL), *_generated(30, 0)])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-form[data-state=importing]")
    # A function, not a bare expression: Playwright evals an expression, which the page's
    # Content-Security-Policy (no unsafe-eval) refuses once it has to poll.
    page.wait_for_function(
        "() => document.getElementById('upload-status').textContent.includes(' of 34 files done')"
    )
    shot(page, "runs-upload-importing-phone")
    page.wait_for_selector("#upload-form[data-state=done]", timeout=WAIT_MS * 3)
    status = page.locator("#upload-status").inner_text()
    assert status == "33 imported, 1 not imported."
    results = page.locator("#upload-results li")
    assert results.count() == 34
    assert "planned route" in page.locator("#upload-results li", has_text="route.gpx").inner_text()
    heading = page.locator("#runs-list h2").inner_text()
    assert heading.startswith("32 runs"), heading  # and test.tcx: another activity
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    shot(page, "runs-upload-done-phone")


def test_the_page_follows_the_import_on_a_desktop(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    desktop = context.new_page()
    desktop.set_default_timeout(WAIT_MS * 3)
    desktop.goto("/runs")
    files = [*_payloads(REAL[:2]), *_generated(3, 100)]
    desktop.set_input_files("#upload-form input[type=file]", files)
    desktop.click("#upload-form button[type=submit]")
    desktop.wait_for_selector("#upload-form[data-state=done]")
    status = desktop.locator("#upload-status").inner_text()
    assert status in ("3 imported, 2 already there.", "5 imported.")
    shot(desktop, "runs-upload-done-desktop")
    context.close()


def test_without_javascript_the_page_says_to_reload(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(
        base_url=server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    plain = context.new_page()
    plain.set_default_timeout(WAIT_MS)
    plain.goto("/runs")
    plain.set_input_files("#upload-form input[type=file]", _generated(40, 200))
    plain.click("#upload-form button[type=submit]")
    plain.wait_for_url("**/runs?job=*")
    text = plain.locator("#upload-status").inner_text()
    assert "Reload this page to see the result." in text, text
    assert "/api/" not in plain.locator("main").inner_text()
    shot(plain, "runs-upload-nojs-importing-phone")
    deadline = time.monotonic() + 60
    while "Reload" in plain.locator("#upload-status").inner_text():
        assert time.monotonic() < deadline
        time.sleep(0.5)  # a real server imports the files: real time, no app clock
        plain.reload()
    assert plain.locator("#upload-status").inner_text() == "40 imported."
    assert plain.locator("#upload-results li").count() == 40
    shot(plain, "runs-upload-nojs-done-phone")
    context.close()
