"""The app shell: manifest, icons, favicon, service worker, the More menu and the offline page."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from runback.errors import NotFoundError
from runback.services.routines import list_routines
from runback.web.deps import StoreDep, UserDep
from runback.web.icons import ICON_SIZES, icon_png
from runback.web.routes._helpers import page

__all__ = ["MORE_LINKS", "SHELL", "router", "shell_version"]

router = APIRouter()

# Kept on the phone at install: enough to open the app and play any routine with no network.
SHELL = [
    "/",
    "/player",
    "/more",
    "/offline",
    "/static/app.css",
    "/static/app.js",
    "/static/offline.js",
    "/static/player.js",
    "/static/sound.js",
    "/static/breaks.js",
    "/static/icon.svg",
    "/icons/icon-192.png",
]

# The More menu (the bottom bar on phones holds only the daily things), in this order.
MORE_LINKS = [
    ("/routines", "Routines", "Every routine, and your own"),
    ("/progress", "Progress", "Weeks, streaks and charts"),
    ("/history", "History", "Sessions, breaks and pain, day by day"),
    ("/plan", "Make a plan", "A routine for the time and place you have"),
    ("/programme", "Programme", "A few weeks that build up"),
    ("/slots", "Break times", "When your movement breaks fall"),
    ("/welcome", "Your profile", "Sitting, back history and what to avoid"),
    ("/settings", "Settings", "Zone, reminders and the phone calendar"),
    ("/settings/share", "Share with your physio", "A private link to your report"),
]

THEME = "#1f6f4a"


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Return a short hash of the static files: a new one makes phones fetch the shell again."""
    digest = hashlib.sha256()
    folder = files("runback.web") / "static"
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if item.is_file():
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:12]


@router.get("/manifest.webmanifest", include_in_schema=False)
def manifest() -> JSONResponse:
    """Return the web app manifest (what "Add to Home screen" installs)."""
    icons: list[dict[str, Any]] = [
        {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        {"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/icons/maskable-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": "runback: back care for runners",
        "short_name": "runback",
        "description": "Short back routines, movement breaks and pain notes, for runners who sit.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f7f7f4",
        "theme_color": THEME,
        "icons": icons,
        "shortcuts": [
            {"name": "Play a routine", "url": "/player"},
            {"name": "Note pain", "url": "/pain"},
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json")


@router.get("/icons/{name}.png", include_in_schema=False)
def icon(name: str) -> Response:
    """Return the app icon as a PNG (icon-192, icon-512, maskable-512, apple-touch-180)."""
    kind, _, size_text = name.rpartition("-")
    if kind not in ("icon", "maskable") or not size_text.isdigit():
        raise NotFoundError("There is no such icon.")
    size = int(size_text)
    if size not in ICON_SIZES:
        raise NotFoundError("There is no such icon.")
    png = icon_png(size, maskable=kind == "maskable")
    return Response(png, media_type="image/png", headers={"cache-control": "max-age=86400"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Return the small icon browsers ask for on their own."""
    headers = {"cache-control": "max-age=86400"}
    return Response(icon_png(32), media_type="image/png", headers=headers)


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """Return the service worker, stamped with the shell's version and list."""
    import json

    text = (files("runback.web") / "static" / "sw.js").read_text()
    text = text.replace("__VERSION__", shell_version()).replace("__SHELL__", json.dumps(SHELL))
    # Never kept by the HTTP cache: the browser must see a new version as soon as it exists.
    headers = {"cache-control": "no-cache", "service-worker-allowed": "/"}
    return Response(text, media_type="text/javascript", headers=headers)


@router.get("/offline-pages.json", include_in_schema=False)
def offline_pages(store: StoreDep, user_id: UserDep) -> JSONResponse:
    """Return the pages the service worker keeps for playing with no network."""
    pages = [f"/player/{r.slug}" for r in list_routines(store, user_id=user_id)]
    return JSONResponse({"pages": pages}, headers={"cache-control": "no-store"})


@router.get("/more", response_class=HTMLResponse)
def more(request: Request, user_id: UserDep) -> HTMLResponse:
    """Show everything that is not on the phone's bottom bar."""
    return page(request, "more.html", {"links": MORE_LINKS})


@router.get("/offline", response_class=HTMLResponse)
def offline(request: Request, user_id: UserDep) -> HTMLResponse:
    """Show what works with no network (the service worker answers with it offline)."""
    return page(request, "offline.html", {})
