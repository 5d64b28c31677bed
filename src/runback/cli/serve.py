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
        from runback.web.lan import lan_address, serve_host

        settings = Settings()
        host = host or settings.host
        port = port or settings.port
        workers = workers or settings.workers
        if settings.mode == "local" and host not in _LOOPBACK:
            fail(
                f"local mode has no login, so it only listens on 127.0.0.1 (not {host}); "
                "for other machines use RUNBACK_MODE=hosted with PostgreSQL, or for the "
                "calendar feed only: runback calendar home-network on"
            )

        @handle_errors
        def prepare() -> bool:
            # Migrate once here so workers never race each other over the schema.
            from runback.services.home_network import feed_on_home_network
            from runback.services.store import LOCAL_USER_ID, open_store
            from runback.web.app import app_secret

            app_secret(settings)
            st = open_store(settings)
            try:
                return settings.mode == "local" and feed_on_home_network(st, user_id=LOCAL_USER_ID)
            finally:
                st.close()

        home = prepare()
        lan = lan_address() if home else None
        shown_host = host
        host = serve_host(settings.mode, host, lan is not None)
        # Workers build their app from the environment: pass our choices on through it.
        os.environ.update(
            {"RUNBACK_HOST": host, "RUNBACK_PORT": str(port), "RUNBACK_WORKERS": str(workers)}
        )
        shown = f"[{shown_host}]" if ":" in shown_host else shown_host
        console().print(f"runback ({settings.mode} mode) at [bold]http://{shown}:{port}/[/]")
        if lan is not None:
            console().print(
                f"Calendar feed on your home network at [bold]http://{lan}:{port}/[/] "
                "(only the feed, with its secret address; everything else stays on this computer)"
            )
        elif home:
            console().print("Calendar feed on the home network is on, but no network was found.")
        from runback.web.server import run

        try:
            run(host, port, workers)
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
