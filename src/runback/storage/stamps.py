"""A user's login details and data version, read in one statement on a connection of its own.

Every logged-in request starts with this read (is the session still valid? is a cached view
still current?), so it skips the ORM, the pool and the thread pool: each thread (in the web
app, each worker's event loop) keeps one plain DBAPI connection, in autocommit, with the
statement prepared once on PostgreSQL. It reads the whole user row, converted as the ORM would
(`UserStamp.row`), so a request that goes on to read its data finds the row already known
(`Store.knows_user`) instead of reading it again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from runback.storage.models import UserRow

__all__ = ["COLUMNS", "STATEMENT_TIMEOUT_MS", "StampReader", "UserStamp"]

STATEMENT_TIMEOUT_MS = 5000


@dataclass(frozen=True, slots=True)
class UserStamp:
    """What a request needs to know of its user before anything else."""

    id: int
    email: str | None
    zone: str
    password_hash: str | None
    data_version: int
    # Every column of the user row, as the ORM loads them (empty when not read from the row).
    row: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


# The stamp's five first, then the rest of the row.
_FIRST = ("id", "email", "zone", "password_hash", "data_version")
COLUMNS = (*_FIRST, *(c.name for c in UserRow.__table__.columns if c.name not in _FIRST))


class StampReader:
    """Reads `UserStamp`s for one engine; one connection per thread that asks."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Any] = []
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        columns = ", ".join(f"u.{name}" for name in COLUMNS)
        # What the ORM does to each column it loads (JSON text decoded, instants made UTC).
        dialect = engine.dialect
        table = UserRow.__table__.columns
        self._convert: list[Callable[[Any], Any] | None] = [
            table[name].type.dialect_impl(dialect).result_processor(dialect, None)
            for name in COLUMNS
        ]
        self._by_id = f"SELECT {columns} FROM users u WHERE u.id = {mark}"
        self._by_login = (
            f"SELECT {columns} FROM logins l JOIN users u ON u.id = l.user_id WHERE l.key = {mark}"
        )
        self._prepare = engine.dialect.name == "postgresql"

    def read(self, user_id: int) -> UserStamp | None:
        """Return the user's stamp, or None if there is no such user."""
        return self._read(self._by_id, user_id)

    def read_login(self, key: str) -> UserStamp | None:
        """Return the stamp of the user logged in as `key`, or None if that login has ended."""
        return self._read(self._by_login, key)

    def _read(self, sql: str, arg: object) -> UserStamp | None:
        dbapi: Any = self._engine.dialect.loaded_dbapi
        for attempt in (1, 2):
            conn = self._connection()
            try:
                cur = conn.cursor()
                if self._prepare:
                    cur.execute(sql, (arg,), prepare=True)
                else:
                    cur.execute(sql, (arg,))
                row = cur.fetchone()
                cur.close()
            except dbapi.Error as exc:
                if not self._engine.dialect.is_disconnect(exc, conn, None):
                    raise
                # The server restarted or dropped the connection while it sat idle: a fresh
                # one, once. (A second failure means the database is down: the caller's 500.)
                # The pool's connections most likely went the same way: replace them too, as
                # SQLAlchemy does when a pooled one fails, so the request's own reads work.
                self._forget(conn)
                self._engine.dispose()
                if attempt == 2:
                    raise
                continue
            if row is None:
                return None
            values = {
                name: (value if convert is None else convert(value))
                for name, value, convert in zip(COLUMNS, row, self._convert, strict=True)
            }
            return UserStamp(row[0], row[1], row[2], row[3], int(row[4]), values)
        return None  # not reached

    def close(self) -> None:
        """Close every connection this reader opened."""
        with self._lock:
            conns, self._open = self._open, []
        for proxy in conns:
            # Closing a dead connection may fail; it is gone either way.
            with contextlib.suppress(Exception):
                proxy.close()
        self._local = threading.local()

    def _connection(self) -> Any:
        conn: Any = getattr(self._local, "conn", None)
        if conn is None:
            # Detached from the pool: configured like its connections (SQLite pragmas), but
            # ours to keep. The proxy closes the connection when it goes, so it is kept too.
            proxy = self._engine.raw_connection()
            proxy.detach()
            conn = proxy.dbapi_connection
            if self._prepare:
                conn.autocommit = True
                # The web app reads on its event loop: a database that stops answering must
                # fail this read (a 500) rather than hold every other request of the worker.
                conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
            self._local.conn, self._local.proxy = conn, proxy
            with self._lock:
                self._open.append(proxy)
        return conn

    def _forget(self, conn: Any) -> None:
        proxy = getattr(self._local, "proxy", None)
        self._local.conn = self._local.proxy = None
        with self._lock:
            if proxy in self._open:
                self._open.remove(proxy)
        with contextlib.suppress(Exception):  # it is already broken: no reset, just drop it
            if proxy is not None:
                proxy.invalidate()
            else:
                conn.close()
