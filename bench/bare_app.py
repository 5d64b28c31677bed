"""`runback serve` for the benchmark: the real app plus /api/v1/bare, a constant (the baseline).

The baseline route ships only here, never in the app itself. Run as
`python bench/bare_app.py serve --port N --workers W`; every worker builds its app with
`create_app_from_env` below (this folder is on sys.path, which spawned workers inherit).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi import FastAPI

APP = "bare_app:create_app_from_env"


def create_app_from_env() -> FastAPI:
    """Return the app as `runback serve` builds it, with the baseline route added."""
    from runback.web.app import create_app_from_env as create

    app = create()

    @app.get("/api/v1/bare", include_in_schema=False)
    async def bare() -> dict[str, bool]:
        """Return a constant (the benchmark's baseline)."""
        return {"ok": True}

    return app


def main() -> None:
    """Run the `runback` CLI with the server building this module's app."""
    sys.path.insert(0, str(Path(__file__).parent))
    from runback.cli.app import main as runback_main
    from runback.web import server

    server.APP = APP  # read by server.run when no app is given, in this (the parent) process
    runback_main()


if __name__ == "__main__":
    main()
