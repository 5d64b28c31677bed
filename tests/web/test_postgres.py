"""The same migrations, schema and web API on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import inspect

from runback.storage.db import make_engine
from runback.storage.migrate import current_revision, head_revision, upgrade
from tests.pg import PgServer
from tests.web.conftest import HostedClient, signup

Make = Callable[..., HostedClient]


def _schema(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        assert current_revision(engine) is None, "expected an empty database"
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        upgrade(engine)  # a second run changes nothing
        insp = inspect(engine)
        return {
            t: {
                "columns": {c["name"]: c["nullable"] for c in insp.get_columns(t)},
                # PostgreSQL also lists the index behind each unique constraint: skip those.
                "indexes": sorted(
                    i["name"] or ""
                    for i in insp.get_indexes(t)
                    if not i.get("duplicates_constraint")
                ),
                "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t)),
                "fks": sorted(tuple(f["constrained_columns"]) for f in insp.get_foreign_keys(t)),
            }
            for t in sorted(insp.get_table_names())
        }
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_migrations_build_the_same_schema_on_sqlite_and_postgres(
    db_url: str, pg_server: PgServer
) -> None:
    pg = pg_server.create_database(migrated=False)
    try:
        on_sqlite, on_pg = _schema(db_url), _schema(pg)
    finally:
        pg_server.drop_database(pg)
    assert "login_attempts" in on_pg
    assert on_sqlite == on_pg


@pytest.mark.postgres
def test_the_server_runs_unprivileged(pg_server: PgServer) -> None:
    if os.geteuid() == 0:
        assert pg_server.user in ("postgres", "runback-pg")
    assert pg_server.url("x").startswith("postgresql+psycopg://")


def test_settings_round_trip(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    signup(c, "set@example.org")
    change = {
        "zone": "America/New_York",
        "targets": {"days_per_week": 4, "minutes_per_day": 15},
        "reminders": {"interval_min": 50, "run_days": {"sat": "08:00"}},
    }
    r = c.unsafe("PATCH", "/api/v1/settings", json=change)
    assert r.status_code == 200, r.text
    got = c.get("/api/v1/settings").json()
    assert got["zone"] == "America/New_York"
    assert got["targets"] == {"days_per_week": 4, "minutes_per_day": 15}
    assert got["reminders"]["interval_min"] == 50
    assert got["reminders"]["run_days"] == {"sat": "08:00:00"}


def test_a_bad_settings_change_names_every_field_and_stores_nothing(
    any_db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(any_db_url)
    signup(c, "bad@example.org")
    before = c.get("/api/v1/settings").json()
    change = {"zone": "Nowhere/Land", "reminders": {"interval_min": 1}, "targets": None}
    r = c.unsafe("PATCH", "/api/v1/settings", json=change)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "unknown time zone 'Nowhere/Land'" in detail
    assert "reminders.interval_min" in detail
    assert c.get("/api/v1/settings").json() == before


def test_calendar_feed_is_served_by_token_and_revocable(
    any_db_url: str, hosted_client: Make
) -> None:
    owner, anon = hosted_client(any_db_url), hosted_client(any_db_url)
    signup(owner, "cal@example.org")
    first = owner.unsafe("POST", "/api/v1/settings/calendar-token").json()["calendar_url"]
    path = first.split("testserver", 1)[1]
    r = anon.get(path)  # a calendar app: no login, the token is the key
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    assert r.text.startswith("BEGIN:VCALENDAR")
    second = owner.unsafe("POST", "/api/v1/settings/calendar-token").json()["calendar_url"]
    assert second != first
    assert anon.get(path).status_code == 404  # the old address stopped working
    assert owner.unsafe("DELETE", "/api/v1/settings/calendar-token").status_code == 204
    assert anon.get(second.split("testserver", 1)[1]).status_code == 404
    assert owner.get("/api/v1/settings").json()["calendar_url"] is None
