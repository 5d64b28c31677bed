"""Demo runs on a throw-away database, seeded with the user's preferences and routines.

A sped-up reminder day or session is a demonstration: what it logs (fake missed breaks, a
three-second session) must never land in the user's history. The real database is only read,
never migrated or written; when it cannot be read the demo runs on the defaults.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runback.core.clock import Clock
from runback.services.breaks import PREFS_KEY
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.settings import Settings

__all__ = ["DemoSeed", "demo_line", "read_seed", "throwaway_store"]


@dataclass(frozen=True)
class DemoSeed:
    """What a demo copies from the real database: the user's zone, prefs and routines."""

    zone: str | None = None
    prefs: dict[str, Any] = field(default_factory=dict)
    routines: list[dict[str, Any]] = field(default_factory=list)


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    return Path(parsed.database or "")


def read_seed(settings: Settings, *, user_id: int) -> DemoSeed:
    """Return the user's zone, prefs and routines from the real database, read-only."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from runback.storage.db import make_engine
    from runback.storage.models import RoutineRow, UserRow

    path = _sqlite_path(settings.database_url)
    if path is not None and not path.is_file():
        return DemoSeed()  # connecting would create the file: nothing to copy anyway
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            user = conn.execute(
                select(UserRow.zone, UserRow.prefs).where(UserRow.id == user_id)
            ).first()
            cols = (RoutineRow.slug, RoutineRow.name, RoutineRow.origin, RoutineRow.body)
            rows = conn.execute(select(*cols).where(RoutineRow.user_id == user_id)).all()
    except SQLAlchemyError:
        # An older or damaged database: the demo still runs, on the defaults.
        return DemoSeed()
    finally:
        engine.dispose()
    if user is None:
        return DemoSeed()
    prefs = dict(user.prefs or {})
    reminders = dict(prefs.get(PREFS_KEY) or {})
    # A demo shows the reminders even while the real ones are paused.
    reminders.pop("paused_since", None)
    reminders.pop("paused_until", None)
    prefs[PREFS_KEY] = reminders
    routines = [dict(slug=r.slug, name=r.name, origin=r.origin, body=r.body) for r in rows]
    return DemoSeed(user.zone, prefs, routines)


@contextmanager
def throwaway_store(settings: Settings, clock: Clock, *, user_id: int) -> Iterator[Store]:
    """Yield a store on a temporary SQLite file seeded from the user's data; delete it after."""
    from runback.storage.models import RoutineRow, UserRow

    seed = read_seed(settings, user_id=user_id)
    with tempfile.TemporaryDirectory(prefix="runback-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        zone = settings.zone or seed.zone
        demo = settings.model_copy(update={"database_url": url, "mode": "local", "zone": zone})
        st = open_store(demo, clock)
        try:
            with st.tx() as session:
                user = session.get(UserRow, LOCAL_USER_ID)
                assert user is not None  # open_store made the local user
                user.prefs = seed.prefs
                now = clock.now()
                for r in seed.routines:
                    session.add(
                        RoutineRow(user_id=LOCAL_USER_ID, created_at=now, updated_at=now, **r)
                    )
            yield st
        finally:
            st.close()


def demo_line(speed: float, start: str | None = None) -> str:
    """Return the line that opens a demo's output."""
    how = f"at {speed:g}× speed" if speed != 1 else f"from {start}"
    return f"Demo {how} on a throw-away database: nothing is recorded. Add --record to keep it."
