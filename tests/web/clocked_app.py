"""A uvicorn factory for browser tests: the app on a clock that starts at RUNBACK_TEST_START.

The server process runs on the real monotonic clock from a fixed wall-clock instant, so what
is due on Today never depends on the hour the suite runs at.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create"]


def create() -> FastAPI:
    """Return the app from RUNBACK_* settings on a clock started at RUNBACK_TEST_START."""
    from runback.remind.daemon import StartAtClock
    from runback.services.store import open_store
    from runback.settings import Settings
    from runback.web.app import create_app

    start = datetime.fromisoformat(os.environ["RUNBACK_TEST_START"])
    settings = Settings()
    return create_app(settings, open_store(settings, StartAtClock(start)))
