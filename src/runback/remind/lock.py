"""One reminder daemon per user: a lock file (SQLite) or a PostgreSQL advisory lock (hosted)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from runback.errors import DaemonRunningError, os_error_line

__all__ = ["ADVISORY_KEY", "DaemonLock", "hold_daemon_lock", "lock_path"]

ADVISORY_KEY = 0x72656D  # "rem": the first key of the advisory lock; the user id is the second


def lock_path(database_url: str) -> Path:
    """Return the lock file beside a SQLite database: one daemon per database, i.e. per user."""
    from runback.storage.db import describe_url

    return Path(describe_url(database_url) + ".remind.lock")


def _holder_line(pid: str, since: str, where: str) -> str:
    return (
        f"another `runback remind` already reminds you (pid {pid}, since {since}, {where}); "
        f"stop it first (systemctl --user stop runback-remind, or kill {pid})"
    )


@dataclass
class DaemonLock:
    """A held lock; `release()` (or the process ending) lets the next daemon start."""

    _file: IO[str] | None = None
    _conn: Any = None
    _path: Path | None = field(default=None, repr=False)

    def release(self) -> None:
        """Give the lock up."""
        if self._file is not None:
            import fcntl

            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            self._conn.close()  # a session-level advisory lock ends with its connection
            self._conn = None


def hold_daemon_lock(database_url: str, user_id: int, now: datetime) -> DaemonLock:
    """Take this user's daemon lock, or DaemonRunningError saying who holds it."""
    if database_url.startswith("postgresql"):
        return _advisory(database_url, user_id, now)
    return _lock_file(lock_path(database_url), now)


def _lock_file(path: Path, now: datetime) -> DaemonLock:
    import fcntl

    try:
        # "a+": never truncate what the holder wrote before we know we hold the lock.
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (kept open while held)
    except OSError as exc:
        raise DaemonRunningError(f"cannot take the daemon lock: {os_error_line(exc)}") from None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid, _, since = handle.read().strip().partition(" ")
        handle.close()
        raise DaemonRunningError(_holder_line(pid or "?", since or "?", str(path))) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()} {now.isoformat(timespec='seconds')}\n")
    handle.flush()
    return DaemonLock(_file=handle, _path=path)


def _advisory(database_url: str, user_id: int, now: datetime) -> DaemonLock:
    import psycopg
    from sqlalchemy.engine import make_url

    from runback.storage.db import CONNECT_TIMEOUT_S

    url = make_url(database_url).set(drivername="postgresql")
    tag = f"runback remind pid {os.getpid()} since {now.isoformat(timespec='seconds')}"
    conn = psycopg.connect(
        url.render_as_string(hide_password=False),
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_S,
        application_name=tag[:63],
    )
    got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (ADVISORY_KEY, user_id)).fetchone()
    if got is not None and got[0]:
        return DaemonLock(_conn=conn)
    holder = conn.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.granted",
        (ADVISORY_KEY, user_id),
    ).fetchone()
    conn.close()
    name = str(holder[0]) if holder else ""
    pid, since = "?", "?"
    if name.startswith("runback remind pid "):
        pid, _, since = name.removeprefix("runback remind pid ").partition(" since ")
    raise DaemonRunningError(_holder_line(pid, since, "on the database"))
