"""The one session API: a read scope or a write transaction, and what a request's scopes share.

Every use case reaches the database as `with store.factory() as session:` and never opens
connections of its own. What that session is depends on where the use case runs:

- in a **write transaction** (`Store.tx()`), a fresh session in one transaction: all of it
  is stored, or none of it;
- in a **read scope** (`Store.reading()`), the scope's one `ScopeSession`, handed out by a
  `ScopeFactory` every time it is asked: the use cases of a page share one connection, one
  identity map (the user row is read once) and one pinned clock, and the scope closes the
  session once at its end;
- outside both, a fresh session per `with` (the CLI, the daemon).

A web request's `Store.for_request()` copy adds `RequestRows`: the rows (and zones) read by
one of its read scopes are found by the next without SQL, until a write or the request's end.
The user row the login check read (`Store.knows_user`) is in its first scope from the start.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from runback.core.clock import Clock

__all__ = [
    "PinnedClock",
    "RequestRows",
    "ScopeFactory",
    "ScopeSession",
    "SessionFactory",
    "attach_user",
    "keep_rows",
]


class SessionFactory(Protocol):
    """What `Store.factory` is: called in `with factory() as session:`."""

    def __call__(self) -> AbstractContextManager[Session]:
        """Return a context that yields a session."""
        ...


class ScopeSession(Session):
    """The one session of a read scope (its own class so `keep_rows` listens to scopes only)."""


class ScopeFactory:
    """A session factory that hands out the read scope's one session, left open by `with`."""

    __slots__ = ("session",)

    def __init__(self, session: ScopeSession) -> None:
        self.session = session

    def __call__(self) -> AbstractContextManager[Session]:
        """Return a context yielding the scope's session; the scope closes it at its end."""
        return nullcontext(self.session)


@dataclass(frozen=True)
class PinnedClock:
    """One instant for a whole read scope: every use case in it agrees on "now" and "today"."""

    at: datetime
    base: Clock

    def now(self) -> datetime:
        """Return the scope's instant."""
        return self.at

    def monotonic(self) -> float:
        """Return the base clock's monotonic seconds."""
        return self.base.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep on the base clock."""
        self.base.sleep(seconds)


class RequestRows:
    """The session (and the zones) that one request's read scopes share."""

    __slots__ = ("session", "users", "zones")

    def __init__(self) -> None:
        self.session: ScopeSession | None = None
        self.zones: dict[int, str] = {}
        # User rows read before any scope (by the login check), put in the first one's session.
        self.users: dict[int, Mapping[str, Any]] = {}

    def drop(self) -> None:
        """Forget every row read so far (after a write, or after an error)."""
        self.zones.clear()
        self.users.clear()
        if self.session is not None:
            self.session.close()
            self.session.info.clear()
            self.session = None


def attach_user(session: Session, values: Mapping[str, Any]) -> None:
    """Put a user row read elsewhere (every column, as the ORM loads them) in the session."""
    from sqlalchemy.orm import configure_mappers, make_transient_to_detached
    from sqlalchemy.orm.attributes import set_committed_value

    from runback.storage.models import UserRow

    # A worker's first request may come here before any query has set the mappers up (their
    # attributes have no implementation until then); a no-op once done.
    configure_mappers()
    row = UserRow.__mapper__.class_manager.new_instance()
    # Committed values: the row is as if loaded, with nothing to flush.
    for name, value in values.items():
        set_committed_value(row, name, value)
    make_transient_to_detached(row)
    session.add(row)
    session.info.setdefault("keep", []).append(row)


def keep_rows(session: Session, instance: object) -> None:
    """Keep a row read in a scope alive until the scope's end (a `loaded_as_persistent` hook)."""
    # The identity map holds rows weakly: without this, `session.get(UserRow, id)` asked again
    # by the next service of the scope would be SQL again.
    session.info.setdefault("keep", []).append(instance)
