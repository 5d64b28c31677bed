"""The exercise figure as inline SVG on the pages, and as JSON in the player data."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from runback.services.catalog import load_builtin
from runback.services.figures import figure_for
from runback.web.figures import exercise_figure, figure_payload, figure_svg


def test_svg_is_an_image_with_a_text_alternative_and_a_still_copy() -> None:
    fig = figure_for("roll-down")
    assert fig is not None
    svg = figure_svg(fig, title="Roll-down: stand tall & curl")
    assert 'role="img"' in svg and 'aria-label="Roll-down: stand tall &amp; curl"' in svg
    assert "<title>Roll-down: stand tall &amp; curl</title>" in svg
    assert "<animate " in svg and 'repeatCount="indefinite"' in svg
    assert 'class="rb-still"' in svg and "<style>" not in svg  # the CSP forbids inline style
    assert "prefers-reduced-motion: reduce" in figure_svg(fig, standalone=True)
    assert "currentColor" in svg and "var(--fig-prop" in svg
    still = figure_svg(fig, animate=False)
    assert "<animate" not in still


def test_the_text_alternative_is_the_exercise_instructions() -> None:
    ex = load_builtin().exercises["hip-table-stretch"]
    html = str(exercise_figure(ex))
    assert ex.instructions[0].split(",")[0] in html


def test_the_right_side_is_the_mirror_of_the_left() -> None:
    fig = figure_for("hip-table-stretch")
    assert fig is not None
    left, right = figure_payload(fig), figure_payload(fig, side="right")
    assert (left["this_side"], right["this_side"], right["mirror"]) == ("l", "r", True)
    swap = {"l": "r", "r": "l"}
    names = [p[:-1] + swap[p[-1]] if p[-2:] in ("_l", "_r") else p for p in left["parts"]]
    where = {name: i for i, name in enumerate(right["parts"])}
    for pl, pr in zip(left["poses"], right["poses"], strict=True):
        for name, (x1, y1, x2, y2) in zip(names, pl, strict=True):
            assert pr[where[name]] == [-x1, y1, -x2, y2]


def test_player_phases_carry_the_figure_mirrored_on_the_second_side(client: TestClient) -> None:
    r = client.get("/api/v1/routines/back-up-basics/player")
    assert r.status_code == 200
    phases = [p for p in r.json()["phases"] if p["exercise"] == "hip-table-stretch"]
    holds = [p for p in phases if p["kind"] == "hold"]
    assert {p["figure"]["mirror"] for p in holds} == {False, True}
    fig = holds[0]["figure"]
    assert fig["view"] == "side" and len(fig["poses"][0]) == len(fig["parts"])
    assert all(len(seg) == 4 for pose in fig["poses"] for seg in pose)


def test_catalog_routine_and_builder_pages_show_figures(client: TestClient) -> None:
    page = client.get("/routines").text
    assert re.search(r'id="ex-hip-table-stretch".*?<svg class="rb-fig"', page, re.S)
    assert 'class="figure-strip"' in page
    page = client.get("/routines/back-up-basics").text
    assert page.count('<svg class="rb-fig"') >= 3
    page = client.get("/routines/new").text
    assert '<template data-slug="roll-down">' in page
