"""One daemon per user: the second `runback remind` exits 1 saying who holds the lock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from runback.errors import DaemonRunningError
from runback.remind.lock import hold_daemon_lock, lock_path
from tests.conftest import Cli
from tests.pg import PgServer, pg_server_or_skip

SINCE = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def test_second_lock_on_the_same_database_is_refused_naming_the_holder(db_url: str) -> None:
    first = hold_daemon_lock(db_url, 1, SINCE)
    try:
        with pytest.raises(DaemonRunningError) as refused:
            hold_daemon_lock(db_url, 1, SINCE)
        message = str(refused.value)
        assert f"pid {os.getpid()}" in message and "since 2026-01-05T08:00:00+00:00" in message
        assert str(lock_path(db_url)) in message
    finally:
        first.release()
    hold_daemon_lock(db_url, 1, SINCE).release()  # released: the next daemon may start


def test_second_remind_command_exits_1_with_one_line(cli: Cli) -> None:
    held = hold_daemon_lock(cli.settings.database_url, 1, SINCE)
    try:
        result = cli("remind", "--notifier", "terminal", "--run-for", "1h")
    finally:
        held.release()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"pid {os.getpid()}" in lines[0], result.stderr


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    yield from pg_server_or_skip()


@pytest.mark.postgres
def test_advisory_lock_is_one_per_user_on_postgresql(pg: PgServer) -> None:
    url = pg.create_database()
    try:
        first = hold_daemon_lock(url, 7, SINCE)
        with pytest.raises(DaemonRunningError, match=f"pid {os.getpid()}, since 2026-01-05"):
            hold_daemon_lock(url, 7, SINCE)
        other_user = hold_daemon_lock(url, 8, SINCE)  # another user's daemon is not held back
        other_user.release()
        first.release()
        hold_daemon_lock(url, 7, SINCE).release()
    finally:
        pg.drop_database(url)
