"""Engines and sessions: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from runback.errors import DatabaseError

__all__ = [
    "CONNECT_TIMEOUT_S",
    "RECYCLE_S",
    "database_trouble",
    "describe_url",
    "make_engine",
    "make_sessionmaker",
]

CONNECT_TIMEOUT_S = 5
"""A PostgreSQL server that does not answer within this is reported unreachable, not waited on."""

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


def _check_url(url: str) -> URL:
    """Return the parsed URL, or DatabaseError naming RUNBACK_DATABASE_URL and the fix."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(
            f"RUNBACK_DATABASE_URL {url.split('@')[-1]!r} is not a database URL; use "
            "sqlite:////path/to/runback.db or postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"RUNBACK_DATABASE_URL: {parsed.get_backend_name()!r} databases are not supported; "
            "use sqlite:////path/to/runback.db or postgresql+psycopg://user@host/dbname"
        )
    return parsed


def describe_url(url: str) -> str:
    """Return the database's path (SQLite) or host/name (PostgreSQL), without a password."""
    if url.startswith("sqlite"):
        return url.split("///", 1)[1] if "///" in url else url
    try:
        return str(_check_url(url).render_as_string(hide_password=True))
    except Exception:  # only for a message: never fail while describing a failure
        return "the database"


_TROUBLE = [
    ("database or disk is full", "the disk is full; free some space and try again"),
    ("disk i/o error", "the disk failed to read or write; check the disk and free space"),
    (
        "file is not a database",
        "is not a runback database (or it is damaged); restore a backup or point "
        "RUNBACK_DATABASE_URL at another file",
    ),
    (
        "database disk image is malformed",
        "is damaged; restore a backup (runback backup restore) or point RUNBACK_DATABASE_URL "
        "at another file",
    ),
    (
        "unable to open database file",
        "cannot be opened (a folder, or a folder you cannot write?); set RUNBACK_DATABASE_URL "
        "to a file you can write",
    ),
    (
        "attempt to write a readonly database",
        "is read-only; fix its permissions or set RUNBACK_DATABASE_URL to a file you can write",
    ),
    ("no space left on device", "the disk is full; free some space and try again"),
    ("could not extend file", "the server's disk is full; free some space and try again"),
]


def database_trouble(exc: BaseException, url: str) -> DatabaseError | None:
    """Return a DatabaseError for a database that cannot be used now, or None (a bug)."""
    from sqlalchemy import exc as sa_exc

    where = describe_url(url)
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, advice in _TROUBLE:
        if needle in text:
            sep = " " if advice.startswith(("is ", "cannot")) else ": "
            return DatabaseError(f"database {where}{sep}{advice}")
    if isinstance(exc, sa_exc.TimeoutError):
        return DatabaseError(f"database {where}: every connection is busy; try again shortly")
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or (
        isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    ):
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0:1]
        reason = first[0] if first else "no answer"
        return DatabaseError(
            f"database {where} cannot be reached ({reason}); check that the server runs "
            "and RUNBACK_DATABASE_URL"
        )
    if isinstance(exc, sa_exc.DatabaseError) and url.startswith("sqlite"):
        return DatabaseError(f"database {where}: {str(exc.orig).strip()}; restore a backup")
    return None


def make_engine(url: str) -> Engine:
    """Create an engine for a database URL, creating the SQLite folder if needed."""
    _check_url(url)
    if url.startswith("sqlite"):
        from pathlib import Path

        from runback.errors import os_error_line

        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            if Path(path).is_dir():
                raise DatabaseError(
                    f"database {path} is a folder; set RUNBACK_DATABASE_URL to a file in it, "
                    f"e.g. sqlite:///{Path(path) / 'runback.db'}"
                )
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"database {os_error_line(exc)}") from None
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
        # A round trip per checkout, i.e. per request that misses the view cache: measured
        # against pinging only connections idle for 10 s, no difference (docs/benchmarks.md,
        # issue 15), so SQLAlchemy's own check replaced the hand-made one.
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to the engine (writes bump data_version, keep rollups)."""
    from runback.storage.rollups import track_rollups
    from runback.storage.versions import track_user_writes

    factory = sessionmaker(engine, expire_on_commit=False)
    track_user_writes(factory)
    track_rollups(factory)
    return factory
