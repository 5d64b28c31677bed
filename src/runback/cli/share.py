"""`runback share`: a read-only link to your report for your physio; make, list, revoke it, and
accept or reject a programme they sent through it."""

from __future__ import annotations

import typer

__all__ = ["register"]

_PARTS = {"page": "page", "pdf": "PDF", "upload": "upload"}


def register(app: typer.Typer) -> None:
    """Add the `share` command group to the app."""
    from runback.cli.common import handle_errors

    group = typer.Typer(
        help="A read-only, expiring link to your report for your physio.", no_args_is_help=True
    )
    app.add_typer(group, name="share")

    @group.command("create")
    @handle_errors
    def create(
        ctx: typer.Context,
        days: int = typer.Option(14, "--days", help="How many days the link opens (1 to 90)."),
        base_url: str | None = typer.Option(
            None,
            "--base-url",
            help="The address your physio reaches runback at (default: this serve's host:port).",
        ),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Make a share link and print it (this once: only a fingerprint of it is kept)."""
        import json

        from runback.cli.common import console, local_when, opened_store
        from runback.services.share import create_link
        from runback.services.store import LOCAL_USER_ID

        state = ctx.obj
        base = (base_url or f"http://{state.settings.host}:{state.settings.port}").rstrip("/")
        with opened_store(ctx) as st:
            made = create_link(st, user_id=LOCAL_USER_ID, days=days)
            zone = st.user_zone(user_id=LOCAL_USER_ID)
        url = f"{base}/share/{made.token}"
        if json_out:
            print(json.dumps({"url": url, "link": made.link.model_dump(mode="json")}, indent=2))
            return
        out = console()
        out.print(url, highlight=False, soft_wrap=True)
        out.print(
            f"Share link {made.link.id}, open until {local_when(made.link.expires_at, zone)}. "
            "Copy it now: runback cannot show it again.",
            highlight=False,
        )

    @group.command("list")
    @handle_errors
    def list_cmd(
        ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")
    ) -> None:
        """List your share links with every view, and programmes sent through them."""
        import json

        from runback.cli.common import console, local_when, opened_store
        from runback.services.share import list_links, list_uploads
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            links = list_links(st, user_id=LOCAL_USER_ID)
            uploads = list_uploads(st, user_id=LOCAL_USER_ID)
            zone = st.user_zone(user_id=LOCAL_USER_ID)
        if json_out:
            data = {
                "links": [x.model_dump(mode="json") for x in links],
                "uploads": [u.model_dump(mode="json") for u in uploads],
            }
            print(json.dumps(data, indent=2))
            return
        out = console()
        if not links:
            out.print("No share links yet: runback share create")
        for link in links:
            until = {"active": "open until", "expired": "expired", "revoked": "revoked"}[
                link.status
            ]
            when = link.revoked_at if link.revoked_at is not None else link.expires_at
            out.print(
                f"{link.id}: made {local_when(link.created_at, zone)}, {until} "
                f"{local_when(when, zone)}, {len(link.views)} view(s)",
                highlight=False,
            )
            for v in link.views:
                out.print(f"    {local_when(v.at, zone)}  {_PARTS[v.part]}", highlight=False)
        for u in uploads:
            hint = " (runback share accept|reject ID)" if u.status == "pending" else ""
            out.print(
                f"programme {u.id}: {u.programme_name!r} from {u.file_name}, "
                f"{local_when(u.at, zone)}: {u.status}{hint}",
                highlight=False,
            )

    @group.command("revoke")
    @handle_errors
    def revoke(
        ctx: typer.Context,
        link_id: int = typer.Argument(..., help="The link id (see `runback share list`)."),
    ) -> None:
        """Revoke a share link: it stops opening at once."""
        from runback.cli.common import console, fail, opened_store
        from runback.services.share import revoke_link
        from runback.services.store import LOCAL_USER_ID

        if not 1 <= link_id <= 2**31 - 1:
            fail(f"{link_id}: there is no such link; `runback share list` lists them", 2)
        with opened_store(ctx) as st:
            revoke_link(st, link_id, user_id=LOCAL_USER_ID)
        console().print(f"Revoked share link {link_id}: it no longer opens.", highlight=False)

    @group.command("accept")
    @handle_errors
    def accept(
        ctx: typer.Context,
        upload_id: int = typer.Argument(..., help="The programme id (see `runback share list`)."),
    ) -> None:
        """Accept a programme your physio sent: it becomes your active programme."""
        from runback.cli.common import console, opened_store
        from runback.services.share import accept_upload
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            stored = accept_upload(st, upload_id, user_id=LOCAL_USER_ID)
        console().print(
            f"Accepted: {stored.programme.name!r} is now your active programme.", highlight=False
        )

    @group.command("reject")
    @handle_errors
    def reject(
        ctx: typer.Context,
        upload_id: int = typer.Argument(..., help="The programme id (see `runback share list`)."),
    ) -> None:
        """Turn down a programme your physio sent: your programme stays as it is."""
        from runback.cli.common import console, opened_store
        from runback.services.share import reject_upload
        from runback.services.store import LOCAL_USER_ID

        with opened_store(ctx) as st:
            reject_upload(st, upload_id, user_id=LOCAL_USER_ID)
        console().print(f"Turned down programme {upload_id}.", highlight=False)
