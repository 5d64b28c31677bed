"""Liveness and readiness: is the process up, can it reach the database."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import text

from runback.web.deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/api/v1/health")
def health(store: StoreDep) -> dict[str, str]:
    """Report that the app is up and its database answers."""
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready", never a traceback
        raise HTTPException(503, "database unreachable") from exc
    return {"status": "ok", "mode": store.settings.mode}
