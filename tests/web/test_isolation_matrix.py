"""Per-user isolation, generated over EVERY route of the app (not a hand-picked few).

User A owns one of everything (marked ALPHA-…). User B, logged in with a valid CSRF token,
calls every path and method with path parameters filled with A's ids and slugs and a body built
from the route's own schema. Nothing B gets back may mention A's data, and every row of A's
must be byte-for-byte the same afterwards. Anonymous callers get 401 / a login redirect on
every unsafe route, and no one's data from any route.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from runback.core.clock import FakeClock
from runback.services.store import Store
from runback.storage import models as m
from runback.storage import web_models as wm
from tests.web.conftest import PASSWORD, HostedClient, api_routes, signup

Make = Callable[..., HostedClient]
MARK = "ALPHA"

# Reachable without logging in, on purpose. The calendar feed's token IS its credential.
PUBLIC = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/csrf"),
    ("POST", "/api/v1/login"),
    ("POST", "/api/v1/register"),
    ("POST", "/api/v1/logout"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/register"),
    ("POST", "/register"),
    ("POST", "/logout"),
    ("GET", "/calendar/{token}.ics"),
    # A share link's token is its credential too (services/share.py; tests/web/test_share.py).
    ("GET", "/share/{token}"),
    ("GET", "/share/{token}/report.pdf"),
    ("POST", "/share/{token}/programme"),
    ("GET", "/api/v1/pain/questions"),  # the fixed check-in questions: no user data
}
_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def _seed(store: Store, user_id: int, clock: FakeClock) -> dict[str, list[Any]]:
    """Give a user one of everything, with MARK in every text; return ids and slugs by kind."""
    from runback.core.catalog import Routine, RoutineStep
    from runback.services.accounts import new_calendar_token
    from runback.services.catalog import load_builtin

    now = clock.now()
    exercise = next(iter(load_builtin().exercises))
    slug = f"{MARK.lower()}-routine-{user_id}"
    routine = Routine(slug=slug, name=f"{MARK} routine", steps=[RoutineStep(exercise=exercise)])
    with store.tx() as s:
        r = m.RoutineRow(
            user_id=user_id,
            slug=slug,
            name=routine.name,
            origin="user",
            body=routine.model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )
        sess = m.SessionRow(
            user_id=user_id,
            routine_slug=slug,
            routine_name=routine.name,
            started_at=now - timedelta(hours=1),
            ended_at=now,
            zone="UTC",
            steps_total=1,
            steps_done=[exercise],
            steps_skipped=[],
            completed=True,
            enjoyment=4,
            context="desk",
            active_s=60.0,
            state=None,
        )
        run = m.RunRow(
            user_id=user_id,
            started_at=now - timedelta(days=1),
            zone="UTC",
            elapsed_s=1800,
            moving_s=1750,
            distance_m=5000,
            ascent_m=20,
            sport="run",
            name=f"{MARK} run",
            source_format="gpx",
            source_file=f"{MARK}.gpx",
            device=f"{MARK} watch",
            content_hash=f"{MARK}{user_id}".ljust(64, "0"),
            imported_at=now,
        )
        s.add_all([r, sess, run])
        s.flush()
        pain = m.PainEntryRow(
            user_id=user_id,
            at=now,
            zone="UTC",
            region="lower_back",
            intensity=3,
            run_id=run.id,
            red_flags=[],
            notes=f"{MARK} pain notes",
        )
        brk = m.BreakRow(
            user_id=user_id, due_at=now, at=now, zone="UTC", outcome="taken", session_id=sess.id
        )
        prog = m.ProgrammeRow(
            user_id=user_id,
            name=f"{MARK} programme",
            active=True,
            body={"name": f"{MARK} programme"},
            imported_at=now,
        )
        job = wm.JobRow(
            user_id=user_id,
            kind="runs",
            status="done",
            files_total=1,
            files_done=1,
            results=[{"file": f"{MARK}.gpx", "status": "imported", "run_id": run.id}],
            ignored=[f"{MARK}.txt"],
            attempts=1,
            created_at=now,
            finished_at=now,
        )
        # A profile has no text to mark: its row must simply stay the same (the snapshot).
        profile = m.ProfileRow(
            user_id=user_id,
            status="answered",
            sitting_hours=7.0,
            back_pain_history=True,
            birth_year=1970,
            cancer_history=True,
            steroids_or_immunosuppression=True,
            contraindications=["pregnancy"],
            updated_at=now,
        )
        calendar = m.CalendarSourceRow(
            user_id=user_id,
            kind="ics-url",
            name=f"{MARK} calendar",
            location=f"https://{MARK.lower()}.example/cal.ics",
            created_at=now,
            last_error=f"{MARK} error",
        )
        s.add_all([pain, brk, prog, job, profile, calendar])
        s.flush()
        s.add(
            m.BusyBlockRow(
                user_id=user_id,
                source_id=calendar.id,
                start_at=now,
                end_at=now + timedelta(hours=1),
            )
        )
        ids: dict[str, list[Any]] = {
            "routine": [r.id],
            "session": [sess.id],
            "run": [run.id],
            "pain": [pain.id],
            "break": [brk.id],
            "programme": [prog.id],
            "job": [job.id],
            "source": [calendar.id],
            "slug": [slug],
        }
    new_calendar_token(store, user_id=user_id)
    from runback.services.share import create_link

    link = create_link(store, user_id=user_id).link
    with store.tx() as s:
        s.add(wm.ShareViewRow(user_id=user_id, link_id=link.id, at=now, part="page"))
        up = wm.ShareUploadRow(
            user_id=user_id,
            link_id=link.id,
            at=now,
            file_name=f"{MARK}.toml",
            programme_name=f"{MARK} revised programme",
            text=f"name = '{MARK}'",
            status="pending",
        )
        s.add(up)
        s.flush()
        ids["share_link"] = [link.id]
        ids["upload"] = [up.id]
    return ids


def _snapshot(store: Store, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row that belongs to the user, in every table."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.factory() as s:
        for table in m.Base.metadata.sorted_tables:
            column = table.c.get("user_id")
            if table.name == "users":
                column = table.c.id
            if column is None:
                continue
            rows = s.execute(select(table).where(column == user_id).order_by(*table.primary_key))
            out[table.name] = [tuple(row) for row in rows]
    return out


def _values_for(name: str, ids: dict[str, list[Any]]) -> list[Any]:
    """Return A's values to try for a path parameter, best guesses first, then every id."""
    key = name.lower().removesuffix("_id").removesuffix("id").rstrip("_")
    aliases = {"entry": "pain", "pain_entry": "pain", "routine_slug": "slug", "link": "share_link"}
    key = aliases.get(key, key)
    if "slug" in name or name in ("name", "routine"):
        return list(ids["slug"])
    if key in ids:
        return list(ids[key])
    every = [v for k, vs in ids.items() if k != "slug" for v in vs]
    return sorted(set(every)) + list(ids["slug"])


def _example(schema: dict[str, Any], spec: dict[str, Any], name: str, ids: dict[str, Any]) -> Any:
    """Return a plausible value for a JSON schema (A's ids for *_id fields)."""
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[1]
        return _example(spec["components"]["schemas"][ref], spec, name, ids)
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            options = [o for o in schema[combo] if o.get("type") != "null"] or schema[combo]
            return _example(options[0], spec, name, ids)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type", "string")
    if name.endswith("_id") and kind in ("integer", "string"):
        found = _values_for(name, ids)
        return found[0] if kind == "integer" and isinstance(found[0], int) else str(found[0])
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(v, spec, k, ids) for k, v in props.items()}
    if kind == "array":
        item = _example(schema.get("items", {}), spec, name, ids)
        return [item] if schema.get("minItems") else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    return {"date-time": "2026-01-05T08:00:00Z", "date": "2026-01-05", "time": "08:00:00"}.get(
        fmt or "", "x" * max(1, int(schema.get("minLength", 1)))
    )


def _calls(spec: dict[str, Any], route: APIRoute, ids: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield every request to make for a route: each method, each choice of A's path values."""
    names = _PARAM.findall(route.path)
    choices = [_values_for(n, ids) for n in names]
    if "token" in names:  # the feed token is a credential: B cannot know A's
        choices[names.index("token")] = ["not-a-real-token"]
    for method in sorted((route.methods or set()) - {"HEAD"}):
        body: dict[str, Any] = {}
        op = spec["paths"].get(route.path, {}).get(method.lower(), {})
        for ctype, content in op.get("requestBody", {}).get("content", {}).items():
            value = _example(content.get("schema", {}), spec, "body", ids)
            if ctype == "application/json":
                body = {"json": value}
            elif ctype == "multipart/form-data" and isinstance(value, dict):
                files = {k: ("a.gpx", b"<gpx/>") for k, v in value.items() if v == "x"}
                body = {"data": {k: v for k, v in value.items() if k not in files}, "files": files}
            elif isinstance(value, dict):
                body = {"data": value}
        for combo in itertools.product(*choices):
            path = route.path
            for n, v in zip(names, combo, strict=True):
                path = re.sub("{" + re.escape(n) + r"(?::[^}]+)?}", str(v), path)
            yield {"method": method, "url": path, **body}


def _routes(c: HostedClient) -> list[APIRoute]:
    routes = api_routes(c.app)
    assert len(routes) >= 10, "the app should have its route modules included"
    return routes


@pytest.fixture
def two_users(any_db_url: str, hosted_client: Make, clock: FakeClock) -> Iterator[Any]:
    """Return (client of B, store, A's id, A's seeded ids)."""
    a = hosted_client(any_db_url)
    a_id = signup(a, "alpha@example.org")
    b = HostedClient(a.app, base_url="https://testserver", raise_server_exceptions=False)
    with b:
        signup(b, "bravo@example.org")
        store: Store = a.app.state.store  # type: ignore[attr-defined]
        yield b, store, a_id, _seed(store, a_id, clock)


def test_user_b_can_neither_read_nor_change_anything_of_user_a(two_users: Any) -> None:
    b, store, a_id, ids = two_users
    before = _snapshot(store, a_id)
    assert all(
        before[t] for t in ("routines", "sessions", "runs", "pain_entries", "breaks", "jobs")
    )
    spec = b.get("/api/v1/openapi.json").json()
    tried, leaks, changes, crashes, logged_out = 0, [], [], [], []
    for route in _routes(b):
        for call in _calls(spec, route, ids):
            tried += 1
            r = b.request(headers={"X-CSRF-Token": b.csrf}, follow_redirects=False, **call)
            where = f"{call['method']} {call['url']} -> {r.status_code}"
            if r.status_code >= 500:
                crashes.append(where)
            to_login = r.status_code == 303 and r.headers["location"].startswith("/login")
            if (r.status_code == 401 or to_login) and (call["method"], route.path) not in PUBLIC:
                logged_out.append(where)  # B must be logged in, or the matrix proves nothing
            if "runback_session" not in b.cookies:  # a logout route: log B back in
                login = {"email": "bravo@example.org", "password": PASSWORD}
                assert b.unsafe("POST", "/api/v1/login", json=login).status_code == 200
            # Case-sensitive: A's slug (lower case) is in B's own request and may be echoed.
            if MARK in r.text:
                leaks.append(where)
            if call["method"] != "GET" and _snapshot(store, a_id) != before:
                changes.append(where)
                before = _snapshot(store, a_id)
    assert tried >= len(_routes(b))
    print(f"isolation matrix: {tried} requests over {len(_routes(b))} routes")
    assert not leaks, f"B saw A's data: {leaks}"
    assert not changes, f"B changed A's data: {changes}"
    assert not crashes, f"server errors: {crashes}"
    assert not logged_out, f"B was not logged in for: {logged_out}"


def test_anonymous_callers_change_nothing_and_see_no_ones_data(
    any_db_url: str, hosted_client: Make, clock: FakeClock
) -> None:
    owner = hosted_client(any_db_url)
    owner_id = signup(owner, "owner@example.org")
    store: Store = owner.app.state.store  # type: ignore[attr-defined]
    ids = _seed(store, owner_id, clock)
    before = _snapshot(store, owner_id)
    anon = hosted_client(any_db_url)
    spec = anon.get("/api/v1/openapi.json").json()
    open_unsafe, leaks = [], []
    for route in _routes(anon):
        for call in _calls(spec, route, ids):
            if (call["method"], route.path) in PUBLIC:
                continue
            r = anon.request(headers={"X-CSRF-Token": anon.csrf}, follow_redirects=False, **call)
            where = f"{call['method']} {route.path} -> {r.status_code}"
            to_login = r.status_code == 303 and r.headers["location"].startswith("/login")
            # Reference content (exercises, questions) may be public; changes never are.
            if call["method"] != "GET" and not (r.status_code == 401 or to_login):
                open_unsafe.append(where)
            if MARK in r.text:
                leaks.append(where)
    assert not open_unsafe, f"changes allowed without login: {open_unsafe}"
    assert not leaks, f"someone's data shown without login: {leaks}"
    assert _snapshot(store, owner_id) == before


# Edit and delete of sessions, pain entries and breaks: the matrix must reach every one of them.
UNDO_ROUTES = {
    (method, f"/api/v1/{kind}/{{{param}}}")
    for kind, param in (("sessions", "session_id"), ("pain", "entry_id"), ("breaks", "break_id"))
    for method in ("PATCH", "DELETE")
} | {
    (method, f"{prefix}/{{{param}}}/{action}")
    for prefix, param in (
        ("/history/sessions", "session_id"),
        ("/history/breaks", "break_id"),
        ("/pain", "entry_id"),
    )
    for method in ("GET", "POST")
    for action in ("edit", "delete")
}


def test_the_matrix_reaches_every_edit_and_delete_route(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    reached = {(method, r.path) for r in _routes(c) for method in r.methods or ()}
    assert reached >= UNDO_ROUTES, UNDO_ROUTES - reached
    assert _values_for("entry_id", {"pain": [7], "slug": []}) == [7]
