"""Share links: the physio's read-only report page (its token is its credential, no login), its
PDF and programme upload; and the user's own page to make, revoke and watch links, and to accept
or reject an uploaded programme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.errors import ValidationError
from runback.services import share
from runback.services.programmes import MAX_PROGRAMME_BYTES
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import CsrfDep, IdPath, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["router"]

router = APIRouter(tags=["share"])

_PARTS = {"page": "the page", "pdf": "the PDF", "upload": "a programme upload"}


def _link_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/share/{token}"


# ---- the physio's side (no login: the token is the secret) ---------------------------------


def _shared_page(
    request: Request,
    store: Store,
    token: str,
    *,
    sent: str = "",
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    from runback.web.routes.pain import region_label

    data = share.shared_report(store, token, log=not problems)
    context = {
        "r": data,
        "token": token,
        "sent": sent,
        "problems": problems or [],
        "region_label": region_label,
        "max_kib": MAX_PROGRAMME_BYTES // 1024,
    }
    response = page(request, "share.html", context, status)
    # The address holds the secret: no search engine, no cache (render: no-store). Other sites
    # get no referrer from the app-wide same-origin policy; "no-referrer" here would make the
    # browser send `Origin: null` with the upload form, which the CSRF check refuses.
    response.headers["x-robots-tag"] = "noindex, nofollow"
    return response


@router.get("/share/{token}", response_class=HTMLResponse, include_in_schema=False)
def shared_page(request: Request, store: StoreDep, token: str, sent: str = "") -> HTMLResponse:
    """Show the shared report to whoever holds the link (404 when wrong, expired or revoked)."""
    return _shared_page(request, store, token, sent=sent[:200])


@router.get("/share/{token}/report.pdf", response_class=Response, include_in_schema=False)
def shared_pdf(store: StoreDep, token: str) -> Response:
    """Serve the shared report as the PDF."""
    from runback.report.pdf import render

    return Response(
        render(share.shared_report(store, token, part="pdf")),
        media_type="application/pdf",
        headers={
            "content-disposition": 'inline; filename="runback-report.pdf"',
            "cache-control": "no-store",
            "x-robots-tag": "noindex, nofollow",
        },
    )


@router.post("/share/{token}/programme", response_class=HTMLResponse, include_in_schema=False)
def shared_upload(
    request: Request,
    store: StoreDep,
    _: CsrfDep,
    token: str,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Take a revised programme file from the physio; the user accepts or rejects it later."""
    name = Path(file.filename or "programme.toml").name or "programme.toml"
    data = file.file.read(MAX_PROGRAMME_BYTES + 1)
    try:
        up = share.upload_programme(store, token, data, name)
    except ValidationError as exc:
        return _shared_page(request, store, token, problems=exc.problems, status=422)
    from urllib.parse import quote

    return RedirectResponse(f"/share/{token}?sent={quote(up.programme_name)}", 303)


# ---- the user's side ----------------------------------------------------------------------


def _own_page(
    request: Request,
    store: Store,
    user_id: int,
    *,
    new_url: str | None = None,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "links": share.list_links(store, user_id=user_id),
        "uploads": share.list_uploads(store, user_id=user_id),
        "new_url": new_url,
        "error": error,
        "notice": notice,
        "parts": _PARTS,
        "default_days": share.DEFAULT_DAYS,
        "max_days": share.MAX_DAYS,
        "zone": store.user_zone(user_id=user_id),
    }
    return page(request, "share_links.html", context, status)


_NOTICES = {
    "revoked": "Link revoked: it no longer opens.",
    "accepted": "Programme accepted: it is now your active programme.",
    "rejected": "Programme turned down: your programme stays as it was.",
}


@router.get("/settings/share", response_class=HTMLResponse)
def share_links_page(
    request: Request, store: StoreDep, user_id: UserDep, done: str = ""
) -> HTMLResponse:
    """Show the user's share links, every view of them, and programmes sent through them."""
    return _own_page(request, store, user_id, notice=_NOTICES.get(done))


@router.post("/settings/share", response_class=HTMLResponse)
def share_link_create(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    days: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """Make a link and show its address (this once: only a fingerprint of it is kept)."""
    try:
        made = share.create_link(store, user_id=user_id, days=int(days or share.DEFAULT_DAYS))
    except ValueError:
        message = f"days: give a whole number from 1 to {share.MAX_DAYS}"
        return _own_page(request, store, user_id, error=message, status=422)
    except ValidationError as exc:
        return _own_page(request, store, user_id, error="; ".join(exc.problems), status=422)
    return _own_page(request, store, user_id, new_url=_link_url(request, made.token), status=201)


@router.post("/settings/share/{link_id}/revoke", response_class=HTMLResponse)
def share_link_revoke(link_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Revoke a link."""
    share.revoke_link(store, link_id, user_id=user_id)
    return RedirectResponse("/settings/share?done=revoked", 303)


@router.post("/settings/share/uploads/{upload_id}/{decision}", response_class=HTMLResponse)
def share_upload_decide(
    upload_id: IdPath, decision: str, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Accept (it becomes the active programme) or reject an uploaded programme."""
    if decision == "accept":
        share.accept_upload(store, upload_id, user_id=user_id)
        return RedirectResponse("/settings/share?done=accepted", 303)
    if decision == "reject":
        share.reject_upload(store, upload_id, user_id=user_id)
        return RedirectResponse("/settings/share?done=rejected", 303)
    raise ValidationError("decision", [f"{decision!r}: use accept or reject"])


# ---- JSON -----------------------------------------------------------------------------------


class ShareLinkIn(BaseModel):
    """A link to make: how many days it opens."""

    days: int = Field(default=share.DEFAULT_DAYS, ge=1, le=share.MAX_DAYS)


class ShareLinkCreated(BaseModel):
    """A link just made: its address (shown this once) and the link."""

    url: str
    link: share.ShareLink


@router.get(f"{API}/share-links")
def api_share_links(store: StoreDep, user_id: UserDep) -> list[share.ShareLink]:
    """Return the user's share links with every view, newest first."""
    return share.list_links(store, user_id=user_id)


@router.post(f"{API}/share-links", status_code=201)
def api_share_link_create(
    body: ShareLinkIn, request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> ShareLinkCreated:
    """Make a share link; its address is in this answer only."""
    made = share.create_link(store, user_id=user_id, days=body.days)
    return ShareLinkCreated(url=_link_url(request, made.token), link=made.link)


@router.post(f"{API}/share-links/{{link_id}}/revoke")
def api_share_link_revoke(
    link_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> share.ShareLink:
    """Revoke a share link."""
    return share.revoke_link(store, link_id, user_id=user_id)


@router.get(f"{API}/share-uploads")
def api_share_uploads(store: StoreDep, user_id: UserDep) -> list[share.ShareUpload]:
    """Return programmes sent through share links, newest first."""
    return share.list_uploads(store, user_id=user_id)
