"""The Store: settings, engine, sessions and the clock that every use case works through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from runback.core.clock import Clock, SystemClock
from runback.settings import Settings
from runback.storage.db import make_engine, make_sessionmaker
from runback.storage.models import UserRow

__all__ = ["LOCAL_USER_ID", "Store", "open_store"]

LOCAL_USER_ID = 1


@dataclass
class Store:
    """Everything a use case needs to reach the database, bound to one process."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """Yield a session in one transaction: all of it is stored, or none of it."""
        with self.factory() as session, session.begin():
            yield session

    def user_zone(self, user_id: int = LOCAL_USER_ID) -> str:
        """Return the user's IANA zone."""
        with self.factory() as session:
            user = session.get(UserRow, user_id)
            return user.zone if user else "UTC"

    def close(self) -> None:
        """Release database connections."""
        self.engine.dispose()


def open_store(settings: Settings | None = None, clock: Clock | None = None) -> Store:
    """Open (and migrate) the database, making sure the local user exists."""
    from runback.core.timezones import system_zone_name, to_zone
    from runback.storage.migrate import upgrade

    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    store = Store(settings, engine, make_sessionmaker(engine), clock or SystemClock())
    if settings.mode == "local":
        zone = settings.zone or system_zone_name()
        to_zone(zone)
        with store.tx() as session:
            user = session.get(UserRow, LOCAL_USER_ID)
            if user is None:
                session.add(
                    UserRow(id=LOCAL_USER_ID, zone=zone, prefs={}, created_at=store.clock.now())
                )
            elif settings.zone and user.zone != settings.zone:
                # An explicit RUNBACK_ZONE means the user travelled or moved: follow them.
                user.zone = settings.zone
    return store
