"""The routine builder without JavaScript: row buttons re-render the form, only Save stores."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from runback.web.routes._routine_rows import MAX_ROWS, UnknownAction, apply_action, blank_row
from tests.web.conftest import HostedClient, signup

Row = tuple[str, str, str, str, str]

FORM: dict[str, Any] = {
    "name": "Morning back",
    "slug": "morning-back",
    "description": "Before coffee",
    "step_exercise": ["cat-cow", "chin-tuck", "glute-bridge"],
    "step_hold_s": ["20", "", "30"],
    "step_reps": ["", "3", ""],
    "step_sides": ["", "", "both"],
    "step_rest_s": ["", "", "10"],
}
CAT: Row = ("cat-cow", "20", "", "", "")
CHIN: Row = ("chin-tuck", "", "3", "", "")
BRIDGE: Row = ("glute-bridge", "30", "", "both", "10")
EMPTY: Row = ("", "", "", "", "")


def rows(html: str) -> list[Row]:
    """Read every step row of a rendered form as (exercise, hold, reps, sides, rest)."""
    out = []
    for chunk in html.split('<li class="step-row">')[1:]:
        chunk = chunk.split("</li>")[0]
        exercise_part, sides_part = chunk.split('name="step_sides"')
        exercise = re.search(r'<option value="([^"]*)" selected', exercise_part)
        sides = re.search(r'<option value="([^"]*)" selected', sides_part)

        def value(name: str, chunk: str = chunk) -> str:
            found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', chunk)
            assert found, name
            return found.group(1)

        out.append(
            (
                exercise.group(1) if exercise else "",
                value("step_hold_s"),
                value("step_reps"),
                sides.group(1) if sides else "",
                value("step_rest_s"),
            )
        )
    return out


def post(client: TestClient, action: str | None, **changes: Any) -> Any:
    data = {**FORM, **changes}
    if action is not None:
        data["action"] = action
    return client.post("/routines/save", data=data, follow_redirects=False)


def form_data(html: str, **extra: Any) -> dict[str, Any]:
    """Turn a re-rendered form back into what the browser would post."""
    shown = rows(html)
    columns = ("step_exercise", "step_hold_s", "step_reps", "step_sides", "step_rest_s")
    data: dict[str, Any] = {c: [r[i] for r in shown] for i, c in enumerate(columns)}
    for field in ("name", "slug"):
        found = re.search(rf'<input name="{field}" value="([^"]*)"', html)
        data[field] = found.group(1) if found else ""
    found = re.search(r'<textarea name="description"[^>]*>([^<]*)</textarea>', html)
    data["description"] = found.group(1) if found else ""
    return {**data, **extra}


def assert_kept_and_nothing_saved(client: TestClient, html: str) -> None:
    assert 'value="Morning back"' in html
    assert 'value="morning-back"' in html
    assert ">Before coffee</textarea>" in html
    assert client.get("/api/v1/routines/morning-back").status_code == 404
    assert all(r["origin"] == "builtin" for r in client.get("/api/v1/routines").json())


def test_the_new_form_has_row_buttons_and_loads_its_script(client: TestClient) -> None:
    html = client.get("/routines/new").text
    assert "Save, then edit" not in html
    assert '<script src="/static/routine_form.js" defer></script>' in html
    n = len(rows(html))
    assert n >= 1
    assert (
        'value="up:1" formnovalidate data-row-action="up" aria-label="Move step 1 up" disabled'
        in html
    )
    assert f'aria-label="Move step {n} down" disabled' in html
    assert 'aria-label="Remove step 1"' in html
    assert 'value="add" formnovalidate' in html
    # Enter in a field must save: the first submit button in the form is a "save" one.
    first = re.search(r"<form[^>]*id=\"routine-form\".*?<button([^>]*)>", html, re.S)
    assert first and 'value="save"' in first.group(1)
    assert client.get("/static/routine_form.js").status_code == 200


def test_add_appends_an_empty_row_and_keeps_every_value(client: TestClient) -> None:
    r = post(client, "add")
    assert r.status_code == 200, r.text
    assert rows(r.text) == [CAT, CHIN, BRIDGE, EMPTY]
    assert "Step 4 added." in r.text
    assert re.search(r'<select name="step_exercise" autofocus>', r.text)
    assert len(re.findall(r"autofocus", r.text)) == 1
    assert_kept_and_nothing_saved(client, r.text)


def test_up_and_down_swap_rows_and_save_nothing(client: TestClient) -> None:
    r = post(client, "up:3")
    assert r.status_code == 200
    assert rows(r.text) == [CAT, BRIDGE, CHIN]
    assert "Step 3 moved up to step 2." in r.text
    assert_kept_and_nothing_saved(client, r.text)
    r = post(client, "down:1")
    assert r.status_code == 200
    assert rows(r.text) == [CHIN, CAT, BRIDGE]
    assert_kept_and_nothing_saved(client, r.text)
    # At the ends nothing moves, and that is said.
    r = post(client, "up:1")
    assert rows(r.text) == [CAT, CHIN, BRIDGE] and "Step 1 is already first." in r.text
    r = post(client, "down:3")
    assert rows(r.text) == [CAT, CHIN, BRIDGE] and "Step 3 is already last." in r.text


def test_remove_drops_a_row_and_always_keeps_one(client: TestClient) -> None:
    r = post(client, "remove:2")
    assert r.status_code == 200
    assert rows(r.text) == [CAT, BRIDGE]
    assert "Step 2 removed." in r.text
    assert_kept_and_nothing_saved(client, r.text)
    r = post(
        client,
        "remove:1",
        step_exercise=["cat-cow"],
        step_hold_s=["20"],
        step_reps=[""],
        step_sides=[""],
        step_rest_s=[""],
    )
    assert r.status_code == 200
    assert rows(r.text) == [EMPTY]


def test_blank_rows_and_typed_values_stay_where_they_were(client: TestClient) -> None:
    r = post(
        client,
        "down:1",
        step_exercise=["", "cat-cwo"],
        step_hold_s=["15", "2"],
        step_reps=["", ""],
        step_sides=["", ""],
        step_rest_s=["", ""],
    )
    assert r.status_code == 200
    # A slug that is not in the catalog is kept as typed (Save will name the problem).
    assert rows(r.text) == [("cat-cwo", "2", "", "", ""), ("", "15", "", "", "")]


def test_save_after_reordering_stores_the_new_order(client: TestClient) -> None:
    html = post(client, "up:3").text
    html = client.post("/routines/save", data=form_data(html, action="remove:1")).text
    html = client.post("/routines/save", data=form_data(html, action="add")).text
    assert rows(html) == [BRIDGE, CHIN, EMPTY]
    r = client.post("/routines/save", data=form_data(html, action="save"), follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/routines/morning-back?saved=1"
    steps = client.get("/api/v1/routines/morning-back").json()["steps"]
    assert [s["exercise"] for s in steps] == ["glute-bridge", "chin-tuck"]
    assert steps[0]["hold_s"] == 30 and steps[0]["sides"] == "both" and steps[0]["rest_s"] == 10
    assert steps[1]["reps"] == 3


def test_editing_a_routine_keeps_its_slug_and_stores_nothing_until_save(
    client: TestClient,
) -> None:
    assert post(client, None).status_code == 303
    html = client.get("/routines/morning-back/edit").text
    assert rows(html)[:3] == [CAT, CHIN, BRIDGE]
    r = post(client, "remove:1", editing="morning-back", slug="morning-back")
    assert r.status_code == 200
    assert 'name="editing" value="morning-back"' in r.text
    stored = client.get("/api/v1/routines/morning-back").json()["steps"]
    assert [s["exercise"] for s in stored] == ["cat-cow", "chin-tuck", "glute-bridge"]
    r = client.post(
        "/routines/save",
        data=form_data(r.text, editing="morning-back"),
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    stored = client.get("/api/v1/routines/morning-back").json()["steps"]
    assert [s["exercise"] for s in stored] == ["chin-tuck", "glute-bridge"]


@pytest.mark.parametrize(
    "action", ["jump:1", "up:0", "up:4", "remove:-1", "down:x", "add:1", "up:99999", "x" * 500]
)
def test_an_unknown_button_changes_nothing_and_is_not_a_500(
    client: TestClient, action: str
) -> None:
    r = post(client, action)
    assert r.status_code == 400
    assert "is not known; nothing was changed or saved" in r.text
    assert rows(r.text) == [CAT, CHIN, BRIDGE]
    assert_kept_and_nothing_saved(client, r.text)


def test_save_validation_is_unchanged(client: TestClient) -> None:
    r = post(client, "save", step_exercise=["cat-cwo"], step_hold_s=["2"])
    assert r.status_code == 422
    assert "did you mean &#39;cat-cow&#39;" in r.text
    assert client.get("/api/v1/routines/morning-back").status_code == 404


def test_row_buttons_stay_csrf_protected_in_hosted_mode(db_url: str, hosted_client: Any) -> None:
    c: HostedClient = hosted_client(db_url)
    signup(c, "builder@example.org")
    r = c.post("/routines/save", data={**FORM, "action": "add"})
    assert r.status_code == 403
    html = c.get("/routines/new").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    r = c.post("/routines/save", data={**FORM, "action": "add", "csrf_token": token.group(1)})
    assert r.status_code == 200
    assert rows(r.text) == [CAT, CHIN, BRIDGE, EMPTY]


def test_add_stops_at_the_row_limit() -> None:
    full = [blank_row() for _ in range(MAX_ROWS)]
    change = apply_action(full, "add")
    assert len(change.rows) == MAX_ROWS and "at most" in change.message
    with pytest.raises(UnknownAction):
        apply_action(full, f"up:{MAX_ROWS + 1}")
