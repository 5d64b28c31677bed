"""Edit and delete in headless Chromium: History, Pain, a refused routine delete (`browser`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.web.browser import LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server for this module's tests."""
    with live_server(tmp_path_factory.mktemp("live")) as s:
        yield s


def _seed(page: Page) -> None:
    """Log a finished session, a break and a pain entry through the API, as the pages would."""
    started = page.request.post(
        "/api/v1/sessions", data={"routine_slug": "back-up-basics", "context": "before-run"}
    )
    assert started.ok, started.text()
    sid = started.json()["id"]
    done = page.request.post(
        f"/api/v1/sessions/{sid}/finish", data={"completed": True, "enjoyment": 3}
    )
    assert done.ok, done.text()
    now = datetime.now(UTC).isoformat()
    assert page.request.post("/api/v1/breaks", data={"due_at": now, "outcome": "taken"}).ok
    pain = {
        "region": "lower-back",
        "intensity": 4,
        "notes": "after the long run",
        "red_flags": [],
    }
    assert page.request.post("/api/v1/pain", data=pain).ok


def test_delete_a_session_through_the_confirmation_page(page: Page) -> None:
    _seed(page)
    page.goto("/history")
    item = page.locator("#history-sessions .history-item").first
    assert "Back-up basics" in item.inner_text()
    item.get_by_role("link", name="Delete").click()
    page.wait_for_selector("#confirm-delete")
    assert "Delete this session?" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Yes, delete it").click()
    page.wait_for_selector("#history-notice")
    assert "Session deleted" in page.locator("#history-notice").inner_text()
    page.goto("/progress")
    assert page.locator("#streak-current").inner_text() == "0"


def test_edit_a_pain_entry_and_see_the_advice_again(page: Page) -> None:
    _seed(page)
    page.goto("/pain")
    page.locator(".pain-history").get_by_role("link", name="Edit").first.click()
    page.wait_for_selector("#pain-edit-form")
    page.locator("label.scale-step", has_text="6").first.click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#pain-changed")
    assert "6/10" in page.locator("#pain-changed").inner_text()


def _shoot(browser: Any, server: LiveServer, path: str, name: str) -> None:
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            base_url=server.url, viewport={"width": width, "height": height}
        )
        pg = context.new_page()
        pg.goto(path)
        shot(pg, f"undo-{name}-{size}")
        context.close()


def test_screenshots_of_the_changed_pages(page: Page, browser: Any, server: LiveServer) -> None:
    _seed(page)
    page.goto("/history")
    session_edit = page.locator("#history-sessions a", has_text="Edit").first.get_attribute("href")
    session_delete = page.locator("#history-sessions a", has_text="Delete").first.get_attribute(
        "href"
    )
    break_edit = page.locator("#history-breaks a", has_text="Edit").first.get_attribute("href")
    page.goto("/pain")
    pain_edit = page.locator(".pain-history a", has_text="Edit").first.get_attribute("href")
    assert session_edit and session_delete and break_edit and pain_edit
    for path, name in (
        ("/history", "history"),
        (session_edit, "session-edit"),
        (session_delete, "session-delete"),
        (break_edit, "break-edit"),
        ("/pain", "pain"),
        (pain_edit, "pain-edit"),
        ("/progress", "progress"),
    ):
        _shoot(browser, server, path, name)


def test_deleting_a_routine_a_slot_uses_is_refused_on_its_page(
    browser: Any, server: LiveServer
) -> None:
    # Its own contexts: the refusal is a 409, which the shared page fixture counts as an error.
    setup = browser.new_context(base_url=server.url)
    steps = [{"exercise": "roll-down"}]
    made = setup.request.post("/api/v1/routines", data={"name": "Lunch stretch", "steps": steps})
    assert made.ok, made.text()
    slots = setup.request.get("/api/v1/slots").json()
    for slot in slots:
        if slot["name"] == "desk-break":
            slot["routine"], slot["plan"] = "lunch-stretch", None
    assert setup.request.put("/api/v1/slots", data=slots).ok
    setup.close()
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            base_url=server.url, viewport={"width": width, "height": height}
        )
        pg = context.new_page()
        pg.on("dialog", lambda d: d.accept())
        pg.goto("/routines/lunch-stretch")
        pg.get_by_role("button", name="Delete this routine").click()
        pg.wait_for_selector("#routine-in-use")
        text = pg.locator("#routine-in-use").inner_text()
        assert "Desk breaks slot uses 'Lunch stretch': pick another routine for it first" in text
        shot(pg, f"undo-routine-refused-{size}")
        context.close()


def test_history_shows_skip_reasons_and_short_breaks(browser: Any, server: LiveServer) -> None:
    # Any due time will do: the History page lists breaks by when they were answered (now).
    due = "2026-01-05T09:00:00+00:00"
    answers = [
        {"due_at": due, "outcome": "skipped", "reason": "in a meeting"},
        {"due_at": due, "outcome": "taken", "short": True},
        {
            "due_at": due,
            "outcome": "skipped",
            "reason": "presenting the quarterly numbers to the whole department, back at three",
        },
    ]
    for size, (width, height) in {"phone": (390, 844), "laptop": (1280, 800)}.items():
        context = browser.new_context(
            base_url=server.url, viewport={"width": width, "height": height}
        )
        pg = context.new_page()
        if size == "phone":
            for answer in answers:
                assert pg.request.post("/api/v1/breaks", data=answer).ok
        pg.goto("/history")
        text = pg.locator("#history-breaks").inner_text()
        assert "Skipped — in a meeting" in text and "Taken — 1-minute break" in text
        # Nothing sticks out sideways, however long the reason.
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        shot(pg, f"history-break-notes-{size}")
        context.close()
