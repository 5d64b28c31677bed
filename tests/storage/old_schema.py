"""A SQLite database at an older schema revision, holding the local user, for migration tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from runback.storage.db import make_engine
from runback.storage.migrate import upgrade


def database_at(path: Path, revision: str, zone: str = "UTC") -> Engine:
    """Return an engine on a new database at `revision`, with user 1 in `zone`."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, zone, prefs, created_at, data_version)"
                " VALUES (1, :zone, '{}', '2026-01-05 08:00:00.000000', 0)"
            ),
            {"zone": zone},
        )
    return engine
