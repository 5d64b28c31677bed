"""Real servers for the calendar tests: an ICS feed over HTTP, and Radicale (CalDAV) on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# This helper's port range on the shared machine; any free port when all of it is taken.
PORTS = range(8700, 8730)


def free_port() -> int:
    """Return a free loopback port, from PORTS when one is free."""
    for port in [*PORTS, 0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError("no free port")


@dataclass
class Route:
    """What the feed server answers on one path."""

    body: bytes | Callable[[], Iterator[bytes]] = b""
    status: int = 200
    etag: str | None = None
    hang: bool = False  # wait (until the server stops) before answering
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FeedServer:
    """An ICS feed server on loopback: routes by path, counts requests, honours If-None-Match."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        """Return the full address of a path."""
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(feed: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet."""

        def do_GET(self) -> None:
            """Answer from the routes."""
            feed.requests.append((self.path, dict(self.headers.items())))
            route = feed.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.hang:
                feed.stop.wait(30)
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            if route.etag:
                self.send_header("ETag", route.etag)
            for name, value in route.headers.items():
                self.send_header(name, value)
            try:
                if callable(route.body):
                    self.end_headers()  # no length: the client must count as it reads
                    for chunk in route.body():
                        self.wfile.write(chunk)
                else:
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (at its size limit)

    return Handler


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    """Run a FeedServer in a thread for the duration of the block."""
    feed = FeedServer(port=free_port())
    server = ThreadingHTTPServer(("127.0.0.1", feed.port), _handler(feed))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed
    finally:
        feed.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass(frozen=True)
class Radicale:
    """A Radicale server started by the tests: its address and the one user's credentials."""

    url: str
    username: str
    password: str


@contextmanager
def radicale_server(folder: Path) -> Iterator[Radicale]:
    """Start Radicale on a free loopback port with htpasswd (plain) auth; stop it afterwards."""
    port = free_port()
    users = folder / "users"
    users.write_text("runner:s3cret-pass\n", encoding="utf-8")
    config = folder / "config"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = htpasswd\n"
        f"htpasswd_filename = {users}\n"
        "htpasswd_encryption = plain\n"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[logging]\n"
        "level = warning\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"radicale did not start: {err[-500:]}") from None
                time.sleep(0.05)  # real time: waiting for a real server to listen
        yield Radicale(f"http://127.0.0.1:{port}/", "runner", "s3cret-pass")
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
