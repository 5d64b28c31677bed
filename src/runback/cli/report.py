"""`runback report`: a PDF for your physio: pain, red flags, runs and adherence."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    from runback.cli.common import handle_errors

    @app.command("report")
    @handle_errors
    def report_cmd(
        ctx: typer.Context,
        weeks: int = typer.Option(4, "--weeks", min=1, max=52, help="Weeks to cover."),
        out: Path = typer.Option(Path("report.pdf"), "--out", "-o", help="PDF file to write."),
    ) -> None:
        """Write an A4 PDF report for your physio covering the last WEEKS weeks."""
        from runback.cli.common import console, store
        from runback.files import write_atomic
        from runback.report.pdf import render
        from runback.services.report import gather_report
        from runback.services.store import LOCAL_USER_ID

        pdf = render(gather_report(store(ctx), weeks, user_id=LOCAL_USER_ID))
        write_atomic(out, pdf)
        console().print(f"Wrote {out} ({len(pdf) // 1024} KiB, {weeks} weeks)", highlight=False)
