"""Exercise figures in Chromium: routine and catalog pages, phone and desktop, light and dark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.web.browser import LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server for this module's tests."""
    with live_server(tmp_path_factory.mktemp("live")) as s:
        yield s


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_routine_page_and_an_exercise_figure(
    browser: Browser, server: LiveServer, size: str, scheme: Any
) -> None:
    w, h = SIZES[size]
    context = browser.new_context(
        base_url=server.url, viewport={"width": w, "height": h}, color_scheme=scheme
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    try:
        page.goto("/routines/back-up-basics")
        figures = page.locator("svg.rb-fig")
        assert figures.count() >= 3
        first = figures.first
        assert first.get_attribute("role") == "img"
        box = first.bounding_box()
        assert box is not None and box["width"] > 60 and box["height"] > 60
        # drawn in the page's text colour, so it follows light and dark
        colour = first.evaluate("e => getComputedStyle(e).color")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert colour != background
        shot(page, f"figure-routine-{size}-{scheme}")
        page.goto("/routines#ex-hip-table-stretch")
        card = page.locator("#ex-hip-table-stretch")
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(Path(_dir()) / f"figure-hip-table-{size}-{scheme}.png"))
        page.locator("#ex-seated-upper-back-stretch").screenshot(
            path=str(Path(_dir()) / f"figure-seated-upper-back-{size}-{scheme}.png")
        )
        page.locator("#ex-roll-down").screenshot(
            path=str(Path(_dir()) / f"figure-roll-down-{size}-{scheme}.png")
        )
    finally:
        context.close()
    assert not errors


def _dir() -> str:
    from tests.web.browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS)


def test_reduced_motion_shows_the_still_figure(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(base_url=server.url, reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto("/routines/back-up-basics")
        fig = page.locator("svg.rb-fig").first
        assert fig.locator(".rb-anim").evaluate("e => getComputedStyle(e).display") == "none"
        assert fig.locator(".rb-still").evaluate("e => getComputedStyle(e).display") != "none"
    finally:
        context.close()
    context = browser.new_context(base_url=server.url, reduced_motion="no-preference")
    page = context.new_page()
    try:
        page.goto("/routines/back-up-basics")
        fig = page.locator("svg.rb-fig").first
        assert fig.locator(".rb-still").evaluate("e => getComputedStyle(e).display") == "none"
    finally:
        context.close()


def test_the_builder_previews_the_chosen_exercise(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto("/routines/new")
        row = page.locator(".step-row").first
        row.locator("select[name=step_exercise]").select_option("hip-table-stretch")
        preview = row.locator("[data-figure-preview] svg.rb-fig")
        assert preview.count() == 1
        assert "Table hip" in (preview.get_attribute("aria-label") or "")
        row.screenshot(path=str(Path(_dir()) / "figure-builder-preview-phone.png"))
    finally:
        context.close()


def test_contact_sheet_of_every_figure_both_sides(browser: Browser) -> None:
    """Draw every figure, each key pose and the mirrored side, on one page to look at."""
    from runback.services.figures import load_figures
    from runback.web.figures import figure_svg

    cells = []
    for slug, fig in sorted(load_figures().items()):
        for side in ("left", "right"):
            for i in range(len(fig.poses)) if len(fig.poses) <= 3 else (0, len(fig.poses) // 2):
                svg = figure_svg(fig, side=side, pose_index=i, standalone=True)
                cells.append(f"<figure>{svg}<figcaption>{slug} {side} {i}</figcaption></figure>")
    doc = (
        "<!doctype html><meta charset=utf-8><style>body{margin:4px;font:10px sans-serif;"
        "display:grid;grid-template-columns:repeat(8,1fr);gap:4px}figure{margin:0;"
        "border:1px solid #ccc}svg{width:100%;height:150px}.rb-head{fill:#fff}"
        ".rb-far{stroke-opacity:.45}.rb-this{stroke:#b5462b}.rb-prop{fill:#9ab}</style>"
        + "".join(cells)
    )
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_content(doc)
    assert page.locator("svg").count() == len(cells)
    shot(page, "figures-all")
    context.close()
