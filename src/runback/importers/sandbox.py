"""Parse untrusted files in warm child processes with CPU, memory and wall-clock limits.

A parser that crashes (a C stack overflow is a segfault, not an exception), hangs or balloons
kills only its child; the caller gets that file's one-line error and the batch goes on. Parent
and child exchange plain bytes and JSON, never pickles: a job's name, its JSON arguments and the
file's bytes go in; a JSON result or a JSON error (class name, file, reason) comes back.

Workers are fresh interpreters (`python -m runback.importers.sandbox`) that import the parsers
once and are reused for many files (`MAX_TASKS_PER_WORKER`); one that dies or is killed at its
deadline is replaced by the next job.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from runback import errors
from runback.errors import UnsafeFileError
from runback.importers.activity import Activity
from runback.importers.limits import SANDBOX_CPU_S, SANDBOX_MEMORY_BYTES, SANDBOX_WALL_S

__all__ = [
    "MAX_TASKS_PER_WORKER",
    "Limits",
    "SandboxPool",
    "activity_from_json",
    "activity_to_json",
    "parse_activity",
    "run_sandboxed",
    "shutdown",
    "warm",
]

# A fresh worker says it is ready once its imports are done; the file's own wall-clock limit
# starts only then, so a busy machine's slow interpreter start is never blamed on a file.
START_S = 120.0
READY = b"ready"
MAX_TASKS_PER_WORKER = 1000  # then a fresh worker, so a slow leak in a parser cannot grow
_PRELOAD = [
    "runback.importers.files",
    "runback.importers.fit",
    "runback.importers.gpx",
    "runback.importers.tcx",
    "fitdecode",
    "gpxpy.gpx",
    "defusedxml.ElementTree",
]
# Errors a job may report; anything else from a child is a bug and says so.
_ERRORS: dict[str, type[errors.ActivityFileError]] = {
    cls.__name__: cls
    for cls in (
        errors.ActivityFileError,
        errors.DamagedFileError,
        errors.NotAnActivityError,
        errors.UnsafeFileError,
    )
}


@dataclass(frozen=True)
class Limits:
    """What one job in a child may use."""

    wall_s: float = SANDBOX_WALL_S
    cpu_s: int = SANDBOX_CPU_S
    memory_bytes: int = SANDBOX_MEMORY_BYTES

    def too_slow(self, seconds: float | None = None) -> str:
        """Return the message for a job over its time (wall-clock unless CPU seconds are given)."""
        return f"could not be read safely: it took more than {seconds or self.wall_s:g} s"

    def too_big(self) -> str:
        """Return the message for a job over its memory."""
        return f"could not be read safely: it needs more than {self.memory_bytes >> 20} MB"


def activity_to_json(activity: Activity) -> dict[str, Any]:
    """Return the Activity as a JSON-ready dict (start as ISO 8601)."""
    return {
        "start": activity.start.isoformat(),
        "elapsed_s": activity.elapsed_s,
        "moving_s": activity.moving_s,
        "distance_m": activity.distance_m,
        "ascent_m": activity.ascent_m,
        "sport": activity.sport,
        "name": activity.name,
        "device": activity.device,
        "source_format": activity.source_format,
        "content_hash": activity.content_hash,
        "note": activity.note,
        "avg_hr": activity.avg_hr,
        "max_hr": activity.max_hr,
    }


def activity_from_json(data: dict[str, Any]) -> Activity:
    """Rebuild an Activity from activity_to_json's dict."""
    return Activity(**{**data, "start": datetime.fromisoformat(data["start"])})


def _activity_job(data: bytes, args: dict[str, Any]) -> Any:
    from runback.importers.files import parse_activity as parse

    return activity_to_json(parse(str(args["name"]), data, int(args["max_bytes"])))


def _probe_job(data: bytes, args: dict[str, Any]) -> Any:
    """Misbehave on purpose (crash, spin, hoard), so tests and checks can see the limits hold."""
    mode = data.decode()
    if mode == "segfault":
        import ctypes

        ctypes.string_at(0)
    elif mode == "spin":
        while True:
            pass
    elif mode == "hoard":
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1024)]
        return len(hoard)
    return mode


Job = Callable[[bytes, dict[str, Any]], Any]
# Jobs by name: run_sandboxed takes a name, so only these functions ever run in a child. A
# "module:function" string is imported in the child when first used.
JOBS: dict[str, Job | str] = {
    "activity": _activity_job,
    "toml": "runback.importers.tomlsafe:toml_job",
    "probe": _probe_job,
}


def _job(name: str) -> Job:
    job = JOBS[name]
    if isinstance(job, str):
        import importlib

        module, _, function = job.partition(":")
        found: Job = getattr(importlib.import_module(module), function)
        return found
    return job


def _set_cpu_budget(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = math.ceil(usage.ru_utime + usage.ru_stime)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    # RLIMIT_CPU counts the process's whole life: move the soft limit to now + budget each job.
    resource.setrlimit(resource.RLIMIT_CPU, (used + seconds, hard))


def _serve(recv: Connection, send: Connection, memory_bytes: int) -> None:
    """Run jobs from the parent until it closes the pipe (the worker's main loop)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashed parser leaves no core file
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    import importlib

    for module in _PRELOAD:
        importlib.import_module(module)
    send.send_bytes(READY)
    while True:
        try:
            header = json.loads(recv.recv_bytes())
            data = recv.recv_bytes()
        except (EOFError, OSError):
            return
        _set_cpu_budget(int(header["cpu_s"]))
        reply: dict[str, Any]
        try:
            reply = {"ok": _job(header["job"])(data, header["args"])}
        except errors.ActivityFileError as exc:
            reply = {"error": type(exc).__name__, "source": exc.source, "reason": exc.reason}
        except MemoryError:
            send.send_bytes(b'{"memory": true}')
            return  # a heap that ran out is not worth reusing
        except RecursionError:
            reply = {"crash": "it is nested too deeply to read"}
        except Exception as exc:  # a parser bug is that file's problem, not the batch's
            reply = {"crash": f"{type(exc).__name__}: {exc}"}
        del data
        send.send_bytes(json.dumps(reply).encode())


class _Worker:
    def __init__(
        self, process: subprocess.Popen[bytes], send: Connection, recv: Connection
    ) -> None:
        self.process = process
        self.send = send
        self.recv = recv
        self.tasks = 0
        self.ready = False  # True once the worker has said READY (its imports are done)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.send.close()
        self.recv.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)


def _child_env() -> dict[str, str]:
    # The child must import this very runback, even when the parent found it by a sys.path
    # entry (a checkout, a test runner) rather than an installed package.
    import runback

    root = os.path.dirname(os.path.dirname(os.path.abspath(runback.__file__)))
    paths = [root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


class SandboxPool:
    """Warm worker processes that run named jobs under Limits; safe to share between threads."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def _start(self) -> _Worker:
        # A fresh interpreter, not a fork: no threads, open databases or sockets of the parent
        # come along, and nothing is pickled. Its own pipes keep a parser's prints out of the way.
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "runback.importers.sandbox",
                    str(to_child),
                    str(from_child),
                    str(self.limits.memory_bytes),
                ],
                pass_fds=(to_child, from_child),
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        finally:
            os.close(to_child)
            os.close(from_child)
        return _Worker(
            process,
            Connection(from_parent, readable=False),
            Connection(to_parent, writable=False),
        )

    def warm(self) -> None:
        """Start a worker now, so its start-up overlaps the caller's own work."""
        with self._lock:
            if self._idle:
                return
            self._idle.append(self._start())

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return self._start()

    def _give_back(self, worker: _Worker) -> None:
        if worker.tasks >= MAX_TASKS_PER_WORKER:
            worker.kill()
            return
        with self._lock:
            self._idle.append(worker)

    def run(self, job: str, data: bytes, args: dict[str, Any], source: str) -> Any:
        """Run one job in a worker; return its JSON result or raise that file's error."""
        worker = self._take()
        limits = self.limits
        header = {"job": job, "args": args, "cpu_s": limits.cpu_s}
        try:
            if not worker.ready:
                if not worker.recv.poll(START_S) or worker.recv.recv_bytes() != READY:
                    worker.kill()
                    raise UnsafeFileError(
                        source,
                        "could not be read: the reading process did not start in time; try again",
                    )
                worker.ready = True
            worker.send.send_bytes(json.dumps(header).encode())
            worker.send.send_bytes(data)
            if not worker.recv.poll(limits.wall_s):
                worker.kill()
                raise UnsafeFileError(source, limits.too_slow())
            raw = worker.recv.recv_bytes()
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            raise UnsafeFileError(source, self._death(worker)) from None
        worker.tasks += 1
        reply = json.loads(raw)
        if "memory" in reply:
            worker.kill()
            raise UnsafeFileError(source, limits.too_big())
        self._give_back(worker)
        if "ok" in reply:
            return reply["ok"]
        if "crash" in reply:
            raise UnsafeFileError(source, f"could not be read ({reply['crash']})")
        error = _ERRORS.get(str(reply.get("error")), errors.ActivityFileError)
        raise error(str(reply["source"]), str(reply["reason"]))

    def _death(self, worker: _Worker) -> str:
        code = worker.process.returncode
        if code == -signal.SIGXCPU:
            return self.limits.too_slow(self.limits.cpu_s)
        if code == -signal.SIGKILL:
            return self.limits.too_slow()
        if code in (-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGABRT):
            # Out of address space inside C code ends as an abort or a segfault too.
            return "could not be read safely: the parser crashed on it (a damaged or hostile file)"
        return f"could not be read safely: the reading process ended (exit status {code})"

    def close(self) -> None:
        """Stop every idle worker."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_pools: dict[Limits, SandboxPool] = {}
_pools_lock = threading.Lock()


def _pool(limits: Limits) -> SandboxPool:
    with _pools_lock:
        pool = _pools.get(limits)
        if pool is None:
            pool = _pools[limits] = SandboxPool(limits)
        return pool


def shutdown() -> None:
    """Stop every worker of every pool (also run at exit)."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.close()


atexit.register(shutdown)


def run_sandboxed(
    fn_name: str,
    data: bytes,
    limits: Limits | None = None,
    *,
    source: str = "file",
    args: dict[str, Any] | None = None,
) -> Any:
    """Run the job `fn_name` (a key of JOBS) on `data` in a child; return its JSON result."""
    if fn_name not in JOBS:
        raise ValueError(f"no sandbox job named {fn_name!r}")
    return _pool(limits or Limits()).run(fn_name, data, {"name": source, **(args or {})}, source)


def warm(limits: Limits | None = None) -> None:
    """Start a worker of the default pool now, unless one is waiting already."""
    _pool(limits or Limits()).warm()


def parse_activity(name: str, data: bytes, max_bytes: int) -> Activity:
    """Parse one activity file like importers.files.parse_activity, but in a sandboxed child."""
    result = run_sandboxed("activity", data, source=name, args={"max_bytes": max_bytes})
    return activity_from_json(result)


def _main(argv: list[str]) -> None:
    recv_fd, send_fd, memory = (int(a) for a in argv)
    _serve(Connection(recv_fd, writable=False), Connection(send_fd, readable=False), memory)


if __name__ == "__main__":
    _main(sys.argv[1:])
