"""day_rollups kept current: recomputed in the transaction of every write to a user's day.

After each flush, the local days of the sessions, breaks, pain entries and runs it wrote (their
old and new instants) are recomputed from the raw rows of those days (core/rollups.py), and the
streaks after them carried forward. A change of the user's zone moves every day, so it rebuilds
all of that user's rollups. Statements that skip the ORM (a restore) call `rebuild_all` after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    event,
    or_,
    select,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.util import identity_key

from runback.core.rollups import (
    BreakFacts,
    DayRollup,
    DayTotals,
    PainFacts,
    RunFacts,
    SessionFacts,
    day_rollups,
    with_streaks,
)
from runback.core.timezones import day_bounds_utc, event_day
from runback.core.vocab import RUN_SPORTS

__all__ = [
    "ROLLUP_COLUMNS",
    "compute_user",
    "prepared_before_run",
    "read_day_totals",
    "read_rollups",
    "rebuild_all",
    "rebuild_user",
    "refresh_days",
    "track_rollups",
]

ROLLUP_COLUMNS = tuple(f.name for f in fields(DayRollup))
# Above this many days in one flush (an import, a restore), read the span once, not day by day.
_MAX_RANGES = 16


def _t(name: str) -> Table:
    from runback.storage.models import Base

    return Base.metadata.tables[name]


_TRACKED = frozenset({"sessions", "breaks", "pain_entries", "runs"})


def track_rollups(factory: sessionmaker[Session]) -> None:
    """Make every session of `factory` keep day_rollups current with what it writes."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _bulk_statement)


def _named_users(clause: Any, table: Table) -> set[int] | None:
    # The users a bulk statement's WHERE names by `user_id = value` (None: it names none).
    from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList

    if isinstance(clause, BooleanClauseList):
        found: set[int] = set()
        for part in clause.clauses:
            found |= _named_users(part, table) or set()
        return found or None
    if (
        isinstance(clause, BinaryExpression)
        and getattr(clause.left, "name", None) == "user_id"
        and getattr(clause.left, "table", None) is not None
        and clause.left.table.name == table.name
        and isinstance(clause.right, BindParameter)
        and isinstance(clause.right.value, int)
    ):
        return {clause.right.value}
    return None


def _bulk_statement(state: ORMExecuteState) -> Any:
    # INSERT/UPDATE/DELETE statements skip the flush: rebuild the users they touch after them.
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name not in _TRACKED:
        return None
    values = getattr(state.statement, "_values", None) or {}
    keys = {getattr(k, "key", k) for k in values}
    if state.is_update and table.name == "pain_entries" and keys == {"run_id"}:
        # Unlinking pain from a run being deleted: the run's own delete refreshes its day.
        return None
    users: set[int] | None
    if state.is_insert:
        params: Any = state.parameters
        rows = list(params) if isinstance(params, list | tuple) else [params]
        named = {int(r["user_id"]) for r in rows if isinstance(r, Mapping) and "user_id" in r}
        users = named or None
    else:
        users = _named_users(state.statement.whereclause, table)  # type: ignore[attr-defined]
    result = state.invoke_statement()
    conn = state.session.connection()
    if users is None:
        rebuild_all(conn)
    else:
        for user_id in sorted(users):
            rebuild_user(conn, user_id)
    return result


def _instants(obj: Any, attr: str) -> list[datetime]:
    hist = get_history(obj, attr)
    values = [*hist.added, *hist.unchanged, *hist.deleted]
    return [v for v in values if isinstance(v, datetime)]


def _changed(obj: Any, attrs: Iterable[str]) -> bool:
    return any(get_history(obj, a).has_changes() for a in attrs)


def _after_flush(session: Session, _context: Any) -> None:
    from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow, UserRow

    instants: dict[int, list[datetime]] = {}
    run_ids: dict[int, set[int]] = {}
    rezone: dict[int, str] = {}
    new, deleted = set(map(id, session.new)), set(map(id, session.deleted))
    for obj in (*session.new, *session.dirty, *session.deleted):
        fresh = id(obj) in new or id(obj) in deleted
        if isinstance(obj, UserRow):
            if not fresh and _changed(obj, ["zone"]):
                rezone[obj.id] = obj.zone
            continue
        if isinstance(obj, SessionRow):
            attr = "started_at"
            watched = ["started_at", "ended_at", "active_s", "planned_s", "done_s", "steps_done"]
        elif isinstance(obj, BreakRow):
            attr, watched = "at", ["at", "outcome"]
        elif isinstance(obj, PainEntryRow):
            attr, watched = "at", ["at", "intensity", "run_id"]
            if fresh or _changed(obj, watched):
                hist = get_history(obj, "run_id")
                linked = {r for r in (*hist.added, *hist.unchanged, *hist.deleted) if r}
                run_ids.setdefault(obj.user_id, set()).update(linked)
        elif isinstance(obj, RunRow):
            attr = "started_at"
            watched = ["started_at", "sport", "distance_m", "moving_s", "elapsed_s"]
        else:
            continue
        if fresh or _changed(obj, watched):
            instants.setdefault(obj.user_id, []).extend(_instants(obj, attr))
    if not (instants or run_ids or rezone):
        return
    conn = session.connection()
    for user_id, new_zone in rezone.items():
        rebuild_user(conn, user_id, new_zone)
    runs = _t("runs")
    for user_id, ids in run_ids.items():
        if user_id in rezone or not ids:
            continue
        starts = conn.execute(
            select(runs.c.started_at).where(runs.c.user_id == user_id, runs.c.id.in_(ids))
        ).scalars()
        instants.setdefault(user_id, []).extend(starts)
    for user_id, ats in instants.items():
        if user_id not in rezone and ats:
            # The user row is often in the session already (the write looked it up).
            known = session.identity_map.get(identity_key(UserRow, user_id))
            zone = known.zone if isinstance(known, UserRow) else _zone(conn, user_id)
            if zone is not None:
                refresh_days(conn, user_id, zone, {event_day(at, zone) for at in ats})


def _zone(conn: Connection, user_id: int) -> str | None:
    users = _t("users")
    return conn.execute(select(users.c.zone).where(users.c.id == user_id)).scalar()


def _within(column: Any, days: set[date], zone: str) -> Any:
    bounds = sorted(day_bounds_utc(d, zone) for d in days)
    if len(bounds) > _MAX_RANGES:
        return and_(column >= bounds[0][0], column < bounds[-1][1])
    return or_(*(and_(column >= a, column < b) for a, b in bounds))


def compute_user(
    conn: Connection, user_id: int, zone: str, days: set[date] | None = None
) -> dict[date, DayRollup]:
    """Return the rollups (streaks not set) of `days` (None: every day) from the raw rows."""
    sessions, breaks, pains, runs = _t("sessions"), _t("breaks"), _t("pain_entries"), _t("runs")

    def where(table: Table, column: Any) -> list[Any]:
        found = [table.c.user_id == user_id]
        if days is not None:
            found.append(_within(column, days, zone))
        return found

    s_rows = conn.execute(
        select(
            sessions.c.started_at,
            sessions.c.ended_at,
            sessions.c.active_s,
            sessions.c.planned_s,
            sessions.c.done_s,
            sessions.c.steps_done,
        )
        .where(*where(sessions, sessions.c.started_at))
        .order_by(sessions.c.id)
    )
    b_rows = conn.execute(
        select(breaks.c.at, breaks.c.outcome)
        .where(*where(breaks, breaks.c.at))
        .order_by(breaks.c.id)
    )
    p_rows = conn.execute(
        select(pains.c.at, pains.c.intensity).where(*where(pains, pains.c.at)).order_by(pains.c.id)
    )
    r_rows = conn.execute(
        select(
            runs.c.started_at, runs.c.sport, runs.c.distance_m, runs.c.moving_s, runs.c.elapsed_s
        )
        .where(*where(runs, runs.c.started_at))
        .order_by(runs.c.id)
    )
    rp_rows = conn.execute(
        select(runs.c.started_at, pains.c.intensity)
        .join(runs, pains.c.run_id == runs.c.id)
        .where(*where(runs, runs.c.started_at), runs.c.sport.in_(sorted(RUN_SPORTS)))
        .order_by(pains.c.id)
    )
    found = day_rollups(
        zone,
        sessions=[SessionFacts(*r) for r in s_rows],
        breaks=[BreakFacts(*r) for r in b_rows],
        pains=[PainFacts(*r) for r in p_rows],
        runs=[RunFacts(*r) for r in r_rows],
        run_pains=[(a, b) for a, b in rp_rows],
    )
    if days is not None:
        found = {d: r for d, r in found.items() if d in days}
    return found


def _values(user_id: int, r: DayRollup) -> dict[str, Any]:
    return {"user_id": user_id, **asdict(r)}


def _from_row(row: Any) -> DayRollup:
    return DayRollup(*row)  # the columns are selected in ROLLUP_COLUMNS order


def read_rollups(
    conn: Connection, user_id: int, first: date | None = None, last: date | None = None
) -> list[DayRollup]:
    """Return the user's stored rollups in [first, last] (None: unbounded), oldest first."""
    t = _t("day_rollups")
    query = select(*(t.c[c] for c in ROLLUP_COLUMNS)).where(t.c.user_id == user_id)
    if first is not None:
        query = query.where(t.c.day >= first)
    if last is not None:
        query = query.where(t.c.day <= last)
    return [_from_row(r) for r in conn.execute(query.order_by(t.c.day))]


def prepared_before_run(ended: Any, run_at: Any) -> Any:
    """Return the SQL test of a day rollup: back-up work ended before the day's first run."""
    # Compared in the query, so no instant is read into a datetime (DayTotals.of says the same).
    return and_(run_at.is_not(None), ended.is_not(None), ended <= run_at)


@cache
def _totals_query() -> Select[Any]:
    # Built once, with bound parameters: SQLAlchemy then keeps its cache key too, which is
    # most of what a statement costs to run when built afresh on every call.
    t = _t("day_rollups")
    run_at, ended = t.c.first_run_at, t.c.first_practice_end
    return (
        select(
            t.c.day,
            t.c.practice,
            t.c.minutes,
            t.c.breaks_taken,
            t.c.breaks_taken + t.c.breaks_skipped + t.c.breaks_missed,
            t.c.pain_entries,
            t.c.worst_pain,
            t.c.runs,
            t.c.run_m,
            run_at.is_not(None),
            prepared_before_run(ended, run_at),
        )
        .where(
            t.c.user_id == bindparam("user_id"),
            t.c.day >= bindparam("first", type_=Date),
            t.c.day <= bindparam("last", type_=Date),
        )
        .order_by(t.c.day)
    )


def read_day_totals(conn: Connection, user_id: int, first: date, last: date) -> list[DayTotals]:
    """Return the totals of the user's stored rollups in [first, last], oldest first.

    Only the columns the progress numbers read; the run-day and before-run comparisons are
    made in the query, so no instant is turned into a datetime (most of a whole row's cost).
    """
    params = {"user_id": user_id, "first": first, "last": last}
    # all(): one fetchall, not a fetchone per row as iterating the result does.
    return list(map(DayTotals._make, conn.execute(_totals_query(), params).all()))


def refresh_days(conn: Connection, user_id: int, zone: str, days: set[date]) -> None:
    """Recompute the user's rollups of `days` from the raw rows, and the streaks after them."""
    if not days:
        return
    t = _t("day_rollups")
    found = compute_user(conn, user_id, zone, days)
    conn.execute(delete(t).where(t.c.user_id == user_id, t.c.day.in_(sorted(days))))
    kept = [r for r in found.values() if not r.empty]
    if kept:
        conn.execute(t.insert(), [_values(user_id, r) for r in kept])
    _carry_streaks(conn, user_id, min(days), max(days))


def _carry_streaks(conn: Connection, user_id: int, first: date, last: date) -> None:
    # A day's streak depends on the days before it only: walk from `first` and stop past
    # `last` at the first stored streak that is already right (the rest follows from it).
    t = _t("day_rollups")
    before = conn.execute(
        select(t.c.day, t.c.practice, t.c.streak).where(
            t.c.user_id == user_id, t.c.day == first - timedelta(days=1)
        )
    ).first()
    prev_day, prev_practice, prev_streak = before if before is not None else (None, 0, 0)
    rows = conn.execute(
        select(t.c.day, t.c.practice, t.c.streak)
        .where(t.c.user_id == user_id, t.c.day >= first)
        .order_by(t.c.day)
    ).all()
    for day, practice, stored in rows:
        if practice > 0:
            follows = prev_day is not None and prev_practice > 0
            streak = prev_streak + 1 if follows and day - timedelta(days=1) == prev_day else 1
        else:
            streak = 0
        if streak != stored:
            conn.execute(
                update(t).where(t.c.user_id == user_id, t.c.day == day).values(streak=streak)
            )
        elif day > last:
            break
        prev_day, prev_practice, prev_streak = day, practice, streak


def rebuild_user(conn: Connection, user_id: int, zone: str | None = None) -> int:
    """Replace all of the user's rollups with ones computed from the raw rows; return the count."""
    t = _t("day_rollups")
    zone = zone or _zone(conn, user_id)
    conn.execute(delete(t).where(t.c.user_id == user_id))
    if zone is None:
        return 0
    kept = with_streaks(r for r in compute_user(conn, user_id, zone).values() if not r.empty)
    for start in range(0, len(kept), 500):
        conn.execute(t.insert(), [_values(user_id, r) for r in kept[start : start + 500]])
    return len(kept)


def rebuild_all(conn: Connection) -> dict[int, int]:
    """Rebuild every user's rollups; return the count of days per user."""
    users = _t("users")
    ids = conn.execute(select(users.c.id).order_by(users.c.id))
    return {user_id: rebuild_user(conn, user_id) for user_id in list(ids.scalars())}
