"""First-day questions on a 390×844 phone (real Chromium): first visit → form → Today; skip."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from runback.core.profile import EXERCISE_DISCLAIMER
from tests.web.browser import LiveServer, live_server, phone_page, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

START = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """Start a fresh server (a new user) for each path."""
    with live_server(tmp_path, start_at=START) as s:
        yield s


@pytest.fixture
def phone(browser: Any, server: LiveServer) -> Iterator[Page]:
    """Open a 390×844 phone page on the server."""
    for pg in phone_page(browser, server):
        pg.set_viewport_size({"width": 390, "height": 844})
        yield pg


def test_first_visit_answers_the_questions_and_lands_on_today(
    phone: Page, server: LiveServer
) -> None:
    phone.goto("/")
    assert phone.locator("#welcome-prompt").is_visible()
    shot(phone, "onboarding-1-today-first-visit-390")
    phone.click("#welcome-start")
    phone.wait_for_url("**/welcome")
    assert phone.locator("h1").inner_text() == "Welcome to runback"
    phone.check("input[name=run_days][value=tue]")
    phone.check("input[name=run_days][value=sat]")
    phone.fill("input[name=run_time]", "18:30")
    phone.fill("input[name=sitting_hours]", "9")
    phone.check("input[name=back_pain_history][value=yes]")
    phone.fill("input[name=birth_year]", "1972")
    phone.check("input[name=contraindications][value=osteoporosis]")
    shot(phone, "onboarding-2-form-390")
    # Nothing on the form runs wider than the phone.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.click("#profile-save")
    phone.wait_for_url(server.url + "/")
    assert phone.locator("#welcome-prompt").count() == 0
    advice = phone.locator("#physio-advice")
    assert "physiotherapist or osteopath" in advice.inner_text()
    assert advice.locator("a[href='/programme']").is_visible()
    shot(phone, "onboarding-3-today-after-390")
    data = httpx.get(server.url + "/api/v1/profile").json()
    assert data["status"] == "answered" and data["age"] == 54
    assert data["run_days"] == {"tue": "18:30:00", "sat": "18:30:00"}
    # The routine and the player now flag what may not suit, under the exercise disclaimer.
    phone.goto("/routines/back-up-basics")
    care = phone.locator("#exercise-care")
    assert EXERCISE_DISCLAIMER in care.inner_text()
    assert "Check with your physio first" in care.inner_text()
    shot(phone, "onboarding-4-routine-flags-390")
    phone.goto("/player/back-up-basics")
    assert phone.locator("#exercise-care").is_visible()
    shot(phone, "onboarding-5-player-390")
    phone.set_viewport_size({"width": 1280, "height": 800})
    phone.goto("/settings/profile")
    assert phone.locator("input[name=birth_year]").input_value() == "1972"
    shot(phone, "onboarding-6-settings-profile-1280")


def test_skip_is_never_asked_again(phone: Page, server: LiveServer) -> None:
    phone.goto("/")
    phone.click("#welcome-skip")
    phone.wait_for_url(server.url + "/")
    assert phone.locator("#welcome-prompt").count() == 0
    phone.reload()
    assert phone.locator("#welcome-prompt").count() == 0
    shot(phone, "onboarding-skip-today-390")
    # Skipping from the form itself works the same, and Settings still has the questions.
    phone.goto("/welcome")
    phone.click("#profile-skip")
    phone.wait_for_url(server.url + "/")
    phone.goto("/settings")
    phone.click("#profile-link a")
    phone.wait_for_url("**/settings/profile")
    assert phone.locator("h1").inner_text() == "Your profile"
    assert httpx.get(server.url + "/api/v1/profile").json()["status"] == "skipped"
