"""The JSON API's one prefix (every route module spells its API paths `f"{API}/..."`), and the
redirect that keeps a renamed path working for one release."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import Request
    from fastapi.responses import RedirectResponse

__all__ = ["API", "moved"]

API = "/api/v1"


def moved(request: Request, old: str, new: str) -> RedirectResponse:
    """Return a 308 from a path under `old` to the same path under `new` (method and body kept)."""
    from fastapi.responses import RedirectResponse

    path = new + request.url.path.removeprefix(old)
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(path + query, status_code=308)
