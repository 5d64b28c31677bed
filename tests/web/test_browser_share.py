"""The physio's share page in Chromium, phone and desktop: the report, the PDF, an upload
refused and one sent; the user's share page and Today's check-in banner (screenshots)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from runback.core.clock import FakeClock
from runback.services import breaks, pain, programmes, share
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from tests.web.browser import LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 20, 12, 0, tzinfo=BERLIN)  # a Tuesday, a run day
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"
TOKEN: list[str] = []


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start a server on a database with three weeks of pain, a programme and a share link."""
    folder = tmp_path_factory.mktemp("live-share")
    with live_server(folder, start_at=NOW) as s:
        _seed(folder / "runback.db")
        yield s


def _seed(db: Path) -> None:
    clock = FakeClock((NOW - timedelta(days=21)).astimezone(UTC))
    store = open_store(Settings(database_url=f"sqlite:///{db}", zone="Europe/Berlin"), clock)
    try:
        U = LOCAL_USER_ID
        breaks.set_prefs(store, {"run_days": {"tue": "18:30", "sat": "09:00"}}, user_id=U)
        programmes.import_programme(store, EXAMPLE.read_text(), "programme.toml", user_id=U)
        for day in range(21):
            clock.advance(86400)
            if day % 2 == 0:
                flags = ["back-shape"] if day == 10 else []
                level = [3, 4, 2, 5, 3, 2][day % 6]
                pain.log_pain(
                    store, user_id=U, region="lower-back", intensity=level, red_flags=flags
                )
            if day % 5 == 0:
                pain.log_pain(store, user_id=U, region="hips", intensity=2, red_flags=[])
        TOKEN.append(share.create_link(store, user_id=U, days=14).token)
    finally:
        store.close()


def _page(browser: Browser, server: LiveServer, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()
    # The refused upload answers 422 on purpose; no script error is ever fine.
    assert not [e for e in errors if "422" not in e], errors


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_shared_page_reads_well_and_takes_an_upload(
    browser: Browser, server: LiveServer, width: int, height: int, tmp_path: Path
) -> None:
    for pg in _page(browser, server, width, height):
        pg.goto(f"/share/{TOKEN[0]}")
        assert pg.locator("h1").inner_text() == "Back care report"
        assert pg.locator("#share-pain table tbody tr").count() == 2
        assert "Lower back" in pg.locator("#share-pain").inner_text()
        assert pg.locator("#share-red-flags li").count() == 1
        assert pg.locator("#share-handout > li").count() >= 2
        scroll = pg.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"the page scrolls sideways at {width}px: {scroll}"
        text = pg.locator("body").inner_text()
        assert "@" not in text and "Settings" not in text
        shot(pg, f"share-page-{width}")
        pdf = pg.request.get(f"/share/{TOKEN[0]}/report.pdf")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        bad = tmp_path / "rx.toml"
        bad.write_text("name = 'x'\nformat = 1\n[[prescription]]\nexercise = 'nope-nope'\n")
        pg.set_input_files("input[name=file]", str(bad))
        pg.click("#share-upload button[type=submit]")
        pg.wait_for_selector("#share-errors")
        assert "rx.toml line 4" in pg.locator("#share-errors").inner_text()
        pg.set_input_files("input[name=file]", str(EXAMPLE))
        pg.click("#share-upload button[type=submit]")
        pg.wait_for_selector("#share-sent")
        shot(pg, f"share-page-sent-{width}")


def test_the_users_share_page_lists_views_and_the_sent_programme(
    browser: Browser, server: LiveServer
) -> None:
    for width, height in ((390, 844), (1280, 800)):
        for pg in _page(browser, server, width, height):
            pg.goto("/settings/share")
            assert pg.locator(".share-upload").count() >= 1
            assert "Opened" in pg.locator("#share-list").inner_text()
            pg.locator("#share-list details").first.click()
            shot(pg, f"share-links-{width}")
            pg.goto("/")
            assert pg.locator("#checkin-pre-run").count() == 1
            shot(pg, f"today-checkin-{width}")
