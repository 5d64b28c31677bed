"""Writer processes for the concurrency test: the services (as the CLI uses them), the reminder
daemon, and web clients. Each prints one JSON line: what it wrote, and every error it saw.

    python -m tests.reliability.workers cli URL USER_ID N SEED
    python -m tests.reliability.workers daemon URL USER_ID N SEED
    python -m tests.reliability.workers web BASE_URL MARKER N SEED
"""

from __future__ import annotations

import json
import random
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

__all__ = ["main"]


def _cli(url: str, user_id: int, n: int, seed: int) -> dict[str, Any]:
    """Write n transactions through the services: pain entries, breaks, session steps."""
    from runback.core.clock import SystemClock
    from runback.services import breaks, pain, sessions
    from runback.services.catalog import load_builtin
    from runback.services.store import open_store
    from runback.settings import Settings

    rng = random.Random(seed)
    routine = load_builtin().routines["desk-break"]
    steps = [s.exercise for s in routine.steps]
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), SystemClock())
    wrote = {"pain": 0, "breaks": 0, "sessions": 0}
    errors: list[str] = []
    open_session: int | None = None
    try:
        for i in range(n):
            try:
                if open_session is not None:
                    sessions.finish_session(
                        store, user_id, open_session, completed=True, steps_done=steps
                    )
                    open_session = None
                    continue
                kind = rng.choice(("pain", "break", "session"))
                if kind == "pain":
                    pain.log_pain(
                        store,
                        user_id,
                        region="lower-back",
                        intensity=i % 11,
                        notes=f"u{user_id}-{i}",
                    )
                    wrote["pain"] += 1
                elif kind == "break":
                    breaks.log_break(store, datetime.now(UTC), "taken", user_id=user_id)
                    wrote["breaks"] += 1
                else:
                    open_session = sessions.start_session(store, user_id, routine, "after-run")
                    wrote["sessions"] += 1
            except Exception:
                errors.append(traceback.format_exc(limit=3))
        if open_session is not None:
            sessions.finish_session(store, user_id, open_session, completed=True, steps_done=steps)
    finally:
        store.close()
    return {"wrote": wrote, "errors": errors}


def _daemon(url: str, user_id: int, n: int, seed: int) -> dict[str, Any]:
    """Run the real reminder daemon on a fake clock until it has logged n breaks."""
    from runback.core.clock import FakeClock
    from runback.remind.daemon import Daemon
    from runback.remind.notify import FakeNotifier, Notice
    from runback.services.store import open_store
    from runback.settings import Settings

    rng = random.Random(seed)

    def answer(_notice: Notice) -> str | None:
        return rng.choice(("start", "snooze", "skip", None))

    clock = FakeClock(datetime(2026, 1, 5, 7, 0, tzinfo=UTC))
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), clock)
    notifier = FakeNotifier(answers=answer)
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock, user_id=user_id)
    errors: list[str] = []
    try:
        while sum(f.kind == "break" for f in daemon.fired) < n:
            daemon.step()
    except Exception:
        errors.append(traceback.format_exc(limit=5))
    finally:
        store.close()
    return {"wrote": {"breaks": sum(f.kind == "break" for f in daemon.fired)}, "errors": errors}


def _web(base: str, marker: str, n: int, seed: int) -> dict[str, Any]:
    """Log pain and run sessions through the HTTP API, as the web player does."""
    import httpx

    rng = random.Random(seed)
    wrote = {"pain": 0, "sessions": 0}
    errors: list[str] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        headers = {"X-CSRF-Token": token}
        open_session: int | None = None
        for i in range(n):
            if open_session is not None:
                path = f"/api/v1/sessions/{open_session}/finish"
                body: dict[str, Any] = {"completed": False, "enjoyment": 1 + i % 5}
                open_session = None
            elif rng.random() < 0.6:
                path, body = (
                    "/api/v1/pain",
                    {"region": "hips", "intensity": i % 11, "red_flags": []},
                )
                body["notes"] = f"{marker}-{i}"
            else:
                path, body = "/api/v1/sessions", {"routine_slug": "desk-break"}
            try:
                response = client.post(path, json=body, headers=headers)
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 300:
                errors.append(f"{path}: {response.status_code} {response.text[:300]}")
                continue
            if path == "/api/v1/pain":
                wrote["pain"] += 1
            elif path == "/api/v1/sessions":
                wrote["sessions"] += 1
                open_session = int(response.json()["id"])
        if open_session is not None:
            done = client.post(
                f"/api/v1/sessions/{open_session}/finish",
                json={"completed": False},
                headers=headers,
            )
            if done.status_code >= 300:
                errors.append(f"finish: {done.status_code} {done.text[:300]}")
    return {"wrote": wrote, "errors": errors}


def main(argv: list[str]) -> int:
    """Run one writer and print its JSON report."""
    kind, target, who, n, seed = argv[0], argv[1], argv[2], int(argv[3]), int(argv[4])
    if kind == "cli":
        report = _cli(target, int(who), n, seed)
    elif kind == "daemon":
        report = _daemon(target, int(who), n, seed)
    else:
        report = _web(target, who, n, seed)
    print(json.dumps({"kind": kind, "who": who, **report}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
