"""Engines and sessions: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["PING_IDLE_S", "RECYCLE_S", "make_engine", "make_sessionmaker", "transaction"]

PING_IDLE_S = 10.0
"""A pooled connection idle longer than this is pinged before use (others are not)."""
RECYCLE_S = 1800
"""Replace pooled connections older than this (ahead of server or firewall idle limits)."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # WAL makes NORMAL durable against process crashes; only power loss can drop the last commit.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock up front so two writers queue instead of failing on lock upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine for a database URL, creating the SQLite folder if needed."""
    if url.startswith("sqlite"):
        from pathlib import Path

        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        # The most recently returned connection first: a request's scopes get the same one,
        # its prepared statements are warm, and idle extras age out instead of all staying warm.
        pool_use_lifo=True,
        pool_recycle=RECYCLE_S,
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    # pool_pre_ping would cost a round trip per checkout, i.e. per request. A connection in
    # steady use is known good; one that sat idle may have been closed by the server (restart,
    # idle timeout) since, so only that one is pinged. A connection that dies while in use
    # fails that statement: SQLAlchemy then invalidates the whole pool (and the login check,
    # the first statement of a request, retries once).
    from time import monotonic

    from sqlalchemy import exc

    def checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or monotonic() - since <= PING_IDLE_S:
            return
        dialect = engine.dialect
        try:
            alive = dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as err:
            if not dialect.is_disconnect(err, dbapi_conn, None):
                raise
            alive = False
        if not alive:
            # The pool then drops this connection and checks out (or opens) another one.
            raise exc.DisconnectionError("connection closed while idle")

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to the engine (its writes bump users.data_version)."""
    from runback.storage.versions import track_user_writes

    factory = sessionmaker(engine, expire_on_commit=False)
    track_user_writes(factory)
    return factory


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session inside one transaction: committed on success, rolled back on error."""
    with factory() as session, session.begin():
        yield session
