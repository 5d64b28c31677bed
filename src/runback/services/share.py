"""Share links: a read-only, revocable, expiring link to the user's report for their physio.

The token is made like the calendar feed's (256 random bits, URL-safe) but only its sha256 is
stored, so a copy of the database opens no link. A wrong, expired or revoked token is the same
NotFoundError (404) everywhere: the link says nothing about why, or whose. Every use of a link
is logged (when, which part) for the user to see. The physio may upload a revised programme
file, validated exactly as `runback programme import` validates one; it waits, stored as
validated text, until the user accepts (it becomes the active programme) or rejects it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runback.core.model import Model
from runback.errors import LimitError, NotFoundError, ValidationError
from runback.services.store import Store
from runback.storage.web_models import ShareLinkRow, ShareUploadRow, ShareViewRow

if TYPE_CHECKING:
    from runback.services.programmes import StoredProgramme
    from runback.services.report import ReportData

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "MAX_LINKS",
    "REPORT_WEEKS",
    "UPLOADS_PER_DAY",
    "VIEWS_PER_HOUR",
    "NewShareLink",
    "ShareLink",
    "ShareUpload",
    "ShareView",
    "accept_upload",
    "create_link",
    "hash_token",
    "list_links",
    "list_uploads",
    "reject_upload",
    "revoke_link",
    "shared_report",
    "upload_programme",
]

DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_LINKS = 10  # links not yet expired or revoked, per user
REPORT_WEEKS = 8  # what the physio sees: the last eight weeks
VIEWS_PER_HOUR = 120  # per link: a physio reads, a script scraping it is stopped
UPLOADS_PER_DAY = 10  # per link, refused tries included
_NOT_FOUND = "no shared report at this address: the link may be wrong, expired or revoked"

Part = Literal["page", "pdf", "upload"]


class ShareView(Model):
    """One use of a share link: when, and which part."""

    at: datetime
    part: Part


class ShareLink(Model):
    """A share link as the user sees it (never its token, which is shown once)."""

    id: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    status: Literal["active", "expired", "revoked"]
    views: list[ShareView] = Field(default_factory=list, description="newest first")


class NewShareLink(Model):
    """A link just made: its token (shown this once) and the link."""

    token: str
    link: ShareLink


class ShareUpload(Model):
    """A programme file the physio uploaded through a link, and what the user decided."""

    id: int
    at: datetime
    file_name: str
    programme_name: str
    status: Literal["pending", "accepted", "rejected"]
    decided_at: datetime | None


def hash_token(token: str) -> str:
    """Return the stored form of a token (sha256, hex)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _status(row: ShareLinkRow, now: datetime) -> Literal["active", "expired", "revoked"]:
    if row.revoked_at is not None:
        return "revoked"
    return "active" if now < row.expires_at else "expired"


def _link(session: Session, row: ShareLinkRow, now: datetime) -> ShareLink:
    views = session.execute(
        select(ShareViewRow.at, ShareViewRow.part)
        .where(ShareViewRow.link_id == row.id)
        .order_by(ShareViewRow.at.desc(), ShareViewRow.id.desc())
    ).all()
    return ShareLink(
        id=row.id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        status=_status(row, now),
        views=[ShareView(at=v.at, part=v.part) for v in views],
    )


def create_link(store: Store, *, user_id: int, days: int = DEFAULT_DAYS) -> NewShareLink:
    """Make a new share link valid for `days` days; return it with its token (shown once)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            "share link", [f"days: give a whole number from 1 to {MAX_DAYS}, got {days!r}"]
        )
    now = store.clock.now()
    token = secrets.token_urlsafe(32)
    with store.tx() as session:
        live = session.scalar(
            select(func.count())
            .select_from(ShareLinkRow)
            .where(
                ShareLinkRow.user_id == user_id,
                ShareLinkRow.revoked_at.is_(None),
                ShareLinkRow.expires_at > now,
            )
        )
        if (live or 0) >= MAX_LINKS:
            raise LimitError(
                f"share links: you have {MAX_LINKS} open already; revoke one you no longer need",
                409,
            )
        row = ShareLinkRow(
            user_id=user_id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
            revoked_at=None,
        )
        session.add(row)
        session.flush()
        return NewShareLink(token=token, link=_link(session, row, now))


def list_links(store: Store, *, user_id: int) -> list[ShareLink]:
    """Return the user's share links, newest first, each with every view."""
    now = store.clock.now()
    with store.factory() as session:
        rows = session.scalars(
            select(ShareLinkRow)
            .where(ShareLinkRow.user_id == user_id)
            .order_by(ShareLinkRow.created_at.desc(), ShareLinkRow.id.desc())
        ).all()
        return [_link(session, r, now) for r in rows]


def revoke_link(store: Store, link_id: int, *, user_id: int) -> ShareLink:
    """Revoke one of the user's share links: it answers nothing from now on."""
    now = store.clock.now()
    with store.tx() as session:
        row = session.get(ShareLinkRow, link_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"no share link {link_id}: see `runback share list` for the ids")
        if row.revoked_at is None:
            row.revoked_at = now
        session.flush()
        return _link(session, row, now)


def _live(session: Session, token: str, now: datetime) -> ShareLinkRow:
    if not token or len(token) > 100:
        raise NotFoundError(_NOT_FOUND)
    row = session.scalar(select(ShareLinkRow).where(ShareLinkRow.token_hash == hash_token(token)))
    if row is None or _status(row, now) != "active":
        raise NotFoundError(_NOT_FOUND)
    return row


def _open(store: Store, token: str, part: Part) -> tuple[int, int]:
    """Log a use of the link and return (user id, link id); NotFoundError unless it is live."""
    now = store.clock.now()
    with store.tx() as session:
        row = _live(session, token, now)
        limit, span = (
            (UPLOADS_PER_DAY, timedelta(days=1))
            if part == "upload"
            else (VIEWS_PER_HOUR, timedelta(hours=1))
        )
        parts = ["upload"] if part == "upload" else ["page", "pdf"]
        recent = session.scalar(
            select(func.count())
            .select_from(ShareViewRow)
            .where(
                ShareViewRow.link_id == row.id,
                ShareViewRow.part.in_(parts),
                ShareViewRow.at > now - span,
            )
        )
        if (recent or 0) >= limit:
            what = "uploads today" if part == "upload" else "views this hour"
            raise LimitError(f"this shared report had {limit} {what}; try again later")
        session.add(ShareViewRow(user_id=row.user_id, link_id=row.id, at=now, part=part))
        return row.user_id, row.id


def shared_report(
    store: Store, token: str, *, part: Literal["page", "pdf"] = "page", log: bool = True
) -> ReportData:
    """Return the report a live link shows (the last REPORT_WEEKS weeks), logging the view.

    `part`: what is shown (the page, or the PDF that report/pdf.py renders from it); `log=False`
    for the page shown again with an upload's problems (that upload is logged already).
    """
    from runback.services.report import gather_report

    if log:
        user_id, _ = _open(store, token, part)
    else:
        with store.factory() as session:
            user_id = _live(session, token, store.clock.now()).user_id
    return gather_report(store, REPORT_WEEKS, user_id=user_id)


def upload_programme(store: Store, token: str, data: bytes, file_name: str) -> ShareUpload:
    """Keep a programme file uploaded through a live link for the user to accept or reject.

    Validated as `runback programme import` validates it (size, UTF-8, every field); a bad file
    raises ValidationError and nothing is kept (the try is logged as a use of the link).
    """
    from pathlib import Path

    from runback.services.programmes import parse_programme, programme_text

    name = (Path(file_name).name or "programme.toml")[:200]
    user_id, link_id = _open(store, token, "upload")
    text = programme_text(data, name)
    programme = parse_programme(text, name)
    with store.tx() as session:
        row = ShareUploadRow(
            user_id=user_id,
            link_id=link_id,
            at=store.clock.now(),
            file_name=name,
            programme_name=programme.name[:200],
            text=text,
            status="pending",
            decided_at=None,
        )
        session.add(row)
        session.flush()
        return _upload(row)


def _upload(row: ShareUploadRow) -> ShareUpload:
    return ShareUpload(
        id=row.id,
        at=row.at,
        file_name=row.file_name,
        programme_name=row.programme_name,
        status=row.status,
        decided_at=row.decided_at,
    )


def list_uploads(store: Store, *, user_id: int) -> list[ShareUpload]:
    """Return the programmes physios uploaded for the user, newest first."""
    with store.factory() as session:
        rows = session.scalars(
            select(ShareUploadRow)
            .where(ShareUploadRow.user_id == user_id)
            .order_by(ShareUploadRow.at.desc(), ShareUploadRow.id.desc())
        ).all()
        return [_upload(r) for r in rows]


def _pending(session: Session, upload_id: int, user_id: int) -> ShareUploadRow:
    row = session.get(ShareUploadRow, upload_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"no uploaded programme {upload_id}: see `runback share list`")
    if row.status != "pending":
        raise ValidationError(
            f"uploaded programme {upload_id}", [f"already {row.status}; nothing changed"]
        )
    return row


def accept_upload(store: Store, upload_id: int, *, user_id: int) -> StoredProgramme:
    """Make an uploaded programme the active one (validated again, as an import is)."""
    from runback.services.programmes import import_programme

    with store.factory() as session:
        row = _pending(session, upload_id, user_id)
        text, name = row.text, row.file_name
    stored = import_programme(store, text, name, user_id=user_id)
    with store.tx() as session:
        row = _pending(session, upload_id, user_id)
        row.status, row.decided_at = "accepted", store.clock.now()
    return stored


def reject_upload(store: Store, upload_id: int, *, user_id: int) -> ShareUpload:
    """Turn an uploaded programme down: the active programme stays as it is."""
    with store.tx() as session:
        row = _pending(session, upload_id, user_id)
        row.status, row.decided_at = "rejected", store.clock.now()
        session.flush()
        return _upload(row)
