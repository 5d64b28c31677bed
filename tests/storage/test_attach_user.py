"""A user row read by the login check goes into a read scope's session as if loaded there."""

from __future__ import annotations

import subprocess
import sys

SNIPPET = """
from datetime import UTC, datetime
from sqlalchemy import create_engine, event
from runback.storage.models import UserRow
from runback.storage.scope import ScopeSession, attach_user
engine = create_engine("sqlite://")
seen = []
event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
session = ScopeSession(bind=engine)
values = {
    "id": 7, "email": "a@example.org", "zone": "Asia/Tokyo", "password_hash": None,
    "data_version": 3, "prefs": {"targets": {}}, "calendar_token": None,
    "created_at": datetime(2026, 1, 5, tzinfo=UTC),
}
attach_user(session, values)
row = session.get(UserRow, 7)
session.flush()
print(row.zone, row.data_version, row.prefs, len(seen), len(session.dirty))
"""


def test_a_fresh_process_attaches_before_any_query_and_has_nothing_to_flush() -> None:
    # A new worker's first request attaches before any query has configured the mappers.
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Asia/Tokyo", "3", "{'targets':", "{}}", "0", "0"]
