"""Routines: browse by area and position, build and edit with the form, import a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from runback.errors import ValidationError
from runback.services.routines import import_routine
from runback.services.store import LOCAL_USER_ID, Store

GOOD = """slug = "my-hips"
name = "My hips"

[[steps]]
exercise = "cat-cow"
hold_s = 20
"""
BAD = """slug = "Bad Slug"
name = "Bad"

[[steps]]
exercise = "cat-cwo"
hold_s = 2
"""


def test_catalog_filters_by_area_and_position(client: TestClient) -> None:
    every = client.get("/api/v1/exercises").json()
    floor_hips = client.get("/api/v1/exercises", params={"area": "hips", "position": "floor"})
    chosen = floor_hips.json()
    assert 0 < len(chosen) < len(every)
    assert all("hips" in e["areas"] and e["position"] == "floor" for e in chosen)
    page = client.get("/routines", params={"area": "hips", "position": "floor"}).text
    assert page.count('class="card" id="ex-') == len(chosen)
    assert f"{len(chosen)} exercise" in page


def test_form_builds_a_routine_and_edits_it(client: TestClient) -> None:
    r = client.post(
        "/routines/save",
        data={
            "name": "Lunch stretch",
            "step_exercise": ["cat-cow", "", "cat-cow"],
            "step_hold_s": ["20", "", ""],
            "step_reps": ["", "", "2"],
            "step_sides": ["", "", ""],
            "step_rest_s": ["", "", ""],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/routines/lunch-stretch?saved=1"
    routine = client.get("/api/v1/routines/lunch-stretch").json()
    assert [s.get("hold_s") for s in routine["steps"]] == [20, None]
    assert routine["steps"][1]["reps"] == 2
    edit = client.get("/routines/lunch-stretch/edit").text
    assert 'name="editing" value="lunch-stretch"' in edit
    r = client.post(
        "/routines/save",
        data={"name": "Lunch stretch", "editing": "lunch-stretch", "step_exercise": ["cat-cow"]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert len(client.get("/api/v1/routines/lunch-stretch").json()["steps"]) == 1


def test_form_errors_are_shown_and_nothing_is_stored(client: TestClient) -> None:
    r = client.post(
        "/routines/save",
        data={"name": "Oops", "step_exercise": ["cat-cwo"], "step_hold_s": ["2"]},
    )
    assert r.status_code == 422
    assert "did you mean &#39;cat-cow&#39;" in r.text
    assert "hold_s" in r.text
    assert r.text.count('class="step-row"') == 2  # the typed row is kept, plus a blank one
    assert client.get("/api/v1/routines/oops").status_code == 404


def test_builtin_routines_cannot_be_replaced(client: TestClient) -> None:
    r = client.get("/routines/desk-break/edit", follow_redirects=False)
    assert r.headers["location"] == "/routines/new?copy=desk-break"
    r = client.put(
        "/api/v1/routines/desk-break", json={"name": "x", "steps": [{"exercise": "cat-cow"}]}
    )
    assert r.status_code == 422 and "built-in" in r.json()["detail"]


def test_import_accepts_a_good_file_and_refuses_a_duplicate(client: TestClient) -> None:
    files = {"file": ("my-hips.toml", GOOD.encode())}
    r = client.post("/routines/import", files=files, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/routines/my-hips?imported=created"
    r = client.post("/api/v1/routines/import", files=files)
    assert r.status_code == 422 and "--replace" in r.json()["detail"]
    r = client.post("/api/v1/routines/import", files=files, data={"replace": "true"})
    assert r.status_code == 200 and r.json()["action"] == "replaced"


def test_import_errors_match_the_cli(client: TestClient, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD)
    with pytest.raises(ValidationError) as cli:
        import_routine(store, path, user_id=LOCAL_USER_ID)
    r = client.post("/routines/import", files={"file": ("bad.toml", BAD.encode())})
    assert r.status_code == 422
    assert "bad.toml was not imported" in r.text
    # The same problems, in a page's words (no command-line hints or internal names).
    from runback.web.problems import plain_words

    for problem in cli.value.problems:
        assert plain_words(problem).replace("'", "&#39;").replace('"', "&#34;") in r.text
    assert all(x["slug"] != "bad-slug" for x in client.get("/api/v1/routines").json())


def test_export_round_trips(client: TestClient) -> None:
    text = client.get("/routines/desk-break.toml").text
    assert 'slug = "desk-break"' in text
    mine = text.replace('slug = "desk-break"', 'slug = "my-desk-break"')
    r = client.post("/api/v1/routines/import", files={"file": ("x.toml", mine.encode())})
    assert r.status_code == 200, r.text
    r = client.delete("/api/v1/routines/my-desk-break")
    assert r.status_code == 204


def test_routine_and_catalog_pages_show_cautions_and_source(client: TestClient) -> None:
    seed = "Source: recommended by a physio, from a runner&#39;s blog"
    basics = client.get("/routines/back-up-basics").text
    assert basics.count(seed) == 3
    strength = client.get("/routines/back-strength").text
    assert "Back strength" in strength and "Bird-dog" in strength and "Clamshell" in strength
    assert strength.count("Source: runback") == 5
    assert "Skip it in the first weeks after a hip replacement" in strength
    player = client.get("/player/back-strength")
    assert player.status_code == 200 and "Side plank on the knees" in player.text
    catalog = client.get("/routines", params={"area": "core"}).text
    assert 'id="ex-dead-bug"' in catalog and 'id="ex-cat-cow"' not in catalog
    every = client.get("/routines").text
    cards = every.count('class="card" id="ex-')
    assert every.count('<p class="muted small source">') == cards
    assert every.count(seed) == 3
    api = {e["slug"]: e for e in client.get("/api/v1/exercises").json()}
    assert api["side-plank-knees"]["equipment"] == "mat" and api["cat-cow"]["source"] == "runback"
    assert all(e["cautions"] for e in api.values())
