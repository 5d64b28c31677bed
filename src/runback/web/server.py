"""Run the app under uvicorn: one process, or N workers that each listen on a socket of their own.

uvicorn's own multi-worker mode hands every worker one shared listening socket, and the first
worker to wake up accepts every connection waiting: with few long-lived connections (a reverse
proxy's keep-alive pool, a load test) one worker can end up with all of them while the others
idle. Here each worker binds its own socket with SO_REUSEPORT, and the kernel spreads new
connections over them. The supervisor restarts a worker that dies and stops them all on
SIGINT/SIGTERM.
"""

from __future__ import annotations

import errno
import signal
import socket
import threading
import time
from typing import Any

__all__ = ["listening_socket", "run"]

APP = "runback.web.app:create_app_from_env"
RESTART_PAUSE_S = 0.5
MAX_QUICK_DEATHS = 5


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """Bind and listen on host:port, with TCP_NODELAY (and SO_REUSEPORT for a worker group)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Accepted sockets inherit it: without it Nagle holds each response body back ~40 ms,
    # since asyncio sets TCP_NODELAY only on sockets it creates itself.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _config(host: str, port: int, app: str) -> Any:
    import uvicorn

    from runback.settings import Settings

    settings = Settings()
    # Hosted mode sits behind a proxy: believe its X-Forwarded-For/-Proto (the client address
    # the login limits key on, https for URLs), and only its. Local mode has no proxy.
    hosted = settings.mode == "hosted"
    return uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        proxy_headers=hosted,
        forwarded_allow_ips=settings.forwarded_allow_ips if hosted else None,
    )


def _worker(host: str, port: int, app: str) -> None:
    """Serve on a socket of this worker's own (the target of each worker process)."""
    import uvicorn

    sock = listening_socket(host, port, reuse_port=True)
    uvicorn.Server(_config(host, port, app)).run(sockets=[sock])


def run(host: str, port: int, workers: int, app: str | None = None) -> None:
    """Serve until SIGINT or SIGTERM: in this process, or in `workers` worker processes."""
    # `app` names the factory ("module:function"); bench/ passes one with its baseline route.
    app = app or APP
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        _run_uvicorn(host, port, workers, app)
        return
    # Fail here, once and clearly, if the address is taken. Binding with SO_REUSEPORT would
    # succeed next to another server of ours (same user), so first see whether one answers.
    _refuse_if_served(host, port)
    probe = _bound_socket(host, port)  # bound but not listening: it is given no connections
    try:
        _supervise(host, port, workers, app)
    finally:
        probe.close()


def _refuse_if_served(host: str, port: int) -> None:
    target = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    try:
        with socket.create_connection((target, port), timeout=0.5):
            pass
    except OSError:
        return
    raise OSError(errno.EADDRINUSE, "address in use: a server already answers there")


def _bound_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _supervise(host: str, port: int, workers: int, app: str) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    procs: list[tuple[Any, float]] = []
    try:
        procs = [_start(ctx, host, port, app) for _ in range(workers)]
        quick_deaths = 0
        while not stop.wait(RESTART_PAUSE_S):
            for i, (proc, started) in enumerate(procs):
                if proc.is_alive() or stop.is_set():
                    continue
                # A crashed worker is replaced (the others kept serving meanwhile); one that
                # keeps dying at start (no database, say) is not retried forever.
                quick_deaths = quick_deaths + 1 if time.monotonic() - started < 5 else 0
                if quick_deaths >= MAX_QUICK_DEATHS:
                    raise SystemExit(
                        f"runback serve: workers keep exiting at start (code {proc.exitcode});"
                        " see the messages above"
                    )
                procs[i] = _start(ctx, host, port, app)
    finally:
        for proc, _ in procs:
            if proc.is_alive():
                proc.terminate()
        for proc, _ in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _start(ctx: Any, host: str, port: int, app: str) -> tuple[Any, float]:
    proc = ctx.Process(target=_worker, args=(host, port, app))
    proc.start()
    return proc, time.monotonic()


def _run_uvicorn(host: str, port: int, workers: int, app: str) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = _config(host, port, app)
    sock = listening_socket(host, port, reuse_port=False)
    if workers > 1:  # no SO_REUSEPORT on this system: uvicorn's shared socket
        config.workers = workers
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
