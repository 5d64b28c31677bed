"""The load side of bench/web.py: the clients (wrk, or asyncio in Python) and what they cost.

`balanced()` loads one endpoint with one client and returns req/s, p50, p99, errors, the CPU
per request of the client, the uvicorn workers and PostgreSQL (from /proc), and how the
connections were spread over the workers. Run as a script it is the Python client's process.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["WARMUP_S", "balanced", "measure"]

WARMUP_S = 1.0
STAGGER_S = 0.05


async def _get(reader: Any, writer: Any, path: str, cookie: str) -> tuple[int, bytes]:
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Accept: */*\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await reader.readexactly(length)
    return status, body


async def _load(
    port: int, path: str, cookies: list[str], warmup: float, seconds: float
) -> dict[str, Any]:
    """Keep len(cookies) connections busy on `path`; return the latencies after the warm-up."""
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter() + warmup
    stop = start + seconds

    async def worker(i: int, cookie: str) -> None:
        nonlocal errors
        # One at a time, while the others already load the server: a worker busy with them is
        # slower to accept, so the connections spread over the workers (opened all at once,
        # the first worker to wake up accepts them all).
        await asyncio.sleep(i * STAGGER_S)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (t0 := time.perf_counter()) < stop:
                status, _ = await _get(reader, writer, path, cookie)
                if t0 >= start:
                    latencies.append(time.perf_counter() - t0)
                    errors += status != 200
        finally:
            writer.close()

    await asyncio.gather(*(worker(i, c) for i, c in enumerate(cookies)))
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors,
        "rps": n / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))],
    }


def load_process(port: int, path: str, cookies: list[str], seconds: float) -> None:
    """Run in the second process: warm up, then measure one endpoint; print JSON."""
    print(json.dumps(asyncio.run(_load(port, path, cookies, WARMUP_S, seconds))))


# One wrk process per connection, started STAGGER_S apart like the Python client's
# connections, each with its user's cookie (the script's argument); `done` prints the run's
# latency quantiles so that the processes' figures can be merged.
WRK_SCRIPT = """
function init(args)
  req = wrk.format(nil, nil, {["Cookie"] = args[1]})
end
function request()
  return req
end
function done(summary, latency, requests)
  local e = summary.errors
  local q = {}
  for i = 1, 1000 do q[i] = latency:percentile(i / 10) end
  io.write(string.format('\\n{"requests": %d, "duration_us": %d, "errors": %d, "q_us": [%s]}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    table.concat(q, ",")))
end
"""


def _wrk(url: str, cookies: list[str], seconds: float) -> Callable[[], dict[str, Any]]:
    """Warm up, then start the measured wrk processes; return a function that collects them."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)

    def argv(n: int, duration: float, *extra: str) -> list[str]:
        return ["wrk", "-t", str(n), "-c", str(n), "-d", f"{max(1, round(duration))}s",
                "--timeout", "5s", "-s", f.name, url, "--", *extra]  # fmt: skip

    subprocess.run(argv(len(cookies), WARMUP_S, cookies[0]), capture_output=True, check=True)
    runs = []
    for cookie in cookies:
        runs.append(subprocess.Popen(argv(1, seconds, cookie), stdout=subprocess.PIPE, text=True))
        time.sleep(STAGGER_S)

    def collect() -> dict[str, Any]:
        found = [json.loads(r.communicate()[0].strip().splitlines()[-1]) for r in runs]
        os.unlink(f.name)
        # Each process's 1,000 quantiles stand for its requests in equal shares.
        weighted = sorted((q / 1000, run["requests"] / 1000) for run in found for q in run["q_us"])
        total = sum(run["requests"] for run in found)

        def quantile(p: float) -> float:
            seen = 0.0
            for value, weight in weighted:
                seen += weight
                if seen >= p * total:
                    return float(value)
            return float(weighted[-1][0])

        return {
            "requests": total,
            "errors": sum(run["errors"] for run in found),
            "rps": sum(run["requests"] / (run["duration_us"] / 1e6) for run in found),
            "p50_ms": quantile(0.50),
            "p99_ms": quantile(0.99),
        }

    return collect


def _split(port: int, workers: int) -> list[int]:
    """Return how many of the client's connections each worker holds, most first."""
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        counts[pid] = counts.get(pid, 0) + 1
    found = sorted(counts.values(), reverse=True)
    return found + [0] * (workers - len(found))


def _cpu_s(pids: list[int]) -> float:
    """Return the CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone: a PostgreSQL backend that ended
        # utime, stime, and those of ended children (PostgreSQL backends that closed).
        total += sum(int(x) for x in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """Return pid and its descendants (the uvicorn workers; PostgreSQL's backends)."""
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out  # it ended meanwhile
    for child in children:
        out += _tree(int(child))
    return out


def _client_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    client: str,
    port: int,
    path: str,
    cookies: list[str],
    seconds: float,
    servers: dict[str, int],
    workers: int,
) -> dict[str, Any]:
    """Load one endpoint with one client; add the CPU used by the client and each server.

    Also notes how the connections were spread over the workers (`split`, e.g. [4, 4]).
    """
    before = {name: _cpu_s(_tree(pid)) for name, pid in servers.items()}
    client_before = _client_cpu_s()
    t0 = time.perf_counter()
    if client == "wrk":
        collect = _wrk(f"http://127.0.0.1:{port}{path}", cookies, seconds)
        time.sleep(min(1.0, seconds / 2))
    else:
        spec = json.dumps({"port": port, "path": path, "cookies": cookies, "seconds": seconds})
        argv = [sys.executable, __file__, spec]
        run = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        collect = lambda: json.loads(run.communicate()[0])  # noqa: E731
        time.sleep(WARMUP_S + min(1.0, seconds / 2))
    split = _split(port, workers)
    for _ in range(5):  # a connection between two requests can be missed: look again
        if sum(split) >= len(cookies):
            break
        time.sleep(0.1)
        split = _split(port, workers)
    result: dict[str, Any] = collect()
    wall = time.perf_counter() - t0  # warm-up included, for the client as for the servers
    cpu = {name: _cpu_s(_tree(pid)) - before[name] for name, pid in servers.items()}
    cpu["client"] = _client_cpu_s() - client_before
    result.update(client=client, path=path, split=split)
    result["cpu_pct"] = {name: round(100 * s / wall) for name, s in cpu.items()}
    return result


def balanced(
    client: str,
    port: int,
    path: str,
    cookies: list[str],
    seconds: float,
    servers: dict[str, int],
    workers: int,
) -> dict[str, Any]:
    """Measure, again (up to twice) when one worker got more than its share of connections.

    `runback serve` gives each worker its own SO_REUSEPORT socket, and the kernel hashes each
    new connection to one of them: 8 connections still split 6/2 or worse about once in four.
    (With uvicorn's one shared socket, the first worker to wake up took all 8 at times.) A
    lopsided split measures one worker more than two. Every result says its split and attempts.
    """
    for attempt in range(1, 4):
        result = measure(client, port, path, cookies, seconds, servers, workers)
        result["attempts"] = attempt
        split = result["split"]
        if split[0] - split[-1] <= 2:
            break
    return result


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    load_process(spec["port"], spec["path"], spec["cookies"], spec["seconds"])
