"""A real, throwaway PostgreSQL server that the test suite (and bench/web.py) starts itself.

initdb refuses to run as root, so as root the server runs as the `postgres` system user, or a
created unprivileged `runback-pg` user when there is none. Data and socket live in a temp dir;
the server listens on 127.0.0.1 on a free port with trust auth for the `runback` role. Each test
database is a copy of a migrated template (CREATE DATABASE ... TEMPLATE), which takes
milliseconds, or of template0 when a test wants an empty one.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["PgServer", "find_pg_bin", "free_port", "pg_server_or_skip"]

ROLE = "runback"
TEMPLATE = "runback_template"


def find_pg_bin() -> Path | None:
    """Return the newest /usr/lib/postgresql/*/bin that has pg_ctl, or None."""
    found = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    if not found:
        on_path = shutil.which("pg_ctl")
        return Path(on_path).parent if on_path else None

    def version(path: str) -> float:
        try:
            return float(Path(path).parts[-3])
        except ValueError:
            return 0.0

    return Path(max(found, key=version)).parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _run_as() -> str | None:
    """Return the user to run the server as (None: ourselves, when not root)."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "runback-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "runback-pg"],
        check=True,
        capture_output=True,
    )
    return "runback-pg"


class PgServer:
    """One running PostgreSQL cluster in a temp dir."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="runback-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.sockets.mkdir()
        self.port = 0
        self._names = itertools.count(1)
        if self.user is not None:
            import pwd

            pw = pwd.getpwnam(self.user)
            for path in (self.root, self.sockets):
                os.chown(path, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, Any] = {"user": self.user} if self.user else {}
        return subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            text=True,
            cwd=self.root,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
            **kwargs,
        )

    def start(self) -> None:
        """Initialise the cluster and start the server on a free port."""
        self._run("initdb", "-D", str(self.data), "-U", ROLE, "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip
        last = ""
        for _ in range(5):
            self.port = free_port()
            opts = (
                f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            done = self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-w", "-t", "30",
                             "-l", str(self.root / "server.log"), "start", check=False)  # fmt: skip
            if done.returncode == 0:
                self._make_template()
                return
            last = done.stderr + (self.root / "server.log").read_text(errors="replace")
        raise RuntimeError(f"PostgreSQL did not start:\n{last}")

    def stop(self) -> None:
        """Stop the server and delete its files."""
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={ROLE} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def _make_template(self) -> None:
        from runback.storage.db import make_engine
        from runback.storage.migrate import upgrade

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        engine = make_engine(self.url(TEMPLATE))
        upgrade(engine)
        engine.dispose()  # a template must have no open connections

    def create_database(self, migrated: bool = True) -> str:
        """Create a fresh database (migrated, or empty) and return its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database (closing any leftover connections)."""
        name = url.rsplit("/", 1)[1]
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_server_or_skip() -> Iterator[PgServer]:
    """Yield a started server; skip when PostgreSQL is not installed (fail on CI)."""
    import pytest

    bin_dir = find_pg_bin()
    if bin_dir is None:
        message = "PostgreSQL is not installed (run `make system-deps`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = PgServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
