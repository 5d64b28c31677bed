"""One name and one module per resource (docs/names.md); renamed API paths redirect, for now."""

from __future__ import annotations

import pkgutil
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

import runback.web.routes as routes_pkg
from runback.web.api import API
from tests.web.conftest import api_routes

PLAN = {"minutes": 6, "areas": ["hips"], "where": "home", "seed": 1}


def test_old_plan_paths_redirect_keeping_method_and_body(client: TestClient) -> None:
    for old, new in ((f"{API}/plans", f"{API}/plan"), (f"{API}/plans/save", f"{API}/plan/save")):
        moved = client.post(old, json={**PLAN, "slug": "hips-six"}, follow_redirects=False)
        assert (moved.status_code, moved.headers["location"]) == (308, new)
    followed = client.post(f"{API}/plans", json=PLAN)
    assert followed.status_code == 200
    assert followed.json() == client.post(f"{API}/plan", json=PLAN).json()
    saved = client.post(f"{API}/plans/save", json={**PLAN, "slug": "hips-six"})
    assert saved.status_code == 201 and saved.json()["saved"] == "hips-six"


def test_old_plan_paths_are_not_documented(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert f"{API}/plan" in paths and f"{API}/plan/save" in paths
    assert f"{API}/plans" not in paths and f"{API}/plans/save" not in paths


def test_every_route_module_is_included(app: FastAPI) -> None:
    modules = {
        f"runback.web.routes.{m.name}"
        for m in pkgutil.iter_modules(routes_pkg.__path__)
        if not m.name.startswith("_")
    }
    included = {r.endpoint.__module__ for r in api_routes(app)}
    assert modules <= included


def test_each_resource_is_served_by_its_own_module(app: FastAPI) -> None:
    home = {
        f"{API}/sessions": "sessions",
        f"{API}/sessions/{{session_id}}": "sessions",
        f"{API}/breaks": "breaks",
        f"{API}/breaks/next": "breaks",
        f"{API}/breaks/{{break_id}}": "breaks",
        "/calendar/{token}.ics": "calendar",
        f"{API}/routines/{{slug}}/player": "player",
        "/player/{slug}": "player",
    }
    seen: set[str] = set()
    for route in api_routes(app):
        if route.path in home:
            assert route.endpoint.__module__ == f"runback.web.routes.{home[route.path]}", route.path
            seen.add(route.path)
    assert seen == set(home)


def test_the_api_prefix_is_spelled_once() -> None:
    folder = Path(routes_pkg.__file__).parent
    spelled = [p.name for p in folder.glob("*.py") if '"/api/v1' in p.read_text(encoding="utf-8")]
    assert spelled == []
