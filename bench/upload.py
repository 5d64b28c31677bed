"""How long other requests wait while a big upload is imported, on a live local server.

Starts uvicorn (local mode, SQLite) from the runback under --src (default: this checkout),
uploads --files GPX runs in one request, and meanwhile asks /api/v1/bare and /api/v1/health
every 200 ms. Prints the longest and median wait, when the upload was answered and when the
import was done. Run it on the main checkout for the "before":

    .venv/bin/python bench/upload.py --src /work/main/src
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.browser import free_port  # noqa: E402
from tests.web.uploads import many_runs  # noqa: E402


def _serve(src: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        # bench/ on the path too: bare_app adds the /api/v1/bare baseline the app does not ship.
        "PYTHONPATH": os.pathsep.join([str(src), str(Path(__file__).parent)]),
        "RUNBACK_DATABASE_URL": f"sqlite:///{folder / 'runback.db'}",
        "RUNBACK_ZONE": "UTC",
        "RUNBACK_MODE": "local",
    }
    factory = "bare_app:create_app_from_env"
    args = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", factory, *args], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/bare", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def measure(url: str, files: int, points: int) -> dict[str, float]:
    """Upload the runs while polling; return the waits and timings in seconds."""
    body = many_runs(files, points)
    waits: list[float] = []
    done = threading.Event()
    timings: dict[str, float] = {}

    def poll() -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            while not done.is_set():
                for path in ("/api/v1/bare", "/api/v1/health"):
                    t = time.perf_counter()
                    c.get(path).raise_for_status()
                    waits.append(time.perf_counter() - t)
                time.sleep(0.2)

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)
    start = time.perf_counter()
    with httpx.Client(base_url=url, timeout=300) as c:
        r = c.post("/api/v1/runs/import", files=body)
        timings["answered_s"] = time.perf_counter() - start
        if r.status_code == 202:
            job = r.headers["location"]
            while c.get(job).json()["status"] not in ("done", "failed"):
                time.sleep(0.1)
        else:
            r.raise_for_status()
    timings["imported_s"] = time.perf_counter() - start
    time.sleep(0.5)
    done.set()
    poller.join()
    timings["max_wait_s"] = max(waits)
    timings["median_wait_s"] = statistics.median(waits)
    timings["polls"] = len(waits)
    return timings


def main() -> None:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--files", type=int, default=45)
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runback-bench-upload-") as folder:
        proc, url = _serve(args.src, Path(folder))
        try:
            out = measure(url, args.files, args.points)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"runback from {args.src}: {args.files} files of {args.points} points in one upload")
    for key, value in out.items():
        print(f"  {key:>14}: {value:.3f}" if key != "polls" else f"  {key:>14}: {value:.0f}")


if __name__ == "__main__":
    main()
