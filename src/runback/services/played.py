"""Sessions played away from the server (a phone offline): stored once, whatever the resends.

The phone names each session with its own key; the first send stores it (or finishes the one
it had started online before the network went), a later send of the same key changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from runback.core.catalog import Routine
from runback.services.sessions import finish_session, start_session
from runback.services.store import Store
from runback.storage.models import SessionRow

__all__ = ["find_by_key", "record_played", "start_once"]


def find_by_key(store: Store, *, user_id: int, client_key: str) -> tuple[int, bool] | None:
    """Return (id, ended) of the user's session with this key, or None."""
    query = select(SessionRow.id, SessionRow.ended_at).where(
        SessionRow.user_id == user_id, SessionRow.client_key == client_key
    )
    with store.factory() as s:
        found = s.execute(query).first()
    return None if found is None else (int(found[0]), found[1] is not None)


def start_once(
    store: Store,
    routine: Routine,
    context: str | None,
    *,
    user_id: int,
    client_key: str | None,
    steps_total: int,
    planned_s: float,
    started_at: datetime | None = None,
    state: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Start a session, or find the one this client key started already; return (id, ended)."""
    if client_key is not None:
        # Sent again (the answer was lost on a bad network): the session already started.
        found = find_by_key(store, user_id=user_id, client_key=client_key)
        if found is not None:
            return found
    try:
        session_id = start_session(
            store,
            routine,
            context,
            user_id=user_id,
            steps_total=steps_total,
            planned_s=planned_s,
            started_at=started_at,
            state=state,
            client_key=client_key,
        )
    except IntegrityError:
        # Two sends of one key at once: the other stored it first.
        if client_key is None:
            raise
        again = find_by_key(store, user_id=user_id, client_key=client_key)
        if again is None:
            raise
        return again
    return session_id, False


def record_played(
    store: Store,
    routine: Routine,
    *,
    user_id: int,
    client_key: str,
    context: str | None,
    steps_total: int,
    planned_s: float,
    started_at: datetime,
    ended_at: datetime,
    completed: bool,
    steps_done: Sequence[str],
    steps_skipped: Sequence[str],
    active_s: float,
    done_s: float,
    enjoyment: int | None = None,
) -> int:
    """Store a session played offline and return its id; the same key again returns the same id."""
    session_id, ended = start_once(
        store,
        routine,
        context,
        user_id=user_id,
        client_key=client_key,
        steps_total=steps_total,
        planned_s=planned_s,
        started_at=started_at,
    )
    if ended:
        return session_id
    finish_session(
        store,
        session_id,
        user_id=user_id,
        completed=completed,
        enjoyment=enjoyment,
        steps_done=steps_done,
        steps_skipped=steps_skipped,
        active_s=active_s,
        done_s=done_s,
        ended_at=ended_at,
    )
    return session_id
