"""Liveness and readiness: is the process up, can it reach the database (within a second)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from fastapi import APIRouter, HTTPException
from sqlalchemy import Engine, text

from runback.web.api import API
from runback.web.deps import StoreDep

__all__ = ["PROBE_WAIT_S", "router"]

router = APIRouter(tags=["health"])

PROBE_WAIT_S = 0.8
"""The longest the health check waits for the database: it answers within a second, always."""

_lock = threading.Lock()
_probes: dict[int, Future[None]] = {}  # per engine: the one probe in flight, hung or not


def _probe(engine: Engine) -> Future[None]:
    """Return the engine's probe in flight, starting one when none is."""
    with _lock:
        running = _probes.get(id(engine))
        if running is not None and not running.done():
            # A hung database keeps its probe hanging: share it rather than pile up threads.
            return running
        future: Future[None] = Future()
        _probes[id(engine)] = future

    def check() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except BaseException as exc:  # any driver error means "not ready"
            future.set_exception(exc)
        else:
            future.set_result(None)

    threading.Thread(target=check, name="runback-health-probe", daemon=True).start()
    return future


@router.get(f"{API}/health")
async def health(store: StoreDep) -> dict[str, str]:
    """Report that the app is up and its database answers (503 after 0.8 s without answer)."""
    # async, and the probe in its own thread: a busy thread pool or a hung database cannot
    # hold this answer back.
    future = _probe(store.engine)
    try:
        # Shielded: giving up waiting must not cancel the probe the next check shares.
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), PROBE_WAIT_S)
    except TimeoutError:
        raise HTTPException(503, "database not answering within 1 s") from None
    except Exception as exc:
        raise HTTPException(503, "database unreachable") from exc
    return {"status": "ok", "mode": store.settings.mode}
