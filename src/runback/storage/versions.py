"""users.data_version: bumped in the same transaction as every write to a user's data.

A view built from a user's data at version v (the Today page, say) is current for as long as
the user row still says v, in any process: the one check a cache needs is one indexed read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

__all__ = ["track_user_writes"]


def track_user_writes(factory: sessionmaker[Session]) -> None:
    """Make every session of `factory` bump the version of each user whose data it writes."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _bulk_statement)


def _users() -> Table:
    from runback.storage.models import UserRow

    return UserRow.__table__  # type: ignore[return-value]


def _owner(obj: object) -> int | None:
    from runback.storage.models import UserRow

    table = getattr(obj, "__table__", None)
    if table is not None and table.info.get("views_ignore"):
        return None
    if isinstance(obj, UserRow):
        return obj.id
    owner = getattr(obj, "user_id", None)
    return owner if isinstance(owner, int) else None


def _after_flush(session: Session, _context: Any) -> None:
    # The flush has run, but new/dirty/deleted still list what it wrote.
    touched = {_owner(obj) for obj in (*session.new, *session.dirty, *session.deleted)}
    touched.discard(None)
    if touched:
        users = _users()
        session.connection().execute(
            update(users)
            .where(users.c.id.in_(sorted(touched)))
            .values(data_version=users.c.data_version + 1)
        )


def _bulk_statement(state: ORMExecuteState) -> None:
    # UPDATE/DELETE/INSERT statements skip the flush. One on the users table bumps the rows it
    # updates; one on a table of user data touches users we cannot name, so every user's views
    # go stale (no service writes that way today). Tables marked `views_ignore` (logins) count
    # for nothing.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table):
        return
    users = _users()
    if table.name == users.name:  # (an ORM statement's table is an annotated copy)
        if state.is_update:
            state.statement = state.statement.values(  # type: ignore[attr-defined]
                data_version=users.c.data_version + 1
            )
        return
    if "user_id" in table.c and not table.info.get("views_ignore"):
        state.session.connection().execute(
            update(users).values(data_version=users.c.data_version + 1)
        )
