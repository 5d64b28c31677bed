"""The Store: settings, engine, sessions and the clock that every use case works through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from runback.core.clock import Clock, SystemClock
from runback.settings import Settings
from runback.storage.db import database_trouble, make_engine, make_sessionmaker
from runback.storage.models import UserRow
from runback.storage.scope import (
    PinnedClock,
    RequestRows,
    ScopeFactory,
    ScopeSession,
    SessionFactory,
    attach_user,
    keep_rows,
)
from runback.storage.stamps import StampReader, UserStamp

__all__ = [
    "LOCAL_USER_ID",
    "Store",
    "UserStamp",
    "ZoneChange",
    "apply_zone_setting",
    "database_trouble",
    "get_user",
    "open_store",
]

LOCAL_USER_ID = 1


@dataclass(frozen=True)
class ZoneChange:
    """The local user's stored zone, replaced by an explicit RUNBACK_ZONE."""

    old: str
    new: str


@dataclass
class Store:
    """Everything a use case needs to reach the database, bound to one process."""

    settings: Settings
    engine: Engine
    factory: SessionFactory  # see storage/scope.py: `with store.factory() as session:`
    clock: Clock = field(default_factory=SystemClock)
    read_only: bool = False
    _autocommit: Engine | None = field(default=None, repr=False, compare=False)
    _shared: RequestRows | None = field(default=None, repr=False, compare=False)
    _zones: dict[int, str] | None = field(default=None, repr=False, compare=False)
    _stamps: StampReader | None = field(default=None, repr=False, compare=False)
    zone_change: ZoneChange | None = None  # what open_store changed, for the CLI to say

    def stamps(self) -> StampReader:
        """Return the reader of user stamps (login details, data version) for this engine."""
        # Copies made before the first call get their own: call it once on the base Store.
        if self._stamps is None:
            self._stamps = StampReader(self.engine)
        return self._stamps

    def for_request(self) -> Store:
        """Return a copy for one request (one thread at a time) whose read scopes share a session.

        A row read in one of the request's `reading()` scopes (the user row above all) is found
        in the next one without SQL. The connection goes back to the pool at the end of each
        scope (so a request never holds two); the rows stay until the next `tx()` or the end of
        the request.
        """
        if self._autocommit is None and self.engine.dialect.name == "postgresql":
            self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        return replace(self, _shared=RequestRows())

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """Yield a session in one transaction: all of it is stored, or none of it."""
        if self.read_only:
            # A programming error, never the user's: no RunbackError.
            raise RuntimeError("store.tx() inside Store.reading(): write outside the scope")
        try:
            with self.factory() as session, session.begin():
                yield session
        finally:
            if self._shared is not None:
                # Rows read before the write may be stale now: the next scope reads afresh.
                self._shared.drop()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Yield a read-only view whose reads share one session, connection and identity map.

        Every `with store.factory() as s:` inside the scope gets the same open session, so a
        request of many use cases checks out one connection and reads each row (the user row
        above all) once. The clock is pinned to the scope's start, so its use cases agree on
        the day. Writes (`tx()`) are refused; nested scopes reuse the outer one.
        """
        if self.read_only:
            yield self
            return
        if not event.contains(ScopeSession, "loaded_as_persistent", keep_rows):
            event.listen(ScopeSession, "loaded_as_persistent", keep_rows)
        base = self.factory
        # Only the base Store (and its request copies) holds the sessionmaker: scopes hold
        # a ScopeFactory and are read-only, so they never get here.
        assert isinstance(base, sessionmaker)
        kw = dict(base.kw)
        if self.engine.dialect.name == "postgresql":
            # Reads only, so no BEGIN and ROLLBACK (two round trips saved): under READ COMMITTED
            # each statement takes its own snapshot inside a transaction too.
            if self._autocommit is None:
                self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
            kw["bind"] = self._autocommit
        shared = self._shared
        session = shared.session if shared is not None else None
        if session is None:
            session = ScopeSession(**kw)
            if shared is not None:
                shared.session = session
                for values in shared.users.values():
                    attach_user(session, values)
        try:
            yield replace(
                self,
                factory=ScopeFactory(session),
                clock=PinnedClock(self.clock.now(), self.clock),
                read_only=True,
                _shared=None,
                # The zone cannot change inside a read scope: it is looked up once per user.
                _zones=shared.zones if shared is not None else {},
            )
        except BaseException:
            if shared is not None:
                shared.drop()
            session.close()
            raise
        if shared is None:
            session.close()
        else:
            # Give the connection back but keep the rows (expire_on_commit=False); in
            # autocommit there is no transaction, so this sends nothing to the server.
            session.commit()

    def knows_user(self, stamp: UserStamp) -> None:
        """Take the user row the login check read as this request's: its scopes skip the read."""
        shared = self._shared
        # Only before the first scope: a row read since may be newer than the stamp.
        if shared is None or shared.session is not None or not stamp.row:
            return
        shared.users[stamp.id] = stamp.row
        shared.zones[stamp.id] = stamp.zone

    def user_zone(self, *, user_id: int) -> str:
        """Return the user's IANA zone (in a read scope, looked up once for the whole scope)."""
        zones = self._zones
        if zones is not None and user_id in zones:
            return zones[user_id]
        with self.factory() as session:
            user = session.get(UserRow, user_id)
            zone = user.zone if user else "UTC"
        if zones is not None:
            zones[user_id] = zone
        return zone

    def close(self) -> None:
        """Release database connections."""
        if self._stamps is not None:
            self._stamps.close()
        self.engine.dispose()


def open_store(settings: Settings | None = None, clock: Clock | None = None) -> Store:
    """Open (and migrate) the database, making sure the local user exists."""
    from sqlalchemy.exc import SQLAlchemyError

    from runback.storage.migrate import upgrade

    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        store = Store(settings, engine, make_sessionmaker(engine), clock or SystemClock())
        if settings.mode == "local":
            store.zone_change = apply_zone_setting(store, settings.zone)
    except SQLAlchemyError as exc:
        engine.dispose()
        trouble = database_trouble(exc, settings.database_url)
        if trouble is None:
            raise
        raise trouble from None
    except BaseException:
        engine.dispose()
        raise
    return store


def apply_zone_setting(store: Store, zone: str | None) -> ZoneChange | None:
    """Make sure the local user exists; move its stored zone to `zone` and return the change.

    `zone` is an explicit RUNBACK_ZONE, or None: then a new user gets the system zone and a
    stored zone stays as it is.
    """
    from runback.core.timezones import system_zone_name, to_zone

    to_zone(zone or system_zone_name())
    with store.tx() as session:
        user = session.get(UserRow, LOCAL_USER_ID)
        if user is None:
            session.add(
                UserRow(
                    id=LOCAL_USER_ID,
                    zone=zone or system_zone_name(),
                    prefs={},
                    created_at=store.clock.now(),
                )
            )
            return None
        if zone and user.zone != zone:
            # An explicit RUNBACK_ZONE means the user travelled or moved: follow them, and say
            # so, since every day (Today, streaks, stats) is now counted in the new zone.
            change = ZoneChange(old=user.zone, new=zone)
            user.zone = zone
            return change
    return None


def get_user(session: Session, *, user_id: int) -> UserRow:
    """Return the user's row inside an open session, or NotFoundError."""
    from runback.errors import NotFoundError

    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} does not exist")
    return user
