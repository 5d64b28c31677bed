"""What PostgreSQL cannot store never reaches it: NUL in text is a 422, too-large ids a 422/404.

Run on SQLite and on a real PostgreSQL, where these were 500s.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import PASSWORD, HostedClient, signup

Make = Callable[..., HostedClient]
NUL = "a\x00b"
BIG = 2**31  # one past the INTEGER id columns of PostgreSQL


def _says_nul(r: object, field: str) -> None:
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert "NUL character" in text and field in text, text


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/login", {"email": f"x{NUL}@example.org", "password": PASSWORD}, "body.email"),
        ("/api/v1/login", {"email": "x@example.org", "password": NUL * 6}, "body.password"),
        ("/api/v1/register", {"email": f"{NUL}@example.org", "password": PASSWORD}, "body.email"),
        ("/api/v1/register", {"email": "z@example.org", "password": PASSWORD, "zone": NUL},
         "body.zone"),
    ],
)  # fmt: skip
def test_nul_in_login_and_register_json_is_a_422(
    any_db_url: str, hosted_client: Make, path: str, body: dict[str, str], field: str
) -> None:
    c = hosted_client(any_db_url)
    _says_nul(c.unsafe("POST", path, json=body), field)


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_nul_in_login_and_register_forms_is_a_422(
    any_db_url: str, hosted_client: Make, path: str
) -> None:
    c = hosted_client(any_db_url)
    form = {"email": f"x{NUL}@example.org", "password": PASSWORD, "csrf_token": c.csrf}
    r = c.post(path, data=form)
    _says_nul(r, "form.email")
    assert "text/html" in r.headers["content-type"]  # a page, saying what is wrong


def test_nul_in_pain_notes_and_routine_names_is_a_422(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    signup(c, "nul@example.org")
    pain = {"region": "lower-back", "intensity": 3, "notes": f"stiff{NUL}", "red_flags": []}
    _says_nul(c.unsafe("POST", "/api/v1/pain", json=pain), "body.notes")
    form = {"region": "lower-back", "intensity": "3", "notes": NUL, "csrf_token": c.csrf}
    _says_nul(c.post("/pain", data=form), "form.notes")
    routine = {"name": f"Morning{NUL}", "steps": [{"exercise": "cat-cow"}]}
    _says_nul(c.unsafe("POST", "/api/v1/routines", json=routine), "body.name")
    _says_nul(c.post("/routines/save", data={"name": NUL, "csrf_token": c.csrf}), "form.name")
    _says_nul(c.get("/api/v1/pain", params={"days": NUL}), "query.days")
    upload = {"file": ("r.toml", b'name = "x"\n', "application/toml")}
    form = {"csrf_token": c.csrf, "replace": "true", "note": NUL}
    _says_nul(c.post("/routines/import", data=form, files=upload), "form.note")
    # Nothing was stored, and the pages still answer.
    assert c.get("/api/v1/pain").json() == []
    assert c.get("/pain").status_code == 200
    # An escaped backslash followed by "u0000" is just text.
    ok = {"region": "lower-back", "intensity": 3, "notes": "C:\\u0000", "red_flags": []}
    assert c.unsafe("POST", "/api/v1/pain", json=ok).status_code == 201


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/sessions/{BIG}", f"/api/v1/runs/{BIG}", f"/runs/{BIG}", f"/pain/{BIG}/edit",
     f"/history/sessions/{BIG}/edit", f"/api/v1/sessions/{2**63}"],
)  # fmt: skip
def test_ids_past_the_id_columns_are_a_422(any_db_url: str, hosted_client: Make, path: str) -> None:
    c = hosted_client(any_db_url)
    signup(c, "ids@example.org")
    assert c.get(path).status_code == 422


def test_the_largest_id_is_just_not_found_and_run_id_is_checked(
    any_db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(any_db_url)
    signup(c, "ids@example.org")
    assert c.get(f"/api/v1/sessions/{BIG - 1}").status_code == 404
    assert c.get(f"/api/v1/runs/{BIG - 1}").status_code == 404
    for run_id in (BIG, 10**20):
        pain = {"region": "lower-back", "intensity": 3, "run_id": run_id, "red_flags": []}
        r = c.unsafe("POST", "/api/v1/pain", json=pain)
        assert r.status_code == 422, r.text
        assert ["body", "run_id"] in [p["loc"] for p in r.json()["problems"]]
