"""`runback serve`: the web app under uvicorn (local: 127.0.0.1, no login; hosted: accounts)."""

from __future__ import annotations

import typer

__all__ = ["register"]

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def register(app: typer.Typer) -> None:
    """Add the command to the app."""

    @app.command("serve")
    def serve(
        host: str = typer.Option(None, "--host", help="Address to bind (default RUNBACK_HOST)."),
        port: int = typer.Option(None, "--port", help="Port (default RUNBACK_PORT, 8765)."),
        workers: int = typer.Option(
            None, "--workers", min=1, help="Worker processes (default RUNBACK_WORKERS, 1)."
        ),
    ) -> None:
        """Run the web app and print its address."""
        import os

        from runback.cli.common import console, fail, handle_errors
        from runback.settings import Settings

        settings = Settings()
        host = host or settings.host
        port = port or settings.port
        workers = workers or settings.workers
        if settings.mode == "local" and host not in _LOOPBACK:
            fail(
                f"local mode has no login, so it only listens on 127.0.0.1 (not {host}); "
                "for other machines use RUNBACK_MODE=hosted with PostgreSQL"
            )

        @handle_errors
        def prepare() -> None:
            # Migrate once here so workers never race each other over the schema.
            from runback.services.store import open_store
            from runback.web.app import app_secret

            app_secret(settings)
            open_store(settings).close()

        prepare()
        # Workers build their app from the environment: pass our choices on through it.
        os.environ.update(
            {"RUNBACK_HOST": host, "RUNBACK_PORT": str(port), "RUNBACK_WORKERS": str(workers)}
        )
        shown = f"[{host}]" if ":" in host else host
        console().print(f"runback ({settings.mode} mode) at [bold]http://{shown}:{port}/[/]")
        from runback.web.server import run

        try:
            run(host, port, workers)
        except OSError as exc:
            fail(f"cannot listen on {shown}:{port}: {exc.strerror or exc}")
