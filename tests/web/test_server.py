"""`runback serve --workers N`: each worker listens on its own socket, and the kernel spreads
connections over them; a dead worker is replaced; SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.reliability.conftest import serve, stop

CONNECTIONS = 32  # all on one of 2 workers by chance: 1 in 2**31


def _workers(server_pid: int) -> list[int]:
    """Return the worker processes (not multiprocessing's resource tracker) of a server."""
    found = []
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue  # it just ended
            if b"spawn_main" in cmdline:
                found.append(int(pid))
    return sorted(found)


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def _established_inodes(port: int) -> set[str]:
    """Return the inodes of the server side of established TCP connections on `port`."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            found.add(fields[9])
    return found


def _wait_for(check: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)  # a real server in another process: nothing to fake
    raise AssertionError("timed out")


def test_connections_are_spread_over_the_workers(db_url: str, tmp_path: Path) -> None:
    server, base = serve(db_url, tmp_path / "serve.log", workers=2)
    port = int(base.rsplit(":", 1)[1])
    conns: list[socket.socket] = []
    try:
        _wait_for(lambda: len(_workers(server.pid)) == 2)
        workers = _workers(server.pid)
        for _ in range(CONNECTIONS):  # opened at once, then each asked once and kept open
            conns.append(socket.create_connection(("127.0.0.1", port)))
        for conn in conns:
            conn.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for conn in conns:
            assert conn.recv(4096).startswith(b"HTTP/1.1 200")
        established = _established_inodes(port)
        held = {pid: len(_socket_inodes(pid) & established) for pid in workers}
        assert sum(held.values()) == CONNECTIONS, held
        assert all(n > 0 for n in held.values()), held
    finally:
        for conn in conns:
            conn.close()
        stop(server)


def test_a_killed_worker_is_replaced_and_sigterm_stops_all(db_url: str, tmp_path: Path) -> None:
    server, base = serve(db_url, tmp_path / "serve.log", workers=2)
    try:
        _wait_for(lambda: len(_workers(server.pid)) == 2)
        first, second = _workers(server.pid)
        os.kill(first, signal.SIGKILL)
        _wait_for(lambda: len(_workers(server.pid)) == 2 and first not in _workers(server.pid))
        assert second in _workers(server.pid)
        for _ in range(20):
            assert httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200
        workers = _workers(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        stop(server)


def test_a_port_already_served_is_a_clear_error(db_url: str, tmp_path: Path) -> None:
    server, base = serve(db_url, tmp_path / "serve.log", workers=2)
    port = base.rsplit(":", 1)[1]
    try:
        env = {**os.environ, "RUNBACK_DATABASE_URL": db_url}
        r = subprocess.run(
            [sys.executable, "-m", "runback", "serve", "--port", port, "--workers", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in r.stderr + r.stdout
        assert "already answers" in " ".join((r.stderr + r.stdout).split())
    finally:
        stop(server)
