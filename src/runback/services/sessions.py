"""Guided sessions: stored from their start, updated after every step, finished or left partial.

Each call is its own short transaction, so a player that is killed keeps everything up to the
last step. `planned_s` (stored at the start) and `done_s` (with every progress) are seconds of
holding: half of it held makes the session count as back-up work (core/streaks.py). "Completed"
means every step was held to the end, none skipped: finish_session checks the steps for it.
The `state` column holds the player's position ({phase_index, remaining_s, paused,
done_steps, skipped_steps}, see Engine.snapshot) so a reloaded web page can resume; it is
cleared when the session ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import select

from runback.core.catalog import Routine
from runback.core.model import Model
from runback.core.vocab import CONTEXTS
from runback.errors import NotFoundError, RunbackError, ValidationError
from runback.services.store import Store
from runback.storage.models import SessionRow

__all__ = [
    "SessionPublic",
    "delete_session",
    "finish_session",
    "get_session",
    "list_sessions",
    "rate_session",
    "recent_sessions",
    "record_progress",
    "start_session",
    "update_session",
]


class SessionPublic(Model):
    """A stored session as the CLI, web app and API show it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    routine_slug: str
    routine_name: str
    started_at: datetime
    ended_at: datetime | None
    zone: str
    steps_total: int
    steps_done: list[str]
    steps_skipped: list[str]
    completed: bool
    enjoyment: int | None
    context: str
    active_s: float
    planned_s: float | None
    done_s: float
    state: dict[str, Any] | None
    client_key: str | None = None


def _check_context(context: str) -> None:
    if context not in CONTEXTS:
        raise ValidationError("context", [f"{context!r} is not one of: {', '.join(CONTEXTS)}"])


def _check_enjoyment(enjoyment: int | None) -> None:
    if enjoyment is not None and (
        isinstance(enjoyment, bool) or not isinstance(enjoyment, int) or not 1 <= enjoyment <= 5
    ):
        raise ValidationError("enjoyment", [f"must be a whole number 1–5, got {enjoyment!r}"])


def _row(session: Any, user_id: int, session_id: int) -> SessionRow:
    row = session.get(SessionRow, session_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"no session {session_id}")
    assert isinstance(row, SessionRow)
    return row


def _planned_s(store: Store, user_id: int, routine: Routine) -> float:
    from runback.core.phases import expand, planned_hold_s
    from runback.services.routines import user_catalog

    return planned_hold_s(expand(user_catalog(store, user_id=user_id).resolve(routine)))


def _steps_held_s(store: Store, user_id: int, session_id: int, steps_done: Sequence[str]) -> float:
    """Return the hold seconds of the steps done, for callers that report whole steps only."""
    from runback.core.phases import expand, held_s
    from runback.services.routines import get_routine, user_catalog

    with store.factory() as s:
        row = _row(s, user_id, session_id)
        slug, planned, total = row.routine_slug, row.planned_s, row.steps_total
    try:
        routine = get_routine(store, slug, user_id=user_id)
        phases = expand(user_catalog(store, user_id=user_id).resolve(routine))
    except RunbackError:
        # The routine is gone or broken since: assume steps of equal hold time.
        return (planned or 0.0) * min(len(steps_done), total) / total if total else 0.0
    left = list(steps_done)
    indices: list[int] = []
    for p in phases:
        if p.last_hold and p.exercise.slug in left:
            left.remove(p.exercise.slug)
            indices.append(p.step_index)
    return held_s(phases, indices, [], -1, 0.0)


def _done_s(row: SessionRow, done_s: float) -> float:
    done = max(0.0, float(done_s))
    return min(done, row.planned_s) if row.planned_s is not None else done


def _all_steps_done(row: SessionRow) -> bool:
    return not row.steps_skipped and len(row.steps_done or []) >= row.steps_total


def start_session(
    store: Store,
    routine: Routine,
    context: str | None = None,
    *,
    user_id: int,
    steps_total: int | None = None,
    planned_s: float | None = None,
    zone: str | None = None,
    state: dict[str, Any] | None = None,
    started_at: datetime | None = None,
    client_key: str | None = None,
) -> int:
    """Store a new session now (before any step runs) and return its id.

    `planned_s`: the seconds of holding it plans, when the caller has expanded the routine
    already; otherwise worked out from the user's catalog.

    With no context, it is inferred from the routine and the time (services.slots), so a Desk
    break counts as a break whichever button started it. `started_at` (default now) and
    `client_key` (the device's own name for it, unique per user) serve sessions played offline.
    """
    if context is None:
        from runback.services.slots import infer_session_context

        context = infer_session_context(store, routine.slug, user_id=user_id)
    _check_context(context)
    zone = zone or store.user_zone(user_id=user_id)
    if planned_s is None:
        planned_s = _planned_s(store, user_id, routine)
    with store.tx() as s:
        row = SessionRow(
            user_id=user_id,
            routine_slug=routine.slug,
            routine_name=routine.name,
            started_at=started_at or store.clock.now(),
            ended_at=None,
            zone=zone,
            steps_total=steps_total if steps_total is not None else len(routine.steps),
            steps_done=[],
            steps_skipped=[],
            completed=False,
            enjoyment=None,
            context=context,
            active_s=0.0,
            planned_s=max(0.0, float(planned_s)),
            done_s=0.0,
            state=state,
            client_key=client_key,
        )
        s.add(row)
        s.flush()
        return int(row.id)


def record_progress(
    store: Store,
    session_id: int,
    *,
    user_id: int,
    steps_done: Sequence[str],
    steps_skipped: Sequence[str],
    active_s: float,
    done_s: float | None = None,
    state: dict[str, Any] | None = None,
) -> None:
    """Store how far a running session got (call after every step).

    `done_s`: hold seconds counted down (Engine.done_s); without it, the steps done are counted.
    """
    if done_s is None:
        done_s = _steps_held_s(store, user_id, session_id, steps_done)
    with store.tx() as s:
        row = _row(s, user_id, session_id)
        if row.ended_at is not None:
            raise ValidationError(f"session {session_id}", ["it has already ended"])
        row.steps_done = list(steps_done)
        row.steps_skipped = list(steps_skipped)
        row.active_s = max(0.0, float(active_s))
        row.done_s = _done_s(row, done_s)
        row.state = state


def finish_session(
    store: Store,
    session_id: int,
    *,
    user_id: int,
    completed: bool,
    enjoyment: int | None = None,
    steps_done: Sequence[str] | None = None,
    steps_skipped: Sequence[str] | None = None,
    active_s: float | None = None,
    done_s: float | None = None,
    ended_at: datetime | None = None,
) -> None:
    """End a session now (or at `ended_at`), with its final progress and enjoyment.

    `completed` is the player's word that it ran to the end; it is stored only when the steps
    agree (every step held to the end, none skipped). `done_s` as for record_progress.
    """
    _check_enjoyment(enjoyment)
    if done_s is None and steps_done is not None:
        done_s = _steps_held_s(store, user_id, session_id, steps_done)
    with store.tx() as s:
        row = _row(s, user_id, session_id)
        if steps_done is not None:
            row.steps_done = list(steps_done)
        if steps_skipped is not None:
            row.steps_skipped = list(steps_skipped)
        if active_s is not None:
            row.active_s = max(0.0, float(active_s))
        if done_s is not None:
            row.done_s = _done_s(row, done_s)
        completed = completed and _all_steps_done(row)
        first_finish = row.ended_at is None
        end = ended_at or store.clock.now()
        if first_finish:
            row.ended_at = end
        if first_finish and completed and row.context == "desk-break":
            from runback.services.breaks import log_break_session

            s.flush()
            log_break_session(s, session_id, end, row.zone, user_id=user_id)
        row.completed = completed
        if enjoyment is not None:
            row.enjoyment = enjoyment
        row.state = None


def rate_session(store: Store, session_id: int, enjoyment: int, *, user_id: int) -> None:
    """Store how much the user enjoyed a session (1–5)."""
    _check_enjoyment(enjoyment)
    with store.tx() as s:
        _row(s, user_id, session_id).enjoyment = enjoyment


def get_session(store: Store, session_id: int, *, user_id: int) -> SessionPublic:
    """Return one of the user's sessions."""
    with store.factory() as s:
        return SessionPublic.model_validate(_row(s, user_id, session_id))


def list_sessions(
    store: Store, since: datetime | None = None, until: datetime | None = None, *, user_id: int
) -> list[SessionPublic]:
    """Return the user's sessions started in [since, until), oldest first."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware")
    query = select(SessionRow).where(SessionRow.user_id == user_id)
    if since is not None:
        query = query.where(SessionRow.started_at >= since)
    if until is not None:
        query = query.where(SessionRow.started_at < until)
    query = query.order_by(SessionRow.started_at, SessionRow.id)
    with store.factory() as s:
        return [SessionPublic.model_validate(r) for r in s.scalars(query)]


# ---- Edit and delete (mistakes can be undone) ----------------------------------------------


def recent_sessions(store: Store, *, user_id: int, limit: int = 20) -> list[SessionPublic]:
    """Return the user's latest sessions, newest first."""
    query = (
        select(SessionRow)
        .where(SessionRow.user_id == user_id)
        .order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
        .limit(max(1, limit))
    )
    with store.factory() as s:
        return [SessionPublic.model_validate(r) for r in s.scalars(query)]


def update_session(
    store: Store,
    session_id: int,
    *,
    user_id: int,
    enjoyment: int | None = None,
    context: str | None = None,
    started_at: datetime | None = None,
) -> SessionPublic:
    """Change a session's enjoyment, context or start time (None leaves a field as it is).

    A new start time moves the end by as much, so the session keeps its length. Breaks are
    entries of their own: a session's context changing leaves its linked break alone.
    """
    _check_enjoyment(enjoyment)
    if context is not None:
        _check_context(context)
    if started_at is not None:
        if started_at.tzinfo is None:
            raise ValidationError("started_at", ["needs a time zone (an aware datetime)"])
        if started_at > store.clock.now():
            raise ValidationError("started_at", [f"{started_at.isoformat()} is in the future"])
        started_at = started_at.astimezone(UTC)  # stored and shown back in UTC, like the rest
    with store.tx() as s:
        row = _row(s, user_id, session_id)
        if enjoyment is not None:
            row.enjoyment = enjoyment
        if context is not None:
            row.context = context
        if started_at is not None:
            if row.ended_at is not None:
                row.ended_at = started_at + (row.ended_at - row.started_at)
            row.started_at = started_at
        s.flush()
        return SessionPublic.model_validate(row)


def delete_session(store: Store, session_id: int, *, user_id: int) -> None:
    """Delete one of the user's sessions; a break it counted as stays logged, unlinked.

    The break records that the user got up from the desk, which the reminder may have logged
    on its own: it stays (delete it separately if it did not happen either).
    """
    from runback.storage.models import BreakRow

    with store.tx() as s:
        row = _row(s, user_id, session_id)
        # Explicit, not left to ON DELETE SET NULL: SQLite enforces foreign keys only when asked.
        for linked in s.scalars(
            select(BreakRow).where(BreakRow.user_id == user_id, BreakRow.session_id == session_id)
        ):
            linked.session_id = None
        s.flush()
        s.delete(row)
